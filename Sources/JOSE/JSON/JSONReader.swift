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

    /// A key safe to show in an error: at most 32 printable ASCII characters.
    static func printable(_ key: String) -> String {
        String(key.unicodeScalars.prefix(32).map { (0x20..<0x7F).contains($0.value) ? Character($0) : "?" })
    }
}
