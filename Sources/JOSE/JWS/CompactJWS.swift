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
    public let payload: [UInt8]
    /// The decoded signature bytes.
    public let signature: [UInt8]
    /// The token as given.
    public let compact: String
    /// The length of `BASE64URL(header) '.' BASE64URL(payload)` at the start of ``compact``.
    let signingInputLength: Int

    /// The largest accepted token, in bytes.
    public static let maxLength = 64 * 1024

    /// `BASE64URL(header) '.' BASE64URL(payload)`, the bytes the signature covers (a copy).
    public var signingInput: [UInt8] { Array(self.compact.utf8.prefix(self.signingInputLength)) }

    /// Parses a compact JWS.
    /// - Throws: ``JOSEError/Code/malformedCompactSerialization``, ``JOSEError/Code/malformedBase64URL``,
    ///   ``JOSEError/Code/malformedJSON``, ``JOSEError/Code/malformedHeader``, ``JOSEError/Code/limitExceeded``.
    public init(_ compact: String) throws {
        let bytes = compact.utf8.span
        guard bytes.count <= Self.maxLength else {
            throw JOSEError.limitExceeded(reason: "token of \(bytes.count) bytes exceeds \(Self.maxLength)")
        }
        var first = -1
        var second = -1
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: ".") {
            if first < 0 {
                first = index
            } else if second < 0 {
                second = index
            } else {
                throw JOSEError.malformedCompactSerialization(reason: "more than three parts")
            }
        }
        guard second >= 0 else {
            throw JOSEError.malformedCompactSerialization(reason: "expected three dot-separated parts")
        }
        guard first > 0 else { throw JOSEError.malformedCompactSerialization(reason: "empty header part") }
        let headerBytes = try Self.decode(bytes.extracting(0..<first), part: "header")
        let headerObject = try JSONParser(limits: .token).parseObject(headerBytes, what: "JWS header")
        self.header = try JWSHeader(members: headerObject)
        self.payload = try Self.decode(bytes.extracting((first + 1)..<second), part: "payload")
        self.signature = try Self.decode(bytes.extracting((second + 1)..<bytes.count), part: "signature")
        self.compact = compact
        self.signingInputLength = second
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

    private static func decode(_ bytes: Span<UInt8>, part: String) throws -> [UInt8] {
        do {
            return try Base64URL.decode(bytes)
        } catch {
            throw JOSEError.malformedBase64URL(reason: "\(part): \(error.reason)")
        }
    }
}
