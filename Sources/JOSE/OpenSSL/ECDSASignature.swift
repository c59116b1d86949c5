// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// Converts between JWS ECDSA signatures (raw `r || s`, RFC 7518 §3.4) and OpenSSL's DER form.
enum ECDSASignature {
    /// DER `SEQUENCE { INTEGER r, INTEGER s }` from raw `r || s`; `nil` unless exactly `2 * componentSize` bytes.
    static func der(fromRaw raw: Span<UInt8>, componentSize: Int) -> [UInt8]? {
        guard raw.count == 2 * componentSize else { return nil }
        let r = self.derInteger(raw.extracting(0..<componentSize))
        let s = self.derInteger(raw.extracting(componentSize..<(2 * componentSize)))
        var output: [UInt8] = [0x30]
        self.appendLength(r.count + s.count, to: &output)
        output.append(contentsOf: r)
        output.append(contentsOf: s)
        return output
    }

    /// Raw `r || s` (each left-padded to `componentSize`) from OpenSSL's DER output.
    static func raw(fromDER der: [UInt8], componentSize: Int) throws -> [UInt8] {
        guard let signature = unsafe der.withUnsafeBufferPointer({ buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return unsafe d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }) else { throw JOSEError.signingFailed(reason: "OpenSSL returned an unreadable ECDSA signature") }
        defer { unsafe ECDSA_SIG_free(signature) }
        var output = [UInt8](repeating: 0, count: 2 * componentSize)
        let status = unsafe output.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            let r = unsafe BN_bn2binpad(ECDSA_SIG_get0_r(signature), base, Int32(componentSize))
            let s = unsafe BN_bn2binpad(ECDSA_SIG_get0_s(signature), base + componentSize, Int32(componentSize))
            return r == componentSize && s == componentSize
        }
        guard status else { throw JOSEError.signingFailed(reason: "ECDSA component too large") }
        return output
    }

    private static func derInteger(_ bytes: Span<UInt8>) -> [UInt8] {
        var start = 0
        while start < bytes.count - 1, bytes[start] == 0 { start += 1 }  // a zero value keeps one 0x00
        let needsPad = bytes[start] & 0x80 != 0
        var output: [UInt8] = [0x02]
        output.reserveCapacity(bytes.count - start + 4)
        self.appendLength(bytes.count - start + (needsPad ? 1 : 0), to: &output)
        if needsPad { output.append(0) }
        for index in start..<bytes.count { output.append(bytes[index]) }
        return output
    }

    private static func appendLength(_ length: Int, to output: inout [UInt8]) {
        if length < 0x80 {
            output.append(UInt8(length))
        } else if length <= 0xFF {
            output.append(contentsOf: [0x81, UInt8(length)])
        } else {
            output.append(contentsOf: [0x82, UInt8(length >> 8), UInt8(length & 0xFF)])
        }
    }
}
