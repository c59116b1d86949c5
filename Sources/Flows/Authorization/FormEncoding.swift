// SPDX-License-Identifier: Apache-2.0

/// `application/x-www-form-urlencoded` (the WHATWG URL standard's form encoding, which OAuth uses for
/// query strings, fragments, form_post bodies and token requests).
public enum FormEncoding {
    /// Limits for parsing untrusted input.
    public static let maxBytes = 64 * 1024
    /// The most parameters accepted in one string.
    public static let maxParameters = 64

    /// Percent-encodes every byte outside `A-Z a-z 0-9 - . _ ~` (space as `%20`; stricter than
    /// required, and safe in query, fragment and body alike).
    public static func encode(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                output.unicodeScalars.append("%")
                output.unicodeScalars.append(hex[Int(byte >> 4)])
                output.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return output
    }

    /// Encodes parameters in order as `k=v&k=v`.
    public static func encode(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(self.encode($0.0))=\(self.encode($0.1))" }.joined(separator: "&")
    }

    /// Decodes `k=v&k=v` (`+` is a space, `%XX` a byte; the result must be UTF-8).
    /// - Throws: ``FlowsError/Code/malformedCallback`` for bad escapes, invalid UTF-8, a repeated name
    ///   (RFC 6749 §3.1: parameters must not be included more than once) or exceeded limits.
    public static func decode(_ text: Substring) throws -> [(String, String)] {
        guard text.utf8.count <= self.maxBytes else {
            throw FlowsError.malformedCallback(reason: "parameters exceed \(self.maxBytes) bytes")
        }
        var result: [(String, String)] = []
        // Split on the bytes, not on Characters: "&\u{301}" is one Character, and not equal to "&".
        for pair in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try self.decodeComponent(Substring(parts[0]))
            let value = parts.count > 1 ? try self.decodeComponent(Substring(parts[1])) : ""
            guard !result.contains(where: { $0.0 == name }) else {
                throw FlowsError.malformedCallback(reason: "parameter \"\(name.prefix(40))\" appears more than once")
            }
            result.append((name, value))
            guard result.count <= self.maxParameters else {
                throw FlowsError.malformedCallback(reason: "more than \(self.maxParameters) parameters")
            }
        }
        return result
    }

    private static func decodeComponent(_ text: Substring) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
                else { throw FlowsError.malformedCallback(reason: "invalid percent-encoding") }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw FlowsError.malformedCallback(reason: "parameter is not UTF-8")
        }
        return string
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
