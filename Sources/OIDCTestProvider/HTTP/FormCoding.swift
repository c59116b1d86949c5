// SPDX-License-Identifier: Apache-2.0

/// `application/x-www-form-urlencoded`, for query strings, fragments and bodies.
///
/// A private copy (the relying-party side has its own) so that this provider stays an independent
/// implementation that can catch the relying party's encoding bugs.
enum FormCoding {
    /// The longest input parsed.
    static let maxBytes = 64 * 1024
    /// The most parameters in one input.
    static let maxParameters = 64

    /// A malformed or oversized input.
    struct Malformed: Error {
        let reason: String
    }

    /// Percent-encodes every byte outside `A-Z a-z 0-9 - . _ ~`.
    static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output.unicodeScalars.append("%")
                output.unicodeScalars.append(hex[Int(byte >> 4)])
                output.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return output
    }

    /// `k=v&k=v`, in order.
    static func encode(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(self.encode($0.0))=\(self.encode($0.1))" }.joined(separator: "&")
    }

    /// Decodes `k=v&k=v`; a repeated name is an error (RFC 6749 §3.1).
    static func decode(_ text: Substring) throws(Malformed) -> [(String, String)] {
        guard text.utf8.count <= self.maxBytes else { throw Malformed(reason: "more than \(self.maxBytes) bytes") }
        var result: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try self.decodeComponent(parts[0])
            let value = parts.count > 1 ? try self.decodeComponent(parts[1]) : ""
            guard !result.contains(where: { $0.0 == name }) else {
                throw Malformed(reason: "parameter \"\(name.prefix(40))\" appears more than once")
            }
            result.append((name, value))
            guard result.count <= self.maxParameters else {
                throw Malformed(reason: "more than \(self.maxParameters) parameters")
            }
        }
        return result
    }

    /// Decodes one name or value (`+` is a space; `%XX` a byte; the result must be UTF-8).
    static func decodeComponent(_ text: Substring) throws(Malformed) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Self.hexValue),
                    let low = iterator.next().flatMap(Self.hexValue)
                else { throw Malformed(reason: "invalid percent-encoding") }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw Malformed(reason: "a parameter is not UTF-8")
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
