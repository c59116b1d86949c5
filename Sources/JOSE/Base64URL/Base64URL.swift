// SPDX-License-Identifier: Apache-2.0

/// Strict, unpadded base64url (RFC 4648 §5, as RFC 7515 §2 uses it).
///
/// Decoding rejects padding, every byte outside `A-Z a-z 0-9 - _`, a length that leaves a lone
/// character (length % 4 == 1), and non-canonical trailing bits, so every byte string has exactly one
/// accepted encoding.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Encodes bytes as unpadded base64url.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: self.encodeToBytes(bytes), as: UTF8.self)
    }

    /// Encodes bytes as unpadded base64url ASCII bytes.
    public static func encodeToBytes(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(self.alphabet[Int(value >> 18 & 63)])
            output.append(self.alphabet[Int(value >> 12 & 63)])
            output.append(self.alphabet[Int(value >> 6 & 63)])
            output.append(self.alphabet[Int(value & 63)])
            index += 3
        }
        switch input.count - index {
        case 1:
            let value = UInt32(input[index]) << 16
            output.append(self.alphabet[Int(value >> 18 & 63)])
            output.append(self.alphabet[Int(value >> 12 & 63)])
        case 2:
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(self.alphabet[Int(value >> 18 & 63)])
            output.append(self.alphabet[Int(value >> 12 & 63)])
            output.append(self.alphabet[Int(value >> 6 & 63)])
        default:
            break
        }
        return output
    }

    /// Decodes strict unpadded base64url text.
    /// - Throws: ``JOSEError/Code/malformedBase64URL`` on any deviation from the canonical form.
    public static func decode(_ text: some StringProtocol) throws -> [UInt8] {
        let string = String(text)
        return try self.decode(string.utf8.span)
    }

    /// Decodes strict unpadded base64url from ASCII bytes.
    /// - Throws: ``JOSEError/Code/malformedBase64URL`` on any deviation from the canonical form.
    public static func decode(bytes: some Collection<UInt8>) throws -> [UInt8] {
        let input = Array(bytes)
        return try self.decode(input.span)
    }

    /// Decodes strict unpadded base64url straight from a span (a token's UTF-8, say), into one
    /// exactly-sized allocation.
    static func decode(_ input: Span<UInt8>) throws(JOSEError) -> [UInt8] {
        let count = input.count
        let tail = count % 4
        var output = [UInt8](repeating: 0, count: count / 4 * 3 + (tail == 0 ? 0 : tail - 1))
        _ = try self.decodeRun(input, stoppingAt: nil, into: &output, at: 0)
        return output
    }

    /// The end of a decoded run: where it stopped in the input, and how many output bytes are filled.
    struct Run {
        /// The index of the terminator in the input, or the input's count when the run reached the end.
        var end: Int
        /// The output count after the run.
        var written: Int
    }

    /// Decodes the base64url run at the start of `input` into `output` (from `written` on), up to the
    /// end of the input or the first `terminator` byte (a JWS part ends at a dot).
    ///
    /// The fast path decodes eight characters into six bytes at a time with four pre-shifted tables;
    /// the first byte outside the alphabet ends it, and only then is that byte looked at.
    /// - Precondition: `output` has room for the run's bytes after `written` (three per four characters).
    /// - Throws: ``JOSEError/Code/malformedBase64URL`` for a byte outside the alphabet (other than the
    ///   terminator), a run whose length leaves one character, or non-canonical trailing bits.
    static func decodeRun(
        _ input: Span<UInt8>, stoppingAt terminator: UInt8?, into buffer: inout [UInt8], at written: Int
    ) throws(JOSEError) -> Run {
        // Two copies of the loop: from offset zero, the optimizer proves every store in bounds (it cannot
        // from an arbitrary offset, and then checks each byte stored), so a run worth it starts there.
        if written == 0 { return try self.decodeRunBody(input, stoppingAt: terminator, into: &buffer, at: 0) }
        return try self.decodeRunBody(input, stoppingAt: terminator, into: &buffer, at: written)
    }

    /// The body of ``decodeRun(_:stoppingAt:into:at:)``, inlined into each of its two call sites.
    @inline(__always)
    private static func decodeRunBody(
        _ input: Span<UInt8>, stoppingAt terminator: UInt8?, into buffer: inout [UInt8], at written: Int
    ) throws(JOSEError) -> Run {
        // A local span: its count stays in a register while bytes are stored through it.
        var output = buffer.mutableSpan
        let tables = self.tables
        // One table in four quarters (one base register, the quarter's offset folded into the address).
        let t = tables.shifted.span
        // Lets the optimizer drop the bounds checks of lookups by a byte.
        guard t.count == 1024 else { preconditionFailure() }
        let count = input.count
        var index = 0
        var out = written
        while index + 8 <= count, out + 6 <= output.count {
            let chunk = input.extracting(index..<(index + 8))
            let high = t[Int(chunk[0])] | t[256 &+ Int(chunk[1])] | t[512 &+ Int(chunk[2])] | t[768 &+ Int(chunk[3])]
            let low = t[Int(chunk[4])] | t[256 &+ Int(chunk[5])] | t[512 &+ Int(chunk[6])] | t[768 &+ Int(chunk[7])]
            if (high | low) & Tables.invalid != 0 { break }
            output[out] = UInt8(truncatingIfNeeded: high >> 16)
            output[out + 1] = UInt8(truncatingIfNeeded: high >> 8)
            output[out + 2] = UInt8(truncatingIfNeeded: high)
            output[out + 3] = UInt8(truncatingIfNeeded: low >> 16)
            output[out + 4] = UInt8(truncatingIfNeeded: low >> 8)
            output[out + 5] = UInt8(truncatingIfNeeded: low)
            index += 8
            out += 6
        }
        while index + 4 <= count, out + 3 <= output.count {
            let group = t[Int(input[index])] | t[256 &+ Int(input[index + 1])] | t[512 &+ Int(input[index + 2])]
                | t[768 &+ Int(input[index + 3])]
            if group & Tables.invalid != 0 { break }
            output[out] = UInt8(truncatingIfNeeded: group >> 16)
            output[out + 1] = UInt8(truncatingIfNeeded: group >> 8)
            output[out + 2] = UInt8(truncatingIfNeeded: group)
            index += 4
            out += 3
        }
        // At most three characters of the run are left before its end.
        var end = index
        while end < count, t[768 &+ Int(input[end])] & Tables.invalid == 0 { end += 1 }
        if end < count, input[end] != terminator { throw self.describeFailure(input, at: end) }
        switch end - index {
        case 0:
            break
        case 1:
            throw JOSEError.malformedBase64URL(reason: "length \(end) is not a valid base64url length")
        case 2:
            let group = t[Int(input[index])] | t[256 &+ Int(input[index + 1])]
            guard group & 0xFFFF == 0 else { throw JOSEError.malformedBase64URL(reason: "non-canonical trailing bits") }
            output[out] = UInt8(truncatingIfNeeded: group >> 16)
            out += 1
        case 3:
            let group = t[Int(input[index])] | t[256 &+ Int(input[index + 1])] | t[512 &+ Int(input[index + 2])]
            guard group & 0xFF == 0 else { throw JOSEError.malformedBase64URL(reason: "non-canonical trailing bits") }
            output[out] = UInt8(truncatingIfNeeded: group >> 16)
            output[out + 1] = UInt8(truncatingIfNeeded: group >> 8)
            out += 2
        default:
            preconditionFailure("a whole group is decoded by the loops above")
        }
        return Run(end: end, written: out)
    }

    /// Four 256-entry tables (as one) mapping a character to its six bits, already shifted to their place in
    /// a 24-bit group (first character to bits 18-23, and so on); a byte outside the alphabet maps to
    /// ``invalid``, so OR-ing a group's four entries flags any bad character with one test.
    struct Tables: Sendable {
        static let invalid: UInt32 = 0x0100_0000
        /// Four quarters of 256 entries: the first character's shift, then the second's, and so on.
        let shifted: [UInt32]

        init() {
            var shifted = [UInt32](repeating: Self.invalid, count: 1024)
            for (quarter, shift) in [18, 12, 6, 0].enumerated() {
                for (index, byte) in Base64URL.alphabet.enumerated() {
                    shifted[quarter * 256 + Int(byte)] = UInt32(index) << UInt32(shift)
                }
            }
            self.shifted = shifted
        }
    }

    private static let tables = Tables()

    /// Names the first bad character at or after `start`, or the non-canonical trailing bits.
    private static func describeFailure(_ input: Span<UInt8>, at start: Int) -> JOSEError {
        for index in start..<input.count where self.tables.shifted[768 + Int(input[index])] & Tables.invalid != 0 {
            let byte = input[index]
            let shown: String
            switch byte {
            case UInt8(ascii: "="): shown = "padding '='"
            case UInt8(ascii: "+"), UInt8(ascii: "/"):
                shown = "'\(Character(Unicode.Scalar(byte)))' (base64, not base64url)"
            case 0x21...0x7E: shown = "'\(Character(Unicode.Scalar(byte)))'"
            default: shown = "byte 0x\(String(byte, radix: 16))"
            }
            return JOSEError.malformedBase64URL(reason: "\(shown) at offset \(index)")
        }
        return JOSEError.malformedBase64URL(reason: "non-canonical trailing bits")
    }
}
