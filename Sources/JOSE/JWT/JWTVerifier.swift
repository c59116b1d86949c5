// SPDX-License-Identifier: Apache-2.0

/// Verifies a JWT end to end: signature (``JWSVerifier``), then claims (``JWTClaimsValidator``).
public struct JWTVerifier: Sendable {
    /// The signature check.
    public var signatures: JWSVerifier
    /// The claims check.
    public var claims: JWTClaimsValidator

    /// Creates a verifier.
    public init(signatures: JWSVerifier, claims: JWTClaimsValidator = JWTClaimsValidator()) {
        self.signatures = signatures
        self.claims = claims
    }

    /// Verifies the signature, then parses and validates the claims.
    /// - Throws: any ``JOSEError`` of ``JWSVerifier/verify(_:)-(String)`` or ``JWTClaimsValidator/validate(_:)``;
    ///   ``JOSEError/Code/invalidClaim`` when the payload is not a JSON object.
    public func verify(_ compact: String) throws -> VerifiedJWT {
        let jws = try CompactJWS(compact)
        let key = try self.signatures.verifyingKey(jws)
        let claims = try JWTClaims(json: jws.decoded, in: jws.payloadRange)
        try self.claims.validate(claims)
        return VerifiedJWT(header: jws.header, claims: claims, key: key)
    }
}

/// A JWT whose signature and claims have been verified.
public struct VerifiedJWT: Sendable {
    /// The protected header.
    public let header: JWSHeader
    /// The claims.
    public let claims: JWTClaims
    /// The key that verified the signature.
    public let key: VerificationKey
}
