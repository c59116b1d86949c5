// SPDX-License-Identifier: Apache-2.0

/// Strict, unpadded base64url (RFC 4648 §5, as RFC 7515 §2 uses it).
///
/// Decoding rejects padding, every byte outside `A-Z a-z 0-9 - _`, a length that leaves a lone
/// character (length % 4 == 1), and non-canonical trailing bits, so every byte string has exactly one
/// accepted encoding.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 0xFF marks a byte outside the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Encodes bytes as unpadded base64url.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: self.encodeToBytes(bytes), as: UTF8.self)
    }

    /// Encodes bytes as unpadded base64url ASCII bytes.
    public static func encodeToBytes(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(self.alphabet[Int(value >> 18 & 63)])
            output.append(self.alphabet[Int(value >> 12 & 63)])
            output.append(self.alphabet[Int(value >> 6 & 63)])
            output.append(self.alphabet[Int(value & 63)])
            index += 3
        }
        switch input.count - index {
        case 1:
            let value = UInt32(input[index]) << 16
            output.append(self.alphabet[Int(value >> 18 & 63)])
            output.append(self.alphabet[Int(value >> 12 & 63)])
        case 2:
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(self.alphabet[Int(value >> 18 & 63)])
            output.append(self.alphabet[Int(value >> 12 & 63)])
            output.append(self.alphabet[Int(value >> 6 & 63)])
        default:
            break
        }
        return output
    }

    /// Decodes strict unpadded base64url text.
    /// - Throws: ``JOSEError/Code/malformedBase64URL`` on any deviation from the canonical form.
    public static func decode(_ text: some StringProtocol) throws -> [UInt8] {
        let string = String(text)
        return try self.decode(string.utf8.span)
    }

    /// Decodes strict unpadded base64url from ASCII bytes.
    /// - Throws: ``JOSEError/Code/malformedBase64URL`` on any deviation from the canonical form.
    public static func decode(bytes: some Collection<UInt8>) throws -> [UInt8] {
        let input = Array(bytes)
        return try self.decode(input.span)
    }

    /// Decodes strict unpadded base64url straight from a span (a token's UTF-8, say), into one
    /// exactly-sized allocation.
    static func decode(_ input: Span<UInt8>) throws(JOSEError) -> [UInt8] {
        let count = input.count
        if count % 4 == 1 {
            throw JOSEError.malformedBase64URL(reason: "length \(count) is not a valid base64url length")
        }
        let table = self.decodeTable.span
        let whole = count / 4 * 4
        let outputCount = whole / 4 * 3 + (count == whole ? 0 : count - whole - 1)
        var failure = -1
        let output = [UInt8](capacity: outputCount) { (out: inout OutputSpan<UInt8>) in
            var index = 0
            while index < whole {
                let a = table[Int(input[index])]
                let b = table[Int(input[index + 1])]
                let c = table[Int(input[index + 2])]
                let d = table[Int(input[index + 3])]
                if (a | b | c | d) & 0xC0 != 0 {
                    failure = index
                    return
                }
                out.append(a << 2 | b >> 4)
                out.append(b << 4 | c >> 2)
                out.append(c << 6 | d)
                index += 4
            }
            switch count - whole {
            case 2:
                let a = table[Int(input[index])]
                let b = table[Int(input[index + 1])]
                if (a | b) & 0xC0 != 0 || b & 0x0F != 0 {
                    failure = index
                    return
                }
                out.append(a << 2 | b >> 4)
            case 3:
                let a = table[Int(input[index])]
                let b = table[Int(input[index + 1])]
                let c = table[Int(input[index + 2])]
                if (a | b | c) & 0xC0 != 0 || c & 0x03 != 0 {
                    failure = index
                    return
                }
                out.append(a << 2 | b >> 4)
                out.append(b << 4 | c >> 2)
            default:
                break
            }
        }
        if failure >= 0 { throw self.describeFailure(input, at: failure) }
        return output
    }

    /// Names the first bad character at or after `start`, or the non-canonical trailing bits.
    private static func describeFailure(_ input: Span<UInt8>, at start: Int) -> JOSEError {
        for index in start..<input.count where self.decodeTable[Int(input[index])] == 0xFF {
            let byte = input[index]
            let shown: String
            switch byte {
            case UInt8(ascii: "="): shown = "padding '='"
            case UInt8(ascii: "+"), UInt8(ascii: "/"):
                shown = "'\(Character(Unicode.Scalar(byte)))' (base64, not base64url)"
            case 0x21...0x7E: shown = "'\(Character(Unicode.Scalar(byte)))'"
            default: shown = "byte 0x\(String(byte, radix: 16))"
            }
            return JOSEError.malformedBase64URL(reason: "\(shown) at offset \(index)")
        }
        return JOSEError.malformedBase64URL(reason: "non-canonical trailing bits")
    }
}
