// SPDX-License-Identifier: Apache-2.0

/// A JWS protected header (RFC 7515 §4).
///
/// `jku`, `x5u`, `jwk` and `x5c` are kept raw in ``members`` and never fetched or trusted: keys come
/// from the caller, never from the token.
public struct JWSHeader: Hashable, Sendable {
    /// `alg`.
    public var algorithm: JWSAlgorithm
    /// `kid`.
    public var keyID: String?
    /// `typ`, e.g. `JWT`.
    public var type: String?
    /// `cty`.
    public var contentType: String?
    /// `crit`: extension names the recipient must understand.
    public var critical: [String]?
    /// `x5t`.
    public var x509ThumbprintSHA1: String?
    /// Every member, including the typed ones, in document order.
    public var members: JSONObject

    /// Creates a header with an algorithm and optional key ID.
    public init(algorithm: JWSAlgorithm, keyID: String? = nil, type: String? = nil) {
        self.algorithm = algorithm
        self.keyID = keyID
        self.type = type
        var members = JSONObject()
        members["alg"] = .string(algorithm.rawValue)
        if let keyID { members["kid"] = .string(keyID) }
        if let type { members["typ"] = .string(type) }
        self.members = members
    }

    /// Reads a header from a parsed JSON object, checking every registered member's type.
    /// - Throws: ``JOSEError/Code/malformedHeader``.
    public init(members: JSONObject) throws {
        guard case .string(let algorithm)? = members["alg"] else {
            throw JOSEError.malformedHeader(reason: "header has no string \"alg\"")
        }
        self.algorithm = JWSAlgorithm(rawValue: algorithm)
        self.members = members
        self.keyID = try Self.string(members, "kid")
        self.type = try Self.string(members, "typ")
        self.contentType = try Self.string(members, "cty")
        self.x509ThumbprintSHA1 = try Self.string(members, "x5t")
        if let critical = members["crit"] {
            guard case .array(let values) = critical, !values.isEmpty else {
                throw JOSEError.malformedHeader(reason: "\"crit\" must be a non-empty array")
            }
            let names = values.compactMap(\.stringValue)
            guard names.count == values.count else {
                throw JOSEError.malformedHeader(reason: "\"crit\" must hold only strings")
            }
            self.critical = names
        }
    }

    private static func string(_ members: JSONObject, _ key: String) throws -> String? {
        guard let value = members[key] else { return nil }
        guard case .string(let string) = value else {
            throw JOSEError.malformedHeader(reason: "header \"\(key)\" is not a string")
        }
        return string
    }
}
