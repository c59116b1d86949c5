// SPDX-License-Identifier: Apache-2.0

/// An error thrown by the ``Flows`` module. Match on ``code``; the reason names the failed check and
/// the values involved, never a token, code, verifier or secret.
///
/// Signature and JWT time failures of ID tokens surface as `JOSEError`; transport failures as
/// `TransportError`; discovery failures as `DiscoveryError`.
public struct FlowsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed.
    public let code: Code
    /// A sentence naming the failed check, e.g. `c_hash mismatch`.
    public let reason: String
    /// For provider error responses: the OAuth `error` value (e.g. `invalid_grant`).
    public let oauthError: String?
    /// When a refresh succeeded at the token endpoint but what came back failed a check (the refreshed
    /// ID token): the rotated tokens, which must still be stored, since the old refresh token may already
    /// be dead. Never part of ``description``.
    public var rotatedTokens: TokenSet?

    /// The reason alone, suitable for one `error:` line.
    public var description: String { self.reason }

    private init(_ code: Code, _ reason: String, oauthError: String? = nil) {
        self.code = code
        self.reason = reason
        self.oauthError = oauthError
        self.rotatedTokens = nil
    }

    /// Compares codes only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// The request cannot be built as configured (e.g. `query` mode for a type returning tokens).
    public static func invalidRequest(reason: String) -> Self { Self(.invalidRequest, reason) }
    /// The stored authorization session has expired.
    public static func sessionExpired(reason: String) -> Self { Self(.sessionExpired, reason) }
    /// The callback is malformed: a required parameter is missing, repeated or too large.
    public static func malformedCallback(reason: String) -> Self { Self(.malformedCallback, reason) }
    /// The provider answered the authorization request with an error (RFC 6749 §4.1.2.1).
    public static func authorizationFailed(error: String, reason: String) -> Self {
        Self(.authorizationFailed, reason, oauthError: error)
    }
    /// `state` does not match the session.
    public static func stateMismatch(reason: String) -> Self { Self(.stateMismatch, reason) }
    /// The RFC 9207 `iss` authorization response parameter is missing or wrong (mix-up defence).
    public static func issuerParameterMismatch(reason: String) -> Self { Self(.issuerParameterMismatch, reason) }
    /// An ID token claim check failed (iss, aud, azp, nonce, c_hash, at_hash, auth_time, acr, sub, ...).
    public static func idTokenInvalid(reason: String) -> Self { Self(.idTokenInvalid, reason) }
    /// The token endpoint answered with an OAuth error (RFC 6749 §5.2).
    public static func tokenEndpointError(error: String, reason: String) -> Self {
        Self(.tokenEndpointError, reason, oauthError: error)
    }
    /// A response from the provider is not what the protocol requires (bad JSON, missing fields, bad status).
    public static func invalidResponse(reason: String) -> Self { Self(.invalidResponse, reason) }
    /// The refresh token is no longer accepted: the user must authorize again.
    public static func reauthenticationRequired(reason: String) -> Self { Self(.reauthenticationRequired, reason) }
    /// The UserInfo response is invalid or for another subject.
    public static func userInfoInvalid(reason: String) -> Self { Self(.userInfoInvalid, reason) }

    /// The kind of a ``FlowsError``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// See ``FlowsError/invalidRequest(reason:)``.
        public static let invalidRequest = Self("invalidRequest")
        /// See ``FlowsError/sessionExpired(reason:)``.
        public static let sessionExpired = Self("sessionExpired")
        /// See ``FlowsError/malformedCallback(reason:)``.
        public static let malformedCallback = Self("malformedCallback")
        /// See ``FlowsError/authorizationFailed(error:reason:)``.
        public static let authorizationFailed = Self("authorizationFailed")
        /// See ``FlowsError/stateMismatch(reason:)``.
        public static let stateMismatch = Self("stateMismatch")
        /// See ``FlowsError/issuerParameterMismatch(reason:)``.
        public static let issuerParameterMismatch = Self("issuerParameterMismatch")
        /// See ``FlowsError/idTokenInvalid(reason:)``.
        public static let idTokenInvalid = Self("idTokenInvalid")
        /// See ``FlowsError/tokenEndpointError(error:reason:)``.
        public static let tokenEndpointError = Self("tokenEndpointError")
        /// See ``FlowsError/invalidResponse(reason:)``.
        public static let invalidResponse = Self("invalidResponse")
        /// See ``FlowsError/reauthenticationRequired(reason:)``.
        public static let reauthenticationRequired = Self("reauthenticationRequired")
        /// See ``FlowsError/userInfoInvalid(reason:)``.
        public static let userInfoInvalid = Self("userInfoInvalid")
        /// The code's name.
        public var description: String { self.name }
    }
}
