// SPDX-License-Identifier: Apache-2.0

/// A parsed, not yet verified, JWS in compact serialization (RFC 7515 §7.1).
///
/// Parsing checks the shape only: exactly three strict base64url parts, a JSON object header with a
/// string `alg`. Nothing in it is trustworthy until ``JWSVerifier`` accepts it.
public struct CompactJWS: Sendable {
    /// The decoded protected header.
    public let header: JWSHeader
    /// The decoded payload bytes.
    public let payload: [UInt8]
    /// The decoded signature bytes.
    public let signature: [UInt8]
    /// `BASE64URL(header) '.' BASE64URL(payload)`, the bytes the signature covers.
    public let signingInput: [UInt8]

    /// The largest accepted token, in bytes.
    public static let maxLength = 64 * 1024

    /// Parses a compact JWS.
    /// - Throws: ``JOSEError/Code/malformedCompactSerialization``, ``JOSEError/Code/malformedBase64URL``,
    ///   ``JOSEError/Code/malformedJSON``, ``JOSEError/Code/malformedHeader``, ``JOSEError/Code/limitExceeded``.
    public init(_ compact: String) throws {
        try self.init(bytes: Array(compact.utf8))
    }

    /// Parses a compact JWS from its ASCII bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count <= Self.maxLength else {
            throw JOSEError.limitExceeded(reason: "token of \(bytes.count) bytes exceeds \(Self.maxLength)")
        }
        var first = -1
        var second = -1
        for index in bytes.indices where bytes[index] == UInt8(ascii: ".") {
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
        let headerBytes = try Self.decode(bytes, first: 0, end: first, part: "header")
        let headerObject = try JSONParser(limits: .token).parseObject(headerBytes, what: "JWS header")
        self.header = try JWSHeader(members: headerObject)
        self.payload = try Self.decode(bytes, first: first + 1, end: second, part: "payload")
        self.signature = try Self.decode(bytes, first: second + 1, end: bytes.count, part: "signature")
        self.signingInput = Array(bytes[0..<second])
    }

    private static func decode(_ bytes: [UInt8], first: Int, end: Int, part: String) throws -> [UInt8] {
        do {
            return try Base64URL.decode(bytes, from: first, to: end)
        } catch let error as JOSEError {
            throw JOSEError.malformedBase64URL(reason: "\(part): \(error.reason)")
        }
    }
}
