// SPDX-License-Identifier: Apache-2.0

/// JWT claims (RFC 7519 §4.1): the registered ones typed, every claim available raw.
public struct JWTClaims: Hashable, Sendable {
    /// `iss`.
    public var issuer: String?
    /// `sub`.
    public var subject: String?
    /// `aud`, normalised to an array (a single string becomes one element).
    public var audience: [String]?
    /// `exp`, seconds since the epoch.
    public var expiresAt: Double?
    /// `nbf`, seconds since the epoch.
    public var notBefore: Double?
    /// `iat`, seconds since the epoch.
    public var issuedAt: Double?
    /// `jti`.
    public var jwtID: String?
    /// Every claim in document order, registered ones included.
    public var all: JSONObject

    /// Reads claims from a JSON object, checking the registered claims' types.
    /// - Throws: ``JOSEError/Code/invalidClaim`` when a registered claim has the wrong type.
    public init(_ object: JSONObject) throws {
        self.all = object
        self.issuer = try Self.string(object, "iss")
        self.subject = try Self.string(object, "sub")
        self.jwtID = try Self.string(object, "jti")
        self.expiresAt = try Self.numericDate(object, "exp")
        self.notBefore = try Self.numericDate(object, "nbf")
        self.issuedAt = try Self.numericDate(object, "iat")
        switch object["aud"] {
        case nil: self.audience = nil
        case .string(let audience)?: self.audience = [audience]
        case .array(let values)?:
            let audiences = values.compactMap(\.stringValue)
            guard audiences.count == values.count else {
                throw JOSEError.invalidClaim(reason: "\"aud\" must be a string or an array of strings")
            }
            self.audience = audiences
        default: throw JOSEError.invalidClaim(reason: "\"aud\" must be a string or an array of strings")
        }
    }

    /// Parses claims from a JWS payload, which must be a JSON object.
    /// - Throws: ``JOSEError/Code/invalidClaim`` when the payload is not a JSON object or a registered
    ///   claim has the wrong type.
    public init(payload: [UInt8]) throws {
        let object: JSONObject
        do {
            object = try JSONParser(limits: .token).parseObject(payload, what: "JWT payload")
        } catch let error as JOSEError where error.code == .malformedJSON {
            throw JOSEError.invalidClaim(reason: "payload is not a JSON object (\(error.reason))")
        }
        try self.init(object)
    }

    /// The claim named `name`, raw.
    public subscript(name: String) -> JSONValue? { self.all[name] }

    private static func string(_ object: JSONObject, _ key: String) throws -> String? {
        guard let value = object[key] else { return nil }
        guard case .string(let string) = value else { throw JOSEError.invalidClaim(reason: "\"\(key)\" is not a string") }
        return string
    }

    private static func numericDate(_ object: JSONObject, _ key: String) throws -> Double? {
        guard let value = object[key] else { return nil }
        guard case .number(let number) = value, number.isFinite else {
            throw JOSEError.invalidClaim(reason: "\"\(key)\" is not a NumericDate")
        }
        return number
    }
}
