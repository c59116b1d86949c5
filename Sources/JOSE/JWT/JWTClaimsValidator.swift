// SPDX-License-Identifier: Apache-2.0

/// Checks a JWT's time claims, issuer and audience (RFC 7519 §4.1).
///
/// `exp` and `nbf` are checked when present (``requiredClaims`` makes them mandatory); `iat` in the
/// future beyond the leeway is rejected. The clock is injectable for tests and for clients that learn
/// their offset from the provider.
public struct JWTClaimsValidator: Sendable {
    /// The expected `iss`, compared exactly; `nil` skips the check.
    public var issuer: String?
    /// An audience that `aud` must contain; `nil` skips the check.
    public var audience: String?
    /// Allowed clock skew in seconds (default 60).
    public var leeway: Double
    /// Claims that must be present, e.g. `["exp", "iat"]`.
    public var requiredClaims: Set<String>
    /// The current time in seconds since the epoch.
    public var now: @Sendable () -> Double

    /// Creates a validator.
    public init(
        issuer: String? = nil, audience: String? = nil, leeway: Double = 60, requiredClaims: Set<String> = [],
        now: @escaping @Sendable () -> Double = { WallClock.secondsSinceEpoch() }
    ) {
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.requiredClaims = requiredClaims
        self.now = now
    }

    /// Validates the claims.
    /// - Throws: ``JOSEError/Code/tokenExpired``, ``JOSEError/Code/tokenNotYetValid``,
    ///   ``JOSEError/Code/issuerMismatch``, ``JOSEError/Code/audienceMismatch``,
    ///   ``JOSEError/Code/invalidClaim`` (a required claim is missing).
    public func validate(_ claims: JWTClaims) throws {
        if !self.requiredClaims.isEmpty {
            for name in self.requiredClaims.sorted() where !claims.contains(name) {
                throw JOSEError.invalidClaim(reason: "required claim \"\(name)\" is missing")
            }
        }
        let now = self.now()
        // Written as "valid unless proven", so that a NaN clock or leeway fails closed.
        if let expiresAt = claims.expiresAt, !(now < expiresAt + self.leeway) {
            throw JOSEError.tokenExpired(reason: "token expired \(Self.seconds(now - expiresAt)) ago")
        }
        if let notBefore = claims.notBefore, !(now + self.leeway >= notBefore) {
            throw JOSEError.tokenNotYetValid(reason: "token not valid for another \(Self.seconds(notBefore - now))")
        }
        if let issuedAt = claims.issuedAt, !(now + self.leeway >= issuedAt) {
            throw JOSEError.tokenNotYetValid(reason: "token issued \(Self.seconds(issuedAt - now)) in the future")
        }
        if let issuer = self.issuer, !claims.issuer(equals: issuer) {
            guard let actual = claims.issuer else {
                throw JOSEError.issuerMismatch(reason: "iss missing, expected \"\(issuer)\"")
            }
            throw JOSEError.issuerMismatch(reason: "iss \"\(Self.short(actual))\" is not \"\(issuer)\"")
        }
        if let audience = self.audience, !claims.audienceContains(audience) {
            guard let actual = claims.audience else {
                throw JOSEError.audienceMismatch(reason: "aud missing, expected \"\(audience)\"")
            }
            let shown = actual.prefix(5).map { "\"\(Self.short($0))\"" }.joined(separator: ", ")
            throw JOSEError.audienceMismatch(reason: "aud [\(shown)] does not contain \"\(audience)\"")
        }
    }

    /// Whole seconds; a difference no `Int` holds (a NumericDate of 1e300, a NaN clock) is shown as is.
    private static func seconds(_ value: Double) -> String {
        "\(Int(exactly: value.rounded(.down)).map { String($0) } ?? "\(value)") s"
    }

    static func short(_ text: String) -> String { text.count <= 128 ? text : String(text.prefix(128)) + "…" }
}
