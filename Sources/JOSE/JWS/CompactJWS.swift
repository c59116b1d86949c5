// SPDX-License-Identifier: Apache-2.0

/// A parsed, not yet verified, JWS in compact serialization (RFC 7515 §7.1).
///
/// Parsing checks the shape only: exactly three strict base64url parts, a JSON object header with a
/// string `alg`. Nothing in it is trustworthy until ``JWSVerifier`` accepts it. The token text is
/// kept, and the signature is checked straight over its bytes, with no copy of the signing input.
public struct CompactJWS: Sendable {
    /// The decoded protected header.
    public let header: JWSHeader
    /// The decoded payload bytes.
    public var payload: [UInt8] { Array(self.decoded[self.payloadRange]) }
    /// The decoded signature bytes.
    public var signature: [UInt8] { Array(self.decoded[self.signatureRange]) }
    /// The token as given.
    public let compact: String
    /// The length of `BASE64URL(header) '.' BASE64URL(payload)` at the start of ``compact``.
    let signingInputLength: Int
    /// The three parts decoded into one buffer: payload, signature, then (past room for both) header.
    let decoded: [UInt8]
    /// Where the payload sits in ``decoded``.
    let payloadRange: Range<Int>
    /// Where the signature sits in ``decoded``.
    let signatureRange: Range<Int>

    /// The largest accepted token, in bytes.
    public static let maxLength = 64 * 1024

    /// `BASE64URL(header) '.' BASE64URL(payload)`, the bytes the signature covers (a copy).
    public var signingInput: [UInt8] { Array(self.compact.utf8.prefix(self.signingInputLength)) }

    /// Parses a compact JWS.
    ///
    /// One pass over the token: each part is decoded up to the dot that ends it, into one buffer.
    /// - Throws: ``JOSEError/Code/malformedCompactSerialization``, ``JOSEError/Code/malformedBase64URL``,
    ///   ``JOSEError/Code/malformedJSON``, ``JOSEError/Code/malformedHeader``, ``JOSEError/Code/limitExceeded``.
    public init(_ compact: String) throws {
        let bytes = compact.utf8.span
        guard bytes.count <= Self.maxLength else {
            throw JOSEError.limitExceeded(reason: "token of \(bytes.count) bytes exceeds \(Self.maxLength)")
        }
        // The buffer holds the payload from offset zero (the long part: decoding from zero is the faster
        // copy of the loop), then the signature, then, past room for both, the header. A part of n
        // characters decodes to at most n / 4 * 3 + 2 bytes.
        let firstDot = Self.firstDot(bytes)
        let headerOffset = max(bytes.count - firstDot - 1, 0) / 4 * 3 + 4
        var decoded = [UInt8](repeating: 0, count: headerOffset + firstDot / 4 * 3 + 2)
        let header = try Self.decodePart(bytes, from: 0, "header", into: &decoded, at: headerOffset)
        guard header.end < bytes.count else {
            throw JOSEError.malformedCompactSerialization(reason: "expected three dot-separated parts")
        }
        guard header.end > 0 else { throw JOSEError.malformedCompactSerialization(reason: "empty header part") }
        let payload = try Self.decodePart(bytes, from: header.end + 1, "payload", into: &decoded, at: 0)
        guard payload.end < bytes.count else {
            throw JOSEError.malformedCompactSerialization(reason: "expected three dot-separated parts")
        }
        let signature = try Self.decodePart(bytes, from: payload.end + 1, "signature", into: &decoded, at: payload.written)
        guard signature.end == bytes.count else {
            throw JOSEError.malformedCompactSerialization(reason: "more than three parts")
        }
        self.header = try JWSHeader(json: decoded, in: headerOffset..<header.written)
        self.decoded = decoded
        self.payloadRange = 0..<payload.written
        self.signatureRange = payload.written..<signature.written
        self.compact = compact
        self.signingInputLength = payload.end
    }

    /// Parses a compact JWS from its ASCII bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count <= Self.maxLength else {
            throw JOSEError.limitExceeded(reason: "token of \(bytes.count) bytes exceeds \(Self.maxLength)")
        }
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            throw JOSEError.malformedCompactSerialization(reason: "token holds non-ASCII bytes")
        }
        try self.init(String(decoding: bytes, as: UTF8.self))
    }

    /// Decodes the part that starts at `start` up to its dot (or the end of the token).
    /// - Returns: the index of the dot (or the token's length) and the output count after the part.
    private static func decodePart(
        _ token: Span<UInt8>, from start: Int, _ part: String, into output: inout [UInt8], at written: Int
    ) throws -> (end: Int, written: Int) {
        do {
            let run = try Base64URL.decodeRun(
                token.extracting(start..<token.count), stoppingAt: UInt8(ascii: "."), into: &output, at: written)
            return (start + run.end, run.written)
        } catch {
            // The shape is named first: a JSON-serialized JWS is not "bad base64url" in its header.
            throw Self.shapeError(token) ?? JOSEError.malformedBase64URL(reason: "\(part): \(error.reason)")
        }
    }

    /// The index of the first dot, or the token's length when there is none: eight bytes at a time.
    private static func firstDot(_ token: Span<UInt8>) -> Int {
        var index = 0
        while index + 8 <= token.count {
            let dots = Reader.bytes(of: Reader.word(token, at: index), equalTo: UInt8(ascii: "."))
            if dots != 0 { return index + dots.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < token.count, token[index] != UInt8(ascii: ".") { index += 1 }
        return index
    }

    /// The error for a token that is not three dot-separated parts, or `nil` when it is.
    private static func shapeError(_ token: Span<UInt8>) -> JOSEError? {
        var dots = 0
        for index in 0..<token.count where token[index] == UInt8(ascii: ".") { dots += 1 }
        switch dots {
        case 2: return nil
        case 0 where token.count > 0 && token[0] == UInt8(ascii: "{"):
            return JOSEError.malformedCompactSerialization(reason: "JWS JSON serialization; only the compact form is accepted")
        case ..<2: return JOSEError.malformedCompactSerialization(reason: "expected three dot-separated parts")
        default: return JOSEError.malformedCompactSerialization(reason: "more than three parts")
        }
    }
}
