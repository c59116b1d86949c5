// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE

/// Loads the test vectors copied into `Vectors/` (see `Vectors/PROVENANCE.md`) from the test bundle,
/// parsing them with the library's own ``JSONParser``.
enum TestVectors {
    /// A vector file that is missing or does not have the expected shape.
    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    /// Vector files are far larger than any token or JWKS, so the limits are raised.
    private static let parser = JSONParser(limits: .init(maxBytes: 8 << 20, maxDepth: 32, maxValues: 1 << 22))

    /// The raw bytes of `Vectors/<path>`, e.g. `rfc/rfc7515_a1_hs256.json`.
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let directory = Bundle.module.url(forResource: "Vectors", withExtension: nil) else {
            throw FormatError(description: "the test bundle has no Vectors directory")
        }
        return [UInt8](try Data(contentsOf: directory.appendingPathComponent(path)))
    }

    /// `Vectors/<path>` parsed as a JSON object.
    static func object(_ path: String) throws -> JSONObject {
        try self.parser.parseObject(try self.bytes(path), what: path)
    }

    /// Decodes lowercase or uppercase hex (Wycheproof's encoding of keys, messages and signatures).
    static func hex(_ text: String) throws -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { throw FormatError(description: "odd-length hex string") }
        func value(_ digit: UInt8) throws -> UInt8 {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
            default: throw FormatError(description: "non-hex digit in \"\(text.prefix(16))\"")
            }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            bytes.append(try value(digits[index]) << 4 | value(digits[index + 1]))
            index += 2
        }
        return bytes
    }
}

extension JSONObject {
    /// The string member `key` of a vector file.
    func vectorString(_ key: String) throws -> String {
        guard case .string(let value)? = self[key] else { throw self.missing(key, "a string") }
        return value
    }

    /// The integer member `key` of a vector file.
    func vectorInt(_ key: String) throws -> Int {
        guard case .number(let value)? = self[key], let integer = Int(exactly: value) else {
            throw self.missing(key, "an integer")
        }
        return integer
    }

    /// The object member `key` of a vector file.
    func vectorObject(_ key: String) throws -> JSONObject {
        guard case .object(let value)? = self[key] else { throw self.missing(key, "an object") }
        return value
    }

    /// The array-of-objects member `key` of a vector file.
    func vectorObjects(_ key: String) throws -> [JSONObject] {
        guard case .array(let values)? = self[key] else { throw self.missing(key, "an array") }
        return try values.map { value in
            guard case .object(let object) = value else { throw self.missing(key, "an array of objects") }
            return object
        }
    }

    /// The array-of-octets member `key` (RFC examples print octet arrays as JSON numbers).
    func vectorOctets(_ key: String) throws -> [UInt8] {
        guard case .array(let values)? = self[key] else { throw self.missing(key, "an octet array") }
        return try values.map { value in
            guard case .number(let number) = value, let octet = UInt8(exactly: number) else {
                throw self.missing(key, "an octet array")
            }
            return octet
        }
    }

    /// The strings of the array member `key` (Wycheproof `flags`); an absent member is empty.
    func vectorStrings(_ key: String) -> [String] {
        self[key]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    private func missing(_ key: String, _ kind: String) -> TestVectors.FormatError {
        TestVectors.FormatError(description: "vector member \"\(key)\" is not \(kind)")
    }
}
