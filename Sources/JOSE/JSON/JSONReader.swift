// SPDX-License-Identifier: Apache-2.0

/// The byte-level JSON reader behind ``JSONParser`` and ``JSONObjectIndex``: builds values, or only
/// validates and skips them.
///
/// The document is `bytes[start..<end]` (a part of a larger buffer, such as a token's decoded
/// header); positions are indices into `bytes`, and errors count from `start`.
struct Reader {
    let bytes: [UInt8]
    let start: Int
    let end: Int
    let limits: JSONParser.Limits
    var index: Int
    var values = 0

    init(bytes: [UInt8], limits: JSONParser.Limits) {
        self.init(bytes: bytes, range: 0..<bytes.count, limits: limits)
    }

    init(bytes: [UInt8], range: Range<Int>, limits: JSONParser.Limits) {
        precondition(range.upperBound <= bytes.count)
        self.bytes = bytes
        self.start = range.lowerBound
        self.end = range.upperBound
        self.index = range.lowerBound
        self.limits = limits
    }

    func error(_ what: String) -> JOSEError {
        JOSEError.malformedJSON(reason: "\(what) at byte \(self.index - self.start)")
    }

    mutating func skipWhitespace() {
        self.index = Self.endOfWhitespace(self.bytes.span, from: self.index, to: self.end)
    }

    static func endOfWhitespace(_ span: Span<UInt8>, from start: Int, to end: Int) -> Int {
        var position = start
        while position < end {
            switch span[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return position
            }
        }
        return position
    }

    mutating func readValue(depth: Int) throws -> JSONValue {
        self.values += 1
        guard self.values <= self.limits.maxValues else {
            throw JOSEError.limitExceeded(reason: "JSON has more than \(self.limits.maxValues) values")
        }
        guard self.index < self.end else { throw self.error("unexpected end") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return .object(try self.readObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try self.readArray(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try self.readString())
        case UInt8(ascii: "t"): try self.expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.readNumber())
        default: throw self.error("unexpected character")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard self.index + count <= self.end else { throw self.error("invalid literal") }
        var offset = 0
        for byte in literal.description.utf8 {
            guard self.bytes[self.index + offset] == byte else { throw self.error("invalid literal") }
            offset += 1
        }
        self.index += count
    }

    mutating func checkDepth(_ depth: Int) throws {
        guard depth <= self.limits.maxDepth else {
            throw JOSEError.limitExceeded(reason: "JSON nesting deeper than \(self.limits.maxDepth)")
        }
    }

    /// How many names a linear duplicate scan covers; past it, a set of exact UTF-8 bytes takes over
    /// (a scan alone is quadratic: 16 000 names under `.document` limits took half a minute).
    static let linearNameLimit = 16

    mutating func readObject(depth: Int) throws -> JSONObject {
        try self.checkDepth(depth)
        self.index += 1  // {
        var members: [JSONObject.Member] = []
        var names = Set<[UInt8]>()  // filled once members outgrow the linear scan
        self.skipWhitespace()
        if self.index < self.end, self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            return JSONObject(uncheckedMembers: members)
        }
        while true {
            self.skipWhitespace()
            guard self.index < self.end, self.bytes[self.index] == UInt8(ascii: "\"") else {
                throw self.error("expected member name")
            }
            let key = try self.readString()
            if members.count < Self.linearNameLimit {
                for member in members where ExactText.equal(member.key, key) {
                    throw JOSEError.malformedJSON(reason: "duplicate member \"\(Self.printable(key))\"")
                }
            } else {
                if names.isEmpty { names = Set(members.map { Array($0.key.utf8) }) }
                guard names.insert(Array(key.utf8)).inserted else {
                    throw JOSEError.malformedJSON(reason: "duplicate member \"\(Self.printable(key))\"")
                }
            }
            self.skipWhitespace()
            guard self.index < self.end, self.bytes[self.index] == UInt8(ascii: ":") else {
                throw self.error("expected ':'")
            }
            self.index += 1
            self.skipWhitespace()
            let value = try self.readValue(depth: depth)
            members.append(JSONObject.Member(key: key, value: value))
            self.skipWhitespace()
            guard self.index < self.end else { throw self.error("unterminated object") }
            switch self.bytes[self.index] {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "}"):
                self.index += 1
                return JSONObject(uncheckedMembers: members)
            default: throw self.error("expected ',' or '}'")
            }
        }
    }

    mutating func readArray(depth: Int) throws -> [JSONValue] {
        try self.checkDepth(depth)
        self.index += 1  // [
        var elements: [JSONValue] = []
        self.skipWhitespace()
        if self.index < self.end, self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            return elements
        }
        while true {
            self.skipWhitespace()
            elements.append(try self.readValue(depth: depth))
            self.skipWhitespace()
            guard self.index < self.end else { throw self.error("unterminated array") }
            switch self.bytes[self.index] {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "]"):
                self.index += 1
                return elements
            default: throw self.error("expected ',' or ']'")
            }
        }
    }

    mutating func readNumber() throws -> Double {
        let start = self.index
        try self.skipNumber()
        // Fast path: plain integers (NumericDates) need no float parsing.
        var integer: Int64 = 0
        var negative = false
        var isPlainInteger = self.index - start <= 16
        for position in start..<self.index where isPlainInteger {
            let byte = self.bytes[position]
            if byte == UInt8(ascii: "-") { negative = true } else if byte >= 0x30 && byte <= 0x39 {
                integer = integer * 10 + Int64(byte - 0x30)
            } else {
                isPlainInteger = false
            }
        }
        if isPlainInteger { return Double(negative ? -integer : integer) }
        let text = String(decoding: self.bytes[start..<self.index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw self.error("number out of range") }
        return value
    }

    /// Validates a number (RFC 8259 §6, at most 64 characters) and moves past it, without converting it.
    mutating func skipNumber() throws {
        guard let after = Self.endOfNumber(self.bytes.span, from: self.index, to: self.end)?.end else {
            throw self.error("invalid number")
        }
        guard after - self.index <= 64 else { throw self.error("number too long") }
        self.index = after
    }

    /// The index after the number that starts at `start`, and whether it has neither fraction nor
    /// exponent; `nil` when it is not a valid number.
    static func endOfNumber(_ span: Span<UInt8>, from start: Int, to end: Int) -> (end: Int, isInteger: Bool)? {
        func digits(from position: Int) -> Int {
            var position = position
            while position < end, span[position] &- 0x30 < 10 { position += 1 }
            return position
        }
        var position = start
        if span[position] == UInt8(ascii: "-") { position += 1 }
        guard position < end else { return nil }
        if span[position] == UInt8(ascii: "0") {
            position += 1
        } else if span[position] &- 0x30 < 10 {
            position = digits(from: position)
        } else {
            return nil
        }
        var isInteger = true
        if position < end, span[position] == UInt8(ascii: ".") {
            isInteger = false
            let after = digits(from: position + 1)
            guard after > position + 1 else { return nil }
            position = after
        }
        if position < end, span[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < end, span[position] == UInt8(ascii: "+") || span[position] == UInt8(ascii: "-") {
                position += 1
            }
            let after = digits(from: position)
            guard after > position else { return nil }
            position = after
        }
        return (position, isInteger)
    }

    mutating func readString() throws -> String {
        self.index += 1  // opening quote
        let start = self.index
        // Fast path: no escapes, ASCII only.
        while self.index < self.end {
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                let string = String(decoding: self.bytes[start..<self.index], as: UTF8.self)
                self.index += 1
                return string
            }
            if byte == UInt8(ascii: "\\") || byte >= 0x80 || byte < 0x20 { break }
            self.index += 1
        }
        var scalars = String.UnicodeScalarView()
        for position in start..<self.index { scalars.append(Unicode.Scalar(self.bytes[position])) }
        while true {
            guard self.index < self.end else { throw self.error("unterminated string") }
            let byte = self.bytes[self.index]
            switch byte {
            case UInt8(ascii: "\""):
                self.index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                self.index += 1
                scalars.append(try self.readEscape())
            case 0..<0x20:
                throw self.error("control character in string")
            case 0..<0x80:
                scalars.append(Unicode.Scalar(byte))
                self.index += 1
            default:
                scalars.append(try self.readUTF8Scalar())
            }
        }
    }

    mutating func readEscape() throws -> Unicode.Scalar {
        guard self.index < self.end else { throw self.error("unterminated escape") }
        let byte = self.bytes[self.index]
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try self.readHex4()
            if (0xD800...0xDBFF).contains(high) {
                guard self.index + 1 < self.end, self.bytes[self.index] == UInt8(ascii: "\\"),
                    self.bytes[self.index + 1] == UInt8(ascii: "u")
                else { throw self.error("lone surrogate") }
                self.index += 2
                let low = try self.readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw self.error("lone surrogate") }
                let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw self.error("invalid escape") }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw self.error("lone surrogate") }
            return scalar
        default:
            throw self.error("invalid escape")
        }
    }

    mutating func readHex4() throws -> UInt32 {
        guard self.index + 4 <= self.end else { throw self.error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw self.error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            self.index += 1
        }
        return value
    }

    /// Decodes one well-formed UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF).
    mutating func readUTF8Scalar() throws -> Unicode.Scalar {
        let lead = self.bytes[self.index]
        let length: Int
        var value: UInt32
        var lowest: UInt32
        switch lead {
        case 0xC2...0xDF: (length, value, lowest) = (2, UInt32(lead & 0x1F), 0x80)
        case 0xE0...0xEF: (length, value, lowest) = (3, UInt32(lead & 0x0F), 0x800)
        case 0xF0...0xF4: (length, value, lowest) = (4, UInt32(lead & 0x07), 0x10000)
        default: throw self.error("invalid UTF-8")
        }
        guard self.index + length <= self.end else { throw self.error("truncated UTF-8") }
        for offset in 1..<length {
            let byte = self.bytes[self.index + offset]
            guard byte & 0xC0 == 0x80 else { throw self.error("invalid UTF-8") }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard value >= lowest, let scalar = Unicode.Scalar(value) else { throw self.error("invalid UTF-8") }
        self.index += length
        return scalar
    }

    // MARK: Validating without building values

    /// Validates one value and moves past it, building nothing (strings are checked as strictly as
    /// ``readString()`` checks them).
    mutating func skipValue(depth: Int) throws {
        self.values += 1
        guard self.values <= self.limits.maxValues else {
            throw JOSEError.limitExceeded(reason: "JSON has more than \(self.limits.maxValues) values")
        }
        guard self.index < self.end else { throw self.error("unexpected end") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"):
            try self.checkDepth(depth + 1)
            self.index += 1
            self.skipWhitespace()
            if self.index < self.end, self.bytes[self.index] == UInt8(ascii: "}") {
                self.index += 1
                return
            }
            // Nested objects are rare in claims: their names are built so duplicates are caught here too.
            var names: [String] = []
            var nameSet = Set<[UInt8]>()  // filled once the names outgrow the linear scan
            while true {
                self.skipWhitespace()
                guard self.index < self.end, self.bytes[self.index] == UInt8(ascii: "\"") else {
                    throw self.error("expected member name")
                }
                let name = try self.readString()
                if names.count < Self.linearNameLimit {
                    guard !names.contains(where: { ExactText.equal($0, name) }) else {
                        throw JOSEError.malformedJSON(reason: "duplicate member \"\(Self.printable(name))\"")
                    }
                    names.append(name)
                } else {
                    if nameSet.isEmpty { nameSet = Set(names.map { Array($0.utf8) }) }
                    guard nameSet.insert(Array(name.utf8)).inserted else {
                        throw JOSEError.malformedJSON(reason: "duplicate member \"\(Self.printable(name))\"")
                    }
                }
                self.skipWhitespace()
                guard self.index < self.end, self.bytes[self.index] == UInt8(ascii: ":") else {
                    throw self.error("expected ':'")
                }
                self.index += 1
                self.skipWhitespace()
                try self.skipValue(depth: depth + 1)
                self.skipWhitespace()
                guard self.index < self.end else { throw self.error("unterminated object") }
                if self.bytes[self.index] == UInt8(ascii: ",") {
                    self.index += 1
                } else if self.bytes[self.index] == UInt8(ascii: "}") {
                    self.index += 1
                    return
                } else {
                    throw self.error("expected ',' or '}'")
                }
            }
        case UInt8(ascii: "["):
            try self.checkDepth(depth + 1)
            self.index += 1
            self.skipWhitespace()
            if self.index < self.end, self.bytes[self.index] == UInt8(ascii: "]") {
                self.index += 1
                return
            }
            while true {
                self.skipWhitespace()
                try self.skipValue(depth: depth + 1)
                self.skipWhitespace()
                guard self.index < self.end else { throw self.error("unterminated array") }
                if self.bytes[self.index] == UInt8(ascii: ",") {
                    self.index += 1
                } else if self.bytes[self.index] == UInt8(ascii: "]") {
                    self.index += 1
                    return
                } else {
                    throw self.error("expected ',' or ']'")
                }
            }
        case UInt8(ascii: "\""): _ = try self.skipString()
        case UInt8(ascii: "t"): try self.expectLiteral("true")
        case UInt8(ascii: "f"): try self.expectLiteral("false")
        case UInt8(ascii: "n"): try self.expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try self.readNumber()  // range-checked too
        default: throw self.error("unexpected character")
        }
    }

    /// Validates a string and moves past it; returns whether it holds escapes. Plain ASCII strings,
    /// the common case, are checked without building anything.
    mutating func skipString() throws -> Bool {
        if let after = Self.endOfPlainString(self.bytes.span, from: self.index + 1, to: self.end) {
            self.index = after
            return false
        }
        _ = try self.readString()
        return true
    }

    /// The index after the closing quote of a string of printable ASCII without escapes that starts at
    /// `start`, or `nil` when the string needs the full reader.
    static func endOfPlainString(_ span: Span<UInt8>, from start: Int, to end: Int) -> Int? {
        var position = start
        // Eight bytes at a time while none is special (SWAR: "has a byte less than n / equal to c").
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while position &+ 8 <= end {
            let chunk = span.extracting(position..<(position &+ 8))
            var word: UInt64 = 0
            for offset in 0..<8 { word |= UInt64(chunk[offset]) << UInt64(offset &* 8) }
            let quote = word ^ (ones &* 0x22)  // zero bytes where word has '"'
            let backslash = word ^ (ones &* 0x5C)  // zero bytes where word has '\\'
            let control = (word &- ones &* 0x20) & ~word  // a byte below 0x20
            let special = control | (quote &- ones) & ~quote | (backslash &- ones) & ~backslash | word  // word: >= 0x80
            if special & highs != 0 { break }
            position &+= 8
        }
        while position < end {
            let byte = span[position]
            // One test for the plain case: printable ASCII other than the quote and the backslash.
            if byte &- 0x20 < 0x60, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            return byte == UInt8(ascii: "\"") ? position + 1 : nil
        }
        return nil
    }

    /// A key safe to show in an error: at most 32 printable ASCII characters.
    static func printable(_ key: String) -> String {
        String(key.unicodeScalars.prefix(32).map { (0x20..<0x7F).contains($0.value) ? Character($0) : "?" })
    }
}
