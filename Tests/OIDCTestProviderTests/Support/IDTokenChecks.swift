// SPDX-License-Identifier: Apache-2.0
import JOSE
import OIDCTestProvider

/// What an ID token must say.
struct IDTokenExpectation {
    var client: OIDCTestProvider.Client
    /// The nonce it must carry, or `nil` when it must carry none.
    var nonce: String?
    /// The code `c_hash` must hash (`nil`: no requirement).
    var code: String? = nil
    /// The access token `at_hash` must hash (`nil`: no requirement).
    var accessToken: String? = nil
    var subject: String = OIDCTestProvider.User().subject
}

extension TestRelyingParty {
    /// Runs each ID token check on its own and returns the names of those that fail, so that a test can
    /// assert that exactly one fault is present: `unpublished-key`, `signature`, `alg`, `iss`, `aud`, `exp`,
    /// `nonce`, `c_hash`, `at_hash`, `sub`, `auth_time`.
    func failedChecks(_ idToken: String, _ expected: IDTokenExpectation) async throws -> Set<String> {
        let jwks = try await self.jwks()
        let jws = try CompactJWS(idToken)
        var failed = Set<String>()
        if !jwks.keys.contains(where: { $0.keyID != nil && $0.keyID == jws.header.keyID }) {
            failed.insert("unpublished-key")
        } else if (try? JWSVerifier(keySet: jwks, algorithms: [.rs256, .es256]).verify(jws)) == nil {
            failed.insert("signature")
        }
        if jws.header.algorithm != expected.client.idTokenSigningAlgorithm { failed.insert("alg") }
        let claims = try JWTClaims(payload: jws.payload)
        let algorithm = jws.header.algorithm
        if !claims.claim("iss", equals: self.provider.issuer) { failed.insert("iss") }
        if claims.audience != [expected.client.id] { failed.insert("aud") }
        let now = WallClock.secondsSinceEpoch()
        if !(claims.expiresAt.map { $0 > now } ?? false) || !(claims.issuedAt.map { $0 <= now + 5 } ?? false) {
            failed.insert("exp")
        }
        if claims["nonce"]?.stringValue != expected.nonce { failed.insert("nonce") }
        if let code = expected.code,
            !TokenHash.matches(claims["c_hash"]?.stringValue ?? "", value: code, algorithm: algorithm)
        {
            failed.insert("c_hash")
        }
        if let accessToken = expected.accessToken,
            !TokenHash.matches(claims["at_hash"]?.stringValue ?? "", value: accessToken, algorithm: algorithm)
        {
            failed.insert("at_hash")
        }
        if claims.subject != expected.subject { failed.insert("sub") }
        if !(claims["auth_time"]?.numberValue.map { $0 <= now + 5 && $0 > now - 3600 } ?? false) {
            failed.insert("auth_time")
        }
        return failed
    }

    /// The claims, unverified (for comparing tokens with each other).
    func claims(_ idToken: String) throws -> JWTClaims { try JWTClaims(payload: try CompactJWS(idToken).payload) }
}
