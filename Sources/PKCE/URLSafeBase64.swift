// SPDX-License-Identifier: Apache-2.0

/// Unpadded base64url encoding (RFC 4648 §5). PKCE stays independent of JOSE, so it has its own encoder.
enum URLSafeBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = min(3, bytes.count - index)
            var value: UInt32 = 0
            for offset in 0..<3 { value = value << 8 | (offset < chunk ? UInt32(bytes[index + offset]) : 0) }
            for position in 0...chunk { output.append(self.alphabet[Int(value >> UInt32(18 - 6 * position) & 63)]) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
