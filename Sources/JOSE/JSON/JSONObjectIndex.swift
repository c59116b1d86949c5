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
        /// The value's first byte: `"` for a string, `[` for an array, and so on.
        var first: UInt8
        /// The name's length and first (up to seven) bytes in one integer: different integers mean
        /// different names, and for names of up to seven bytes without escapes, equal ones mean equal.
        var packedName: UInt64
        /// The value when it is a non-negative integer of at most 15 digits (read while scanning), else -1.
        var integer: Int64 = -1
    }

    private(set) var slots: [Slot]

    /// Scans a document that must be a JSON object.
    /// - Throws: ``JOSEError/Code/malformedJSON`` or ``JOSEError/Code/limitExceeded``.
    init(_ bytes: [UInt8], limits: JSONParser.Limits, what: String) throws {
        try self.init(bytes, in: 0..<bytes.count, limits: limits, what: what)
    }

    /// Scans `bytes[range]`, which must be a JSON object; slots index into `bytes`.
    ///
    /// Plain ASCII strings and short integers, nearly everything in a token, are scanned inline over a
    /// span; anything else (escapes, non-ASCII text, nested values, other numbers) goes through
    /// ``Reader``, which checks it exactly as ``JSONParser`` does.
    /// - Throws: ``JOSEError/Code/malformedJSON`` or ``JOSEError/Code/limitExceeded``.
    init(_ bytes: [UInt8], in range: Range<Int>, limits: JSONParser.Limits, what: String) throws {
        guard range.count <= limits.maxBytes else {
            throw JOSEError.limitExceeded(reason: "JSON of \(range.count) bytes exceeds \(limits.maxBytes)")
        }
        let span = bytes.span
        let end = range.upperBound
        // The full reader, for slow paths and error offsets; made only when needed (it holds a reference).
        func reader(at index: Int) -> Reader {
            var reader = Reader(bytes: bytes, range: range, limits: limits)
            reader.index = index
            return reader
        }
        var index = Reader.endOfWhitespace(span, from: range.lowerBound, to: end)
        guard index < end, span[index] == UInt8(ascii: "{") else {
            // Let the full parser name the problem (or say it is not an object).
            _ = try JSONParser(limits: limits).parse(Array(bytes[range]))
            throw JOSEError.malformedJSON(reason: "\(what) is not a JSON object")
        }
        // The object itself counts as depth 1 and as one value, as JSONParser counts it.
        guard limits.maxDepth >= 1 else {
            throw JOSEError.limitExceeded(reason: "JSON nesting deeper than \(limits.maxDepth)")
        }
        var values = 1
        guard values <= limits.maxValues else {
            throw JOSEError.limitExceeded(reason: "JSON has more than \(limits.maxValues) values")
        }
        var slots: [Slot] = []
        slots.reserveCapacity(16)
        var names = Set<[UInt8]>()  // filled once the slots outgrow the linear duplicate scan
        var seenNames: UInt64 = 0  // a one-word Bloom filter over packed names, while no name has escapes
        var anyEscapedName = false
        index = Reader.endOfWhitespace(span, from: index + 1, to: end)
        if index < end, span[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                index = Reader.endOfWhitespace(span, from: index, to: end)
                guard index < end, span[index] == UInt8(ascii: "\"") else {
                    throw reader(at: index).error("expected member name")
                }
                let keyStart = index + 1
                var keyEscaped = false
                let packedName: UInt64
                if let name = Reader.endOfPlainName(span, from: keyStart, to: end) {
                    index = name.end
                    packedName = name.packed
                } else {
                    var slow = reader(at: index)
                    _ = try slow.readString()
                    index = slow.index
                    keyEscaped = true
                    packedName = Self.pack(span, keyStart, index - 1)
                }
                let keyEnd = index - 1
                index = Reader.endOfWhitespace(span, from: index, to: end)
                guard index < end, span[index] == UInt8(ascii: ":") else {
                    throw reader(at: index).error("expected ':'")
                }
                index = Reader.endOfWhitespace(span, from: index + 1, to: end)
                let valueStart = index
                var valueEscaped = false
                var integer: Int64 = -1
                guard index < end else {
                    throw reader(at: index).error("unexpected end")
                }
                let first = span[index]
                if first == UInt8(ascii: "\""), let after = Reader.endOfPlainString(span, from: index + 1, to: end) {
                    values += 1
                    index = after
                } else if first &- 0x30 < 10, let number = Reader.endOfShortInteger(span, from: index, to: end) {
                    values += 1
                    index = number.end
                    integer = number.value
                } else {
                    var slow = reader(at: index)
                    slow.values = values
                    if first == UInt8(ascii: "\"") {
                        slow.values += 1
                        _ = try slow.readString()
                        valueEscaped = true
                    } else {
                        try slow.skipValue(depth: 1)
                    }
                    index = slow.index
                    values = slow.values
                }
                guard values <= limits.maxValues else {
                    throw JOSEError.limitExceeded(reason: "JSON has more than \(limits.maxValues) values")
                }
                // Appended first and checked in place: a slot is built once, straight into the array (a copy
                // of one built on the stack stalls on store forwarding), and read back only on slow paths.
                slots.append(
                    Slot(
                        keyStart: keyStart, keyEnd: keyEnd, valueStart: valueStart, valueEnd: index,
                        hasEscapes: keyEscaped || valueEscaped, first: first, packedName: packedName,
                        integer: integer))
                let newest = slots.count - 1
                if newest < Reader.linearNameLimit {
                    // Equal names without escapes have equal packed names, so a clear bit proves a new name.
                    let bit: UInt64 = 1 << ((packedName &* 0x9E37_79B9_7F4A_7C15) >> 58)
                    anyEscapedName = anyEscapedName || keyEscaped
                    if anyEscapedName || seenNames & bit != 0 {
                        try Self.checkUnique(slots[newest], keyEscaped: keyEscaped, among: slots[..<newest], in: bytes)
                    }
                    seenNames |= bit
                } else {
                    if names.isEmpty { names = Set(slots[..<newest].map { Self.keyBytes($0, in: bytes) }) }
                    guard names.insert(Self.keyBytes(slots[newest], in: bytes)).inserted else {
                        throw JOSEError.malformedJSON(
                            reason: "duplicate member \"\(Reader.printable(Self.key(slots[newest], in: bytes)))\"")
                    }
                }
                index = Reader.endOfWhitespace(span, from: index, to: end)
                guard index < end else {
                    throw reader(at: index).error("unterminated object")
                }
                if span[index] == UInt8(ascii: ",") {
                    index += 1
                } else if span[index] == UInt8(ascii: "}") {
                    index += 1
                    break
                } else {
                    throw reader(at: index).error("expected ',' or '}'")
                }
            }
        }
        index = Reader.endOfWhitespace(span, from: index, to: end)
        guard index == end else {
            throw reader(at: index).error("trailing content")
        }
        self.slots = slots
    }

    /// Rejects a name that equals an earlier one (comparing decoded text when escapes are involved).
    private static func checkUnique(_ slot: Slot, keyEscaped: Bool, among slots: ArraySlice<Slot>, in bytes: [UInt8]) throws {
        let length = slot.keyEnd - slot.keyStart
        for other in slots {
            let same: Bool
            if keyEscaped || other.hasEscapes {
                same = ExactText.equal(Self.key(other, in: bytes), Self.key(slot, in: bytes))
            } else if other.packedName != slot.packedName {
                same = false
            } else {
                same = other.keyEnd - other.keyStart == length
                    && (length <= 7 || Self.equal(bytes, other.keyStart, bytes.span.extracting(slot.keyStart..<slot.keyEnd)))
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
        guard slot.packedName >> 56 == 3 else { return nil }
        return UInt32(truncatingIfNeeded: slot.packedName)
    }

    /// The length of `bytes[start..<end]` (at most 255) in the top byte, and its first (up to seven)
    /// bytes below, the first one highest: `"exp"` is `0x0300_0000_0065_7870`.
    static func pack(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        let length = end - start
        let used = min(length, 7)
        // One eight-byte load when there is room (bytes past the name are shifted out).
        if start + 8 <= bytes.count { return Self.pack(word: Reader.word(bytes, at: start), length: length) }
        var packed: UInt64 = 0
        for index in start..<(start + used) { packed = packed << 8 | UInt64(bytes[index]) }
        return UInt64(min(length, 255)) << 56 | packed
    }

    /// ``pack(_:_:_:)`` of a name of `length` bytes whose first eight bytes are `word` (first byte lowest).
    @inline(__always)
    static func pack(word: UInt64, length: Int) -> UInt64 {
        let used = min(length, 7)
        let packed = used == 0 ? 0 : word.byteSwapped >> UInt64(64 - 8 * used)
        return UInt64(min(length, 255)) << 56 | packed
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
        let target = name.utf8.span
        let packed = Self.pack(target, 0, target.count)
        for slot in self.slots where Self.hasName(slot, name, packed: packed, in: bytes) { return slot }
        return nil
    }

    /// Whether a slot's name is `name`, code point for code point.
    static func hasName(_ slot: Slot, _ name: String, in bytes: [UInt8]) -> Bool {
        let target = name.utf8.span
        return Self.hasName(slot, name, packed: Self.pack(target, 0, target.count), in: bytes)
    }

    /// ``hasName(_:_:in:)`` with the name already packed: most slots differ in their packed names.
    private static func hasName(_ slot: Slot, _ name: String, packed: UInt64, in bytes: [UInt8]) -> Bool {
        if slot.hasEscapes { return ExactText.equal(Self.key(slot, in: bytes), name) }
        guard slot.packedName == packed else { return false }
        let target = name.utf8.span
        return target.count <= 7
            || (slot.keyEnd - slot.keyStart == target.count && Self.equal(bytes, slot.keyStart, target))
    }

    /// The text of a string slot, or `nil` when the value is not a string.
    static func string(_ slot: Slot, in bytes: [UInt8]) -> String? {
        guard slot.first == UInt8(ascii: "\"") else { return nil }
        // Validated UTF-8 without escapes: the bytes are the text.
        guard slot.hasEscapes else { return String(decoding: bytes[(slot.valueStart + 1)..<(slot.valueEnd - 1)], as: UTF8.self) }
        return Self.value(slot, in: bytes).stringValue
    }

    /// The number in a slot, or `nil` when the value is not a number; plain integers (NumericDates)
    /// were read while scanning.
    static func number(_ slot: Slot, in bytes: [UInt8]) -> Double? {
        if slot.integer >= 0 { return Double(slot.integer) }
        guard case .number(let number) = Self.value(slot, in: bytes) else { return nil }
        return number
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

    /// Whether `bytes[start...]` begins with `other` (the caller has checked that it is long enough),
    /// eight bytes at a time.
    static func equal(_ bytes: [UInt8], _ start: Int, _ other: Span<UInt8>) -> Bool {
        let span = bytes.span
        var offset = 0
        while offset + 8 <= other.count {
            if Reader.word(span, at: start + offset) != Reader.word(other, at: offset) { return false }
            offset += 8
        }
        while offset < other.count {
            if span[start + offset] != other[offset] { return false }
            offset += 1
        }
        return true
    }

}
