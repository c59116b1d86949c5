// SPDX-License-Identifier: Apache-2.0

/// Byte scanners over a span, for the hot paths (the claims index, the simple header): each returns where
/// a piece of JSON ends, and never throws; the caller falls back to the full reader when one says no.
extension Reader {
    /// The index of the first byte at or after `start` that is not JSON whitespace.
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
}
