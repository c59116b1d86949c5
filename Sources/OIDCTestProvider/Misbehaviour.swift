// SPDX-License-Identifier: Apache-2.0

extension OIDCTestProvider {
    /// Faults the provider injects on purpose, so that a relying party's error handling can be tested.
    ///
    /// Each knob produces exactly the fault it names and nothing else. ID-token knobs apply to every
    /// ID token issued while they are set (front channel and token endpoint) unless they say otherwise.
    /// ```swift
    /// await provider.setMisbehaviour(.init(wrongCodeHash: true))
    /// ```
    public struct Misbehaviour: Hashable, Sendable {
        /// ID tokens carry a signature that does not verify (one bit flipped).
        public var badSignature: Bool
        /// The front-channel ID token's `c_hash` is not the hash of the code.
        public var wrongCodeHash: Bool
        /// The token endpoint's ID token's `at_hash` is not the hash of the access token.
        public var wrongAccessTokenHash: Bool
        /// ID tokens carry an `iss` that is not the issuer.
        public var wrongIssuer: Bool
        /// ID tokens carry an `aud` that is not the client.
        public var wrongAudience: Bool
        /// ID tokens expired five minutes ago (beyond any usual leeway).
        public var expiredIDToken: Bool
        /// ID tokens omit the `nonce` that the authorization request sent.
        public var missingNonce: Bool
        /// ID tokens carry a `nonce` other than the one the authorization request sent.
        public var wrongNonce: Bool
        /// ID tokens are signed with a key that is not (or no longer) in the JWKS: a retired key after
        /// ``OIDCTestProvider/retireOldKeys()``, else one that was never published.
        public var unpublishedSigningKey: Bool
        /// ID tokens from the token endpoint name another `sub` than the front-channel one.
        public var wrongSubjectAtTokenEndpoint: Bool
        /// Userinfo answers with another `sub` than the ID tokens.
        public var wrongSubjectAtUserInfo: Bool
        /// Authorization responses lack the RFC 9207 `iss` parameter though discovery advertises it.
        public var omitIssuerParameter: Bool
        /// Authorization responses carry an RFC 9207 `iss` parameter that is not the issuer (a mix-up).
        public var wrongIssuerParameter: Bool
        /// When set, the authorization endpoint answers with this OAuth error (e.g. `access_denied`)
        /// instead of a code, still redirected to the client with `state` and `iss`.
        public var authorizationError: String?
        /// The token endpoint answers `500 Internal Server Error` to every request, redeeming nothing.
        public var tokenEndpointServerError: Bool
        /// The refresh-token grant fails with `invalid_grant` (as after a revoked consent).
        public var refreshInvalidGrant: Bool

        /// Creates a set of faults; everything is off by default.
        /// - Parameters: see the properties.
        public init(
            badSignature: Bool = false, wrongCodeHash: Bool = false, wrongAccessTokenHash: Bool = false,
            wrongIssuer: Bool = false, wrongAudience: Bool = false, expiredIDToken: Bool = false,
            missingNonce: Bool = false, wrongNonce: Bool = false, unpublishedSigningKey: Bool = false,
            wrongSubjectAtTokenEndpoint: Bool = false, wrongSubjectAtUserInfo: Bool = false,
            omitIssuerParameter: Bool = false, wrongIssuerParameter: Bool = false, authorizationError: String? = nil,
            tokenEndpointServerError: Bool = false, refreshInvalidGrant: Bool = false
        ) {
            self.badSignature = badSignature
            self.wrongCodeHash = wrongCodeHash
            self.wrongAccessTokenHash = wrongAccessTokenHash
            self.wrongIssuer = wrongIssuer
            self.wrongAudience = wrongAudience
            self.expiredIDToken = expiredIDToken
            self.missingNonce = missingNonce
            self.wrongNonce = wrongNonce
            self.unpublishedSigningKey = unpublishedSigningKey
            self.wrongSubjectAtTokenEndpoint = wrongSubjectAtTokenEndpoint
            self.wrongSubjectAtUserInfo = wrongSubjectAtUserInfo
            self.omitIssuerParameter = omitIssuerParameter
            self.wrongIssuerParameter = wrongIssuerParameter
            self.authorizationError = authorizationError
            self.tokenEndpointServerError = tokenEndpointServerError
            self.refreshInvalidGrant = refreshInvalidGrant
        }

        /// No faults: a well-behaved provider.
        public static let none = Self()
    }
}
