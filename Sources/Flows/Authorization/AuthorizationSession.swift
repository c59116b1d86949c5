// SPDX-License-Identifier: Apache-2.0
public import PKCE

/// Everything a client must remember between sending the user to the provider and handling the
/// callback: `state`, `nonce`, the PKCE verifier and what was asked for.
///
/// `Codable`, so a web server can keep it in its session store; it expires (10 minutes by default),
/// and a callback for an expired session is refused. Its `description` hides the secrets.
public struct AuthorizationSession: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The `state` sent; the callback must return exactly this.
    public let state: String
    /// The `nonce` sent; the ID tokens must carry exactly this.
    public let nonce: String
    /// The PKCE verifier, sent to the token endpoint with the code.
    public let codeVerifier: PKCECodeVerifier
    /// The `redirect_uri` sent; the token request repeats it exactly.
    public let redirectURI: String
    /// The client.
    public let clientID: String
    /// The issuer the request went to; ID tokens and the `iss` parameter must match it.
    public let issuer: String
    /// The `response_type` sent.
    public let responseType: ResponseType
    /// The response mode in effect.
    public let responseMode: ResponseMode
    /// `max_age` when requested: then `auth_time` is required and checked.
    public let maxAge: Int?
    /// `acr_values` requested, in order of preference.
    public let acrValues: [String]?
    /// When the request was made (seconds since the epoch).
    public let createdAt: Double
    /// When this session stops being accepted.
    public let expiresAt: Double

    /// Creates a session (normally made by ``AuthorizationRequest/prepare(authorizationEndpoint:issuer:now:)``).
    public init(
        state: String, nonce: String, codeVerifier: PKCECodeVerifier, redirectURI: String, clientID: String,
        issuer: String, responseType: ResponseType, responseMode: ResponseMode, maxAge: Int?, acrValues: [String]?,
        createdAt: Double, expiresAt: Double
    ) {
        self.state = state
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.redirectURI = redirectURI
        self.clientID = clientID
        self.issuer = issuer
        self.responseType = responseType
        self.responseMode = responseMode
        self.maxAge = maxAge
        self.acrValues = acrValues
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// Whether the session has expired at `now` (a NaN time counts as expired).
    public func isExpired(now: Double) -> Bool { !(now < self.expiresAt) }

    /// Secrets hidden.
    public var description: String {
        "AuthorizationSession(issuer: \(self.issuer), client: \(self.clientID), response_type: \(self.responseType), "
            + "mode: \(self.responseMode.rawValue), state/nonce/verifier: <redacted>)"
    }
}
