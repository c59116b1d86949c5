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

    /// The index after the number that starts at `start`, or `nil` when it is not a valid number.
    static func endOfNumber(_ span: Span<UInt8>, from start: Int, to end: Int) -> Int? {
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
        if position < end, span[position] == UInt8(ascii: ".") {
            let after = digits(from: position + 1)
            guard after > position + 1 else { return nil }
            position = after
        }
        if position < end, span[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < end, span[position] == UInt8(ascii: "+") || span[position] == UInt8(ascii: "-") {
                position += 1
            }
            let after = digits(from: position)
            guard after > position else { return nil }
            position = after
        }
        return position
    }

    /// The end and value of a non-negative integer of at most 15 digits starting at `start` (a
    /// NumericDate, say), read in one pass; `nil` for anything else, including a number that goes on
    /// with more digits, a fraction or an exponent, and a leading zero before digits: the full scanner
    /// then decides.
    static func endOfShortInteger(_ span: Span<UInt8>, from start: Int, to end: Int) -> (end: Int, value: Int64)? {
        var position = start
        var value: Int64 = 0
        if start &+ 8 <= end, let eight = Self.eightDigits(Self.word(span, at: start)) {
            position = start &+ 8
            value = eight
        }
        while position < end, position - start < 15, span[position] &- 0x30 < 10 {
            value = value &* 10 &+ Int64(span[position] &- 0x30)
            position += 1
        }
        guard position > start, !(span[start] == UInt8(ascii: "0") && position - start > 1) else { return nil }
        if position < end {
            switch span[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
        }
        return (position, value)
    }

    /// The value of eight ASCII digits (the first in the lowest byte), or `nil` when any byte is not a
    /// digit: SWAR, three multiplications instead of eight steps.
    @inline(__always)
    private static func eightDigits(_ word: UInt64) -> Int64? {
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        let zeros: UInt64 = 0x3030_3030_3030_3030
        // Every byte is 0x30-0x39: its high nibble is 3, and adding 6 does not carry out of the nibble.
        guard word & high == zeros, (word &+ 0x0606_0606_0606_0606) & high == zeros else { return nil }
        var digits = word &- zeros
        digits = digits &* 10 &+ (digits >> 8)  // pairs: d0 * 10 + d1 in bytes 0, 2, 4, 6
        digits =
            ((digits & 0x0000_00FF_0000_00FF) &* (100 &+ (1_000_000 << 32))
                &+ ((digits >> 16) & 0x0000_00FF_0000_00FF) &* (1 &+ (10_000 << 32))) >> 32
        return Int64(digits)
    }

    /// The index after the closing quote of a string of printable ASCII without escapes that starts at
    /// `start`, or `nil` when the string needs the full reader.
    static func endOfPlainString(_ span: Span<UInt8>, from start: Int, to end: Int) -> Int? {
        var position = start
        // Eight bytes at a time; the first special byte ends the string if it is the quote.
        while position &+ 8 <= end {
            let special = Self.specialBytes(Self.word(span, at: position))
            if special != 0 { return Self.endAtQuote(span, position &+ special.trailingZeroBitCount >> 3) }
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

    /// ``endOfPlainString(_:from:to:)`` for a member name, with the name packed as
    /// ``JSONObjectIndex/pack(_:_:_:)`` packs it, from the same eight-byte load.
    static func endOfPlainName(_ span: Span<UInt8>, from start: Int, to end: Int) -> (end: Int, packed: UInt64)? {
        guard start &+ 8 <= end else {
            guard let after = Self.endOfPlainString(span, from: start, to: end) else { return nil }
            return (after, JSONObjectIndex.pack(span, start, after - 1))
        }
        let word = Self.word(span, at: start)
        let special = Self.specialBytes(word)
        if special != 0 {
            let length = special.trailingZeroBitCount >> 3
            guard let after = Self.endAtQuote(span, start &+ length) else { return nil }
            return (after, JSONObjectIndex.pack(word: word, length: length))
        }
        guard let after = Self.endOfPlainString(span, from: start &+ 8, to: end) else { return nil }
        return (after, JSONObjectIndex.pack(word: word, length: after - 1 - start))
    }

    /// The eight bytes at `position` as one integer, the first byte lowest (one load).
    @inline(__always)
    static func word(_ span: Span<UInt8>, at position: Int) -> UInt64 {
        let chunk = span.extracting(position..<(position &+ 8))
        var word: UInt64 = 0
        for offset in 0..<8 { word |= UInt64(chunk[offset]) << UInt64(offset &* 8) }
        return word
    }

    /// The high bit of each byte of `word` that ends a plain string (the quote, the backslash, a control
    /// character, a byte of 0x80 or more), exact for the lowest flagged byte (SWAR "has a byte less
    /// than n / equal to c"; borrows can only flag bytes above a true one).
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let control = (word &- ones &* 0x20) & ~word  // a byte below 0x20
        let special = control | word  // word: a byte of 0x80 or more
        return special & 0x8080_8080_8080_8080 | Self.bytes(of: word, equalTo: UInt8(ascii: "\""))
            | Self.bytes(of: word, equalTo: UInt8(ascii: "\\"))
    }

    /// The high bit of each byte of `word` equal to `byte`, exact for the lowest flagged byte (SWAR
    /// "has a zero byte" on `word` XOR `byte` repeated; borrows can only flag bytes above a true one).
    @inline(__always)
    static func bytes(of word: UInt64, equalTo byte: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let zeroed = word ^ (ones &* UInt64(byte))
        return (zeroed &- ones) & ~zeroed & 0x8080_8080_8080_8080
    }

    /// The index after the quote at `position`, or `nil` when the byte there is another special one.
    @inline(__always)
    private static func endAtQuote(_ span: Span<UInt8>, _ position: Int) -> Int? {
        span[position] == UInt8(ascii: "\"") ? position &+ 1 : nil
    }
}
