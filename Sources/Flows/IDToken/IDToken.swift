// SPDX-License-Identifier: Apache-2.0
public import JOSE

/// A validated ID token: signature, issuer, audience, time, nonce and hash checks passed.
public struct IDToken: Sendable, CustomStringConvertible {
    /// The compact token (keep it for `id_token_hint`; do not log it).
    public let compact: String
    /// The protected header.
    public let header: JWSHeader
    /// The claims.
    public let claims: JWTClaims

    /// `iss`.
    public var issuer: String { self.claims.issuer ?? "" }
    /// `sub`.
    public var subject: String { self.claims.subject ?? "" }
    /// `aud`.
    public var audience: [String] { self.claims.audience ?? [] }
    /// `azp`.
    public var authorizedParty: String? { self.claims["azp"]?.stringValue }
    /// `nonce`.
    public var nonce: String? { self.claims["nonce"]?.stringValue }
    /// `auth_time`.
    public var authTime: Double? { self.claims["auth_time"]?.numberValue }
    /// `acr`.
    public var authenticationContextClass: String? { self.claims["acr"]?.stringValue }
    /// `exp`.
    public var expiresAt: Double { self.claims.expiresAt ?? 0 }

    /// Subject and issuer only.
    public var description: String { "IDToken(iss: \(self.issuer), sub: \(self.subject), alg: \(self.header.algorithm))" }
}
