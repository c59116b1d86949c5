// SPDX-License-Identifier: Apache-2.0

/// Validating without building values: what ``JSONObjectIndex`` uses for everything but plain strings and
/// short integers.
extension Reader {
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

    /// Validates a number (RFC 8259 §6, at most 64 characters) and moves past it, without converting it.
    mutating func skipNumber() throws {
        guard let after = Self.endOfNumber(self.bytes.span, from: self.index, to: self.end) else {
            throw self.error("invalid number")
        }
        guard after - self.index <= 64 else { throw self.error("number too long") }
        self.index = after
    }
}
