// SPDX-License-Identifier: Apache-2.0
public import Discovery
public import JOSE

/// Validates ID tokens (OIDC Core §3.1.3.7, §3.3.2.12, §3.3.3.7, §12.2).
///
/// Every check is on by default: signature through the provider's keys with the algorithms both the
/// provider advertises and the client allows; `iss` exactly; `aud` contains the client (and holds no
/// audience the client does not trust); `azp`; `exp`, `iat` and `nbf` with leeway; `sub` present; then the
/// per-token ``IDTokenExpectations``: nonce, `c_hash`, `at_hash`, `auth_time` with `max_age`, `acr`, and
/// the same-subject rules across tokens. Every failure names the check and the values involved.
public struct IDTokenValidator: Sendable {
    /// The expected `iss`.
    public var issuer: String
    /// The client's `client_id`; `aud` must contain it.
    public var clientID: String
    /// The provider's signing keys.
    public var keys: any JWKSProvider
    /// Algorithms the client accepts (asymmetric only by default; the provider's list narrows it further).
    public var allowedAlgorithms: Set<JWSAlgorithm>
    /// Audiences besides ``clientID`` that may appear in `aud`.
    public var trustedAudiences: Set<String>
    /// Allowed clock skew, in seconds.
    public var leeway: Double
    /// Seconds to add to the local clock (learned from the provider's `Date` header, see ``ClockOffset``).
    public var clockOffset: Double
    /// The local wall clock.
    public var now: @Sendable () -> Double

    /// The asymmetric algorithms accepted when the client does not say otherwise.
    public static let defaultAlgorithms: Set<JWSAlgorithm> = [
        .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .es256, .es384, .es512, .edDSA, .ed25519,
    ]

    /// Creates a validator.
    public init(
        issuer: String, clientID: String, keys: any JWKSProvider,
        allowedAlgorithms: Set<JWSAlgorithm> = IDTokenValidator.defaultAlgorithms, trustedAudiences: Set<String> = [],
        leeway: Double = 60, clockOffset: Double = 0, now: @escaping @Sendable () -> Double = { WallClock.secondsSinceEpoch() }
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.keys = keys
        self.allowedAlgorithms = allowedAlgorithms
        self.trustedAudiences = trustedAudiences
        self.leeway = leeway
        self.clockOffset = clockOffset
        self.now = now
    }

    /// Validates `idToken`.
    /// - Throws: `JOSEError` for signature, key and time failures (e.g. `token expired 73 s ago`);
    ///   ``FlowsError/Code/idTokenInvalid`` for the OpenID Connect checks (e.g. `c_hash mismatch`).
    public func validate(_ idToken: String, expectations: IDTokenExpectations) async throws -> IDToken {
        let jws = try CompactJWS(idToken)
        let verified = try await self.keys.verify(jws, algorithms: self.allowedAlgorithms)
        let claims: JWTClaims
        do {
            claims = try JWTClaims(payload: verified.payload)
        } catch let error as JOSEError {
            throw FlowsError.idTokenInvalid(reason: "ID token claims: \(error.reason)")
        }
        let now = self.now() + self.clockOffset
        try JWTClaimsValidator(
            issuer: self.issuer, audience: self.clientID, leeway: self.leeway, requiredClaims: ["exp", "iat"],
            now: { now }
        ).validate(claims)
        let token = IDToken(compact: idToken, header: verified.header, claims: claims)
        try self.checkSubjectAndAudience(token)
        try self.checkExpectations(token, expectations, now: now)
        return token
    }

    private func checkSubjectAndAudience(_ token: IDToken) throws {
        guard let subject = token.claims.subject, !subject.isEmpty else {
            throw FlowsError.idTokenInvalid(reason: "ID token has no sub")
        }
        guard subject.utf8.count <= 255 else { throw FlowsError.idTokenInvalid(reason: "sub longer than 255 bytes") }
        let audience = token.audience
        for other in audience where !other.isIdentical(to: self.clientID)
            && !self.trustedAudiences.contains(where: { $0.isIdentical(to: other) })
        {
            throw FlowsError.idTokenInvalid(reason: "aud holds untrusted audience \"\(other.prefix(64))\"")
        }
        if let party = token.claims["azp"] {
            guard party.stringValue.isIdentical(to: self.clientID) else {
                throw FlowsError.idTokenInvalid(reason: "azp \(party.jsonText.prefix(64)) is not \"\(self.clientID)\"")
            }
        } else if audience.count > 1 {
            throw FlowsError.idTokenInvalid(reason: "azp is required when aud has \(audience.count) audiences")
        }
    }

    private func checkExpectations(_ token: IDToken, _ expected: IDTokenExpectations, now: Double) throws {
        let algorithm = token.header.algorithm
        if let nonce = expected.nonce {
            guard let actual = token.nonce else { throw FlowsError.idTokenInvalid(reason: "nonce missing") }
            guard ConstantTimeText.isEqual(actual, nonce) else { throw FlowsError.idTokenInvalid(reason: "nonce mismatch") }
        }
        if let code = expected.code {
            try Self.checkHash(token, claim: "c_hash", value: code, algorithm: algorithm, required: expected.requireCodeHash)
        }
        if let accessToken = expected.accessToken {
            try Self.checkHash(
                token, claim: "at_hash", value: accessToken, algorithm: algorithm, required: expected.requireAccessTokenHash)
        }
        if let maxAge = expected.maxAge {
            guard let authTime = token.authTime else {
                throw FlowsError.idTokenInvalid(reason: "auth_time missing though max_age \(maxAge) was requested")
            }
            let age = now - authTime
            guard age <= Double(maxAge) + self.leeway else {
                throw FlowsError.idTokenInvalid(
                    reason: "authentication is \(Diagnostics.seconds(age)) s old, max_age is \(maxAge) s")
            }
        }
        if let acrValues = expected.acrValues, !acrValues.isEmpty {
            guard let acr = token.authenticationContextClass else {
                throw FlowsError.idTokenInvalid(reason: "acr missing though acr_values were requested")
            }
            guard acrValues.contains(acr) else {
                throw FlowsError.idTokenInvalid(reason: "acr \"\(acr.prefix(64))\" is not one of the requested acr_values")
            }
        }
        if let previous = expected.previous { try Self.checkSameAuthentication(token, previous, refresh: expected.isRefresh) }
    }

    /// `c_hash`/`at_hash`: left half of the hash of the value with the token's own algorithm's hash.
    private static func checkHash(
        _ token: IDToken, claim: String, value: String, algorithm: JWSAlgorithm, required: Bool
    ) throws {
        guard let hash = token.claims[claim], hash != .null else {
            if required { throw FlowsError.idTokenInvalid(reason: "\(claim) missing") }
            return
        }
        guard let text = hash.stringValue, TokenHash.matches(text, value: value, algorithm: algorithm) else {
            throw FlowsError.idTokenInvalid(reason: "\(claim) mismatch")
        }
    }

    /// OIDC Core §3.3.3.6 (token endpoint: same iss and sub) and §12.2 (refresh: also aud, azp, auth_time).
    private static func checkSameAuthentication(_ token: IDToken, _ previous: IDToken, refresh: Bool) throws {
        guard token.issuer.isIdentical(to: previous.issuer) else {
            throw FlowsError.idTokenInvalid(reason: "iss \"\(token.issuer)\" differs from the first ID token's")
        }
        guard token.subject.isIdentical(to: previous.subject) else {
            throw FlowsError.idTokenInvalid(reason: "sub \"\(token.subject.prefix(64))\" differs from the first ID token's \"\(previous.subject.prefix(64))\"")
        }
        guard refresh else { return }
        let audience = Set(token.audience.map { Array($0.unicodeScalars) })
        guard audience == Set(previous.audience.map { Array($0.unicodeScalars) }) else {
            throw FlowsError.idTokenInvalid(reason: "aud of the refreshed ID token differs from the original")
        }
        guard token.authorizedParty.isIdentical(to: previous.authorizedParty) else {
            throw FlowsError.idTokenInvalid(reason: "azp of the refreshed ID token differs from the original")
        }
        if let authTime = token.authTime, authTime != previous.authTime {
            throw FlowsError.idTokenInvalid(reason: "auth_time of the refreshed ID token differs from the original")
        }
        if let nonce = token.nonce {
            guard let original = previous.nonce, ConstantTimeText.isEqual(nonce, original) else {
                throw FlowsError.idTokenInvalid(reason: "nonce of the refreshed ID token differs from the original")
            }
        }
    }
}

/// Comparison of secrets in time that depends only on their lengths.
enum ConstantTimeText {
    static func isEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
