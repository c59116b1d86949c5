// SPDX-License-Identifier: Apache-2.0
public import JOSE

/// A successful token endpoint response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
public struct TokenResponse: Sendable, CustomStringConvertible {
    /// `access_token`.
    public let accessToken: String
    /// `token_type`, as sent (compare case-insensitively; ``isBearer``).
    public let tokenType: String
    /// `expires_in` in seconds, when sent.
    public let expiresIn: Double?
    /// `refresh_token`, when sent.
    public let refreshToken: String?
    /// `id_token`, when sent (not validated here).
    public let idToken: String?
    /// `scope`, when sent (the granted scope may differ from the requested one).
    public let scope: String?
    /// When the response arrived (local clock, seconds since the epoch).
    public let receivedAt: Double
    /// Every member of the response.
    public let members: JSONObject

    /// Whether `token_type` is `Bearer` (case-insensitive, RFC 6749 §5.1).
    public var isBearer: Bool { self.tokenType.lowercased() == "bearer" }

    /// When the access token expires (local clock), if `expires_in` was sent.
    public var expiresAt: Double? { self.expiresIn.map { self.receivedAt + $0 } }

    /// Parses a JSON body.
    /// - Throws: ``FlowsError/Code/invalidResponse`` naming the missing or mistyped member.
    public init(json: [UInt8], receivedAt: Double) throws {
        let object: JSONObject
        do {
            object = try JSONParser(limits: .document).parseObject(json, what: "token response")
        } catch let error as JOSEError {
            throw FlowsError.invalidResponse(reason: "token response: \(error.reason)")
        }
        guard case .string(let accessToken)? = object["access_token"], !accessToken.isEmpty else {
            throw FlowsError.invalidResponse(reason: "token response has no access_token")
        }
        guard case .string(let tokenType)? = object["token_type"] else {
            throw FlowsError.invalidResponse(reason: "token response has no token_type")
        }
        self.accessToken = accessToken
        self.tokenType = tokenType
        switch object["expires_in"] {
        case nil, .null?: self.expiresIn = nil
        case .number(let seconds)? where seconds >= 0 && seconds.isFinite: self.expiresIn = seconds
        // Some providers send a numeric string; accept it (finite only: Double("inf") parses), refuse anything else.
        case .string(let text)? where Double(text).map({ $0 >= 0 && $0.isFinite }) == true:
            self.expiresIn = Double(text)
        default:
            throw FlowsError.invalidResponse(reason: "token response expires_in is not a finite non-negative number")
        }
        self.refreshToken = try Self.optionalString(object, "refresh_token")
        self.idToken = try Self.optionalString(object, "id_token")
        self.scope = try Self.optionalString(object, "scope")
        self.receivedAt = receivedAt
        self.members = object
    }

    private static func optionalString(_ object: JSONObject, _ name: String) throws -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw FlowsError.invalidResponse(reason: "token response \(name) is not a string")
        }
    }

    /// Token type and lifetime only; tokens hidden.
    public var description: String {
        "TokenResponse(token_type: \(self.tokenType), expires_in: \(self.expiresIn.map(Diagnostics.seconds) ?? "-"), "
            + "refresh_token: \(self.refreshToken == nil ? "no" : "yes"), id_token: \(self.idToken == nil ? "no" : "yes"))"
    }
}
