// SPDX-License-Identifier: Apache-2.0

/// Where the members of a JSON object sit in its bytes, found in one validating pass that builds no
/// values: the fast path for JWT claims, whose values are mostly compared, not kept.
///
/// The whole document is validated exactly as ``JSONParser`` would (same limits, duplicate names
/// rejected, strict strings and numbers); only the work of building values is skipped.
struct JSONObjectIndex: Sendable {
    /// One member's byte ranges.
    struct Slot: Sendable {
        /// The name, without quotes.
        var keyStart: Int
        var keyEnd: Int
        /// The value, quotes included for strings.
        var valueStart: Int
        var valueEnd: Int
        /// Whether the name or a string value holds escapes (then bytes are not the text).
        var hasEscapes: Bool

        var first: UInt8 = 0
    }

    private(set) var slots: [Slot]

    /// Scans a document that must be a JSON object.
    /// - Throws: ``JOSEError/Code/malformedJSON`` or ``JOSEError/Code/limitExceeded``.
    init(_ bytes: [UInt8], limits: JSONParser.Limits, what: String) throws {
        try self.init(bytes, in: 0..<bytes.count, limits: limits, what: what)
    }

    /// Scans `bytes[range]`, which must be a JSON object; slots index into `bytes`.
    /// - Throws: ``JOSEError/Code/malformedJSON`` or ``JOSEError/Code/limitExceeded``.
    init(_ bytes: [UInt8], in range: Range<Int>, limits: JSONParser.Limits, what: String) throws {
        guard range.count <= limits.maxBytes else {
            throw JOSEError.limitExceeded(reason: "JSON of \(range.count) bytes exceeds \(limits.maxBytes)")
        }
        let end = range.upperBound
        var reader = Reader(bytes: bytes, range: range, limits: limits)
        reader.skipWhitespace()
        guard reader.index < end, bytes[reader.index] == UInt8(ascii: "{") else {
            // Let the full parser name the problem (or say it is not an object).
            _ = try JSONParser(limits: limits).parse(Array(bytes[range]))
            throw JOSEError.malformedJSON(reason: "\(what) is not a JSON object")
        }
        reader.values = 1
        reader.index += 1
        var slots: [Slot] = []
        slots.reserveCapacity(16)
        var names = Set<[UInt8]>()  // filled once the slots outgrow the linear duplicate scan
        reader.skipWhitespace()
        if reader.index < end, bytes[reader.index] == UInt8(ascii: "}") {
            reader.index += 1
        } else {
            while true {
                reader.skipWhitespace()
                guard reader.index < end, bytes[reader.index] == UInt8(ascii: "\"") else {
                    throw reader.error("expected member name")
                }
                let keyStart = reader.index + 1
                let keyEscaped = try reader.skipString()
                let keyEnd = reader.index - 1
                reader.skipWhitespace()
                guard reader.index < end, bytes[reader.index] == UInt8(ascii: ":") else {
                    throw reader.error("expected ':'")
                }
                reader.index += 1
                reader.skipWhitespace()
                let valueStart = reader.index
                var valueEscaped = false
                if valueStart < end, bytes[valueStart] == UInt8(ascii: "\"") {
                    reader.values += 1
                    valueEscaped = try reader.skipString()
                } else {
                    try reader.skipValue(depth: 1)
                }
                var slot = Slot(
                    keyStart: keyStart, keyEnd: keyEnd, valueStart: valueStart, valueEnd: reader.index,
                    hasEscapes: keyEscaped || valueEscaped)
                slot.first = bytes[valueStart]
                if slots.count < Reader.linearNameLimit {
                    try Self.checkUnique(slot, keyEscaped: keyEscaped, among: slots, in: bytes)
                } else {
                    if names.isEmpty { names = Set(slots.map { Self.keyBytes($0, in: bytes) }) }
                    guard names.insert(Self.keyBytes(slot, in: bytes)).inserted else {
                        throw JOSEError.malformedJSON(
                            reason: "duplicate member \"\(Reader.printable(Self.key(slot, in: bytes)))\"")
                    }
                }
                slots.append(slot)
                reader.skipWhitespace()
                guard reader.index < end else { throw reader.error("unterminated object") }
                if bytes[reader.index] == UInt8(ascii: ",") {
                    reader.index += 1
                } else if bytes[reader.index] == UInt8(ascii: "}") {
                    reader.index += 1
                    break
                } else {
                    throw reader.error("expected ',' or '}'")
                }
            }
        }
        reader.skipWhitespace()
        guard reader.index == end else { throw reader.error("trailing content") }
        self.slots = slots
    }

    /// Rejects a name that equals an earlier one (comparing decoded text when escapes are involved).
    private static func checkUnique(_ slot: Slot, keyEscaped: Bool, among slots: [Slot], in bytes: [UInt8]) throws {
        let length = slot.keyEnd - slot.keyStart
        for other in slots {
            let same: Bool
            if keyEscaped || other.hasEscapes {
                same = ExactText.equal(Self.key(other, in: bytes), Self.key(slot, in: bytes))
            } else {
                same = other.keyEnd - other.keyStart == length
                    && Self.equal(bytes, other.keyStart, bytes.span.extracting(slot.keyStart..<slot.keyEnd))
            }
            if same {
                throw JOSEError.malformedJSON(reason: "duplicate member \"\(Reader.printable(Self.key(slot, in: bytes)))\"")
            }
        }
    }

    /// A three-letter ASCII name packed into an integer (`"exp"` is 0x657870), or `nil` for any other
    /// name: lets the registered JWT claims be recognised without building strings.
    static func shortName(_ slot: Slot, in bytes: [UInt8]) -> UInt32? {
        if slot.hasEscapes {
            let name = Array(Self.key(slot, in: bytes).utf8)
            guard name.count == 3 else { return nil }
            return UInt32(name[0]) << 16 | UInt32(name[1]) << 8 | UInt32(name[2])
        }
        guard slot.keyEnd - slot.keyStart == 3 else { return nil }
        let start = slot.keyStart
        return UInt32(bytes[start]) << 16 | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2])
    }

    /// The decoded name of a slot as UTF-8 (the raw bytes when it has no escapes).
    private static func keyBytes(_ slot: Slot, in bytes: [UInt8]) -> [UInt8] {
        slot.hasEscapes ? Array(Self.key(slot, in: bytes).utf8) : Array(bytes[slot.keyStart..<slot.keyEnd])
    }

    /// The decoded name of a slot.
    static func key(_ slot: Slot, in bytes: [UInt8]) -> String {
        guard slot.hasEscapes else { return String(decoding: bytes[slot.keyStart..<slot.keyEnd], as: UTF8.self) }
        var reader = Reader(bytes: bytes, limits: .document)
        reader.index = slot.keyStart - 1
        return (try? reader.readString()) ?? ""
    }

    /// The slot whose name is `name`.
    func slot(named name: String, in bytes: [UInt8]) -> Slot? {
        for slot in self.slots where Self.hasName(slot, name, in: bytes) { return slot }
        return nil
    }

    /// Whether a slot's name is `name`, code point for code point.
    static func hasName(_ slot: Slot, _ name: String, in bytes: [UInt8]) -> Bool {
        if slot.hasEscapes { return ExactText.equal(Self.key(slot, in: bytes), name) }
        let target = name.utf8.span
        return slot.keyEnd - slot.keyStart == target.count && Self.equal(bytes, slot.keyStart, target)
    }

    /// The text of a string slot, or `nil` when the value is not a string.
    static func string(_ slot: Slot, in bytes: [UInt8]) -> String? {
        guard slot.first == UInt8(ascii: "\"") else { return nil }
        // Validated UTF-8 without escapes: the bytes are the text.
        guard slot.hasEscapes else { return String(decoding: bytes[(slot.valueStart + 1)..<(slot.valueEnd - 1)], as: UTF8.self) }
        return Self.value(slot, in: bytes).stringValue
    }

    /// The value of a slot, built.
    static func value(_ slot: Slot, in bytes: [UInt8]) -> JSONValue {
        var reader = Reader(bytes: bytes, limits: .document)
        reader.index = slot.valueStart
        // The bytes were validated by the scan, so building cannot fail.
        return (try? reader.readValue(depth: 1)) ?? .null
    }

    /// Whether a string slot's text equals `text` code point for code point, compared on the raw bytes
    /// when there are no escapes.
    ///
    /// Not `String ==`, which applies Unicode canonical equivalence (`"\u{212A}" == "K"`): JWT compares
    /// StringOrURI values with no canonicalization (RFC 7519 §2).
    static func stringValue(_ slot: Slot, in bytes: [UInt8], equals text: String) -> Bool {
        guard slot.first == UInt8(ascii: "\"") else { return false }
        if slot.hasEscapes {
            guard let value = Self.value(slot, in: bytes).stringValue else { return false }
            return ExactText.equal(value, text)
        }
        return slot.valueEnd - slot.valueStart - 2 == text.utf8.count
            && Self.equal(bytes, slot.valueStart + 1, text.utf8.span)
    }

    /// Whether `bytes[start...]` begins with `other` (the caller has checked that it is long enough).
    static func equal(_ bytes: [UInt8], _ start: Int, _ other: Span<UInt8>) -> Bool {
        let span = bytes.span
        for offset in 0..<other.count where span[start + offset] != other[offset] { return false }
        return true
    }

}
