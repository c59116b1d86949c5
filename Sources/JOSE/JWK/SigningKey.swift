// SPDX-License-Identifier: Apache-2.0

/// A private (or HMAC) key that signs JWS, for `private_key_jwt`, `client_secret_jwt` and tests.
public struct SigningKey: Sendable, CustomStringConvertible {
    /// What to generate with ``generate(_:keyID:)``.
    public enum GeneratedKind: Hashable, Sendable {
        /// An RSA key of the given size (at least 2048).
        case rsa(bits: Int)
        /// An EC key on the given curve.
        case ec(ECCurve)
        /// An Ed25519 key.
        case ed25519
        /// A random HMAC secret of the given length in bytes (at least 32).
        case hmac(bytes: Int)
    }

    /// `kid`, written into the headers this key signs.
    public var keyID: String?
    /// The key's kind.
    public let kind: KeyKind
    /// The algorithms this key signs with.
    public let algorithms: [JWSAlgorithm]
    let backing: KeyBacking
    private let jwkTemplate: JWK

    /// Parses a private JWK (`d` and, for RSA, the CRT members; or `k` for oct).
    /// - Throws: ``JOSEError/Code/invalidKey``.
    public init(jwk: JWK) throws {
        if let use = jwk.use, use != "sig" {
            throw JOSEError.invalidKey(reason: "key \(VerificationKey.name(jwk.keyID)) has use \"\(use)\", not \"sig\"")
        }
        if let operations = jwk.keyOperations, !operations.contains("sign") {
            throw JOSEError.invalidKey(reason: "key \(VerificationKey.name(jwk.keyID)) key_ops do not include \"sign\"")
        }
        try self.init(backing: try jwk.makeBacking(requirePrivate: true), keyID: jwk.keyID, algorithm: jwk.algorithm,
            jwk: jwk)
    }

    /// Parses a PEM private key: PKCS#8 `PRIVATE KEY`, or SEC 1 `EC PRIVATE KEY` / PKCS#1 `RSA PRIVATE KEY`.
    /// - Throws: ``JOSEError/Code/invalidKey``.
    public init(pem: String, keyID: String? = nil, algorithm: JWSAlgorithm? = nil) throws {
        let key = try EVPKey.pem(pem)
        guard key.isPrivate else { throw JOSEError.invalidKey(reason: "expected a private key PEM, found a public key") }
        try self.init(evpKey: key, keyID: keyID, algorithm: algorithm)
    }

    /// Parses a DER PKCS#8 PrivateKeyInfo.
    /// - Throws: ``JOSEError/Code/invalidKey``.
    public init(pkcs8 der: [UInt8], keyID: String? = nil, algorithm: JWSAlgorithm? = nil) throws {
        try self.init(evpKey: try EVPKey.privateKey(der: der), keyID: keyID, algorithm: algorithm)
    }

    /// An HMAC key from a shared secret (at least 32 bytes).
    /// - Throws: ``JOSEError/Code/invalidKey``.
    public init(hmacSecret secret: [UInt8], keyID: String? = nil, algorithm: JWSAlgorithm? = nil) throws {
        var jwk = JWK(keyType: "oct")
        jwk.k = Base64URL.encode(secret)
        jwk.keyID = keyID
        try self.init(backing: try KeyBacking.hmac(secret: secret), keyID: keyID, algorithm: algorithm, jwk: jwk)
    }

    private init(evpKey: EVPKey, keyID: String?, algorithm: JWSAlgorithm?) throws {
        if case .rsa = evpKey.family, let modulus = evpKey.bigNumberParameter("n") {
            try ROCAFingerprint.check(modulus: modulus)
        }
        var jwk = try JWK.make(from: evpKey, includePrivate: true)
        jwk.keyID = keyID
        try self.init(backing: .asymmetric(evpKey), keyID: keyID, algorithm: algorithm, jwk: jwk)
    }

    private init(backing: KeyBacking, keyID: String?, algorithm: JWSAlgorithm?, jwk: JWK) throws {
        let kind = backing.kind
        if case .rsa(let bits) = kind, bits < 2048 {
            throw JOSEError.invalidKey(reason: "RSA key of \(bits) bits (minimum 2048)")
        }
        self.backing = backing
        self.kind = kind
        self.keyID = keyID
        self.algorithms = try allowedAlgorithms(kind: kind, keyAlgorithm: algorithm)
        var template = jwk
        template.algorithm = algorithm
        self.jwkTemplate = template
    }

    /// Generates a fresh key from OpenSSL's CSPRNG.
    /// - Throws: ``JOSEError/Code/invalidKey`` for an RSA size under 2048 or an HMAC length under 32.
    public static func generate(_ kind: GeneratedKind, keyID: String? = nil) throws -> SigningKey {
        switch kind {
        case .rsa(let bits):
            guard bits >= 2048 else { throw JOSEError.invalidKey(reason: "RSA key of \(bits) bits (minimum 2048)") }
            return try SigningKey(evpKey: try EVPKey.generate(.rsa, rsaBits: bits), keyID: keyID, algorithm: nil)
        case .ec(let curve):
            return try SigningKey(evpKey: try EVPKey.generate(.ec(curve)), keyID: keyID, algorithm: nil)
        case .ed25519:
            return try SigningKey(evpKey: try EVPKey.generate(.ed25519), keyID: keyID, algorithm: nil)
        case .hmac(let bytes):
            return try SigningKey(hmacSecret: try SecureRandom.bytes(count: bytes), keyID: keyID)
        }
    }

    /// The algorithm used when none is named: the key's `alg`, else RS256 for RSA, ES256/384/512 by
    /// curve, EdDSA for Ed25519, and the strongest HS* the secret allows.
    public var defaultAlgorithm: JWSAlgorithm {
        switch self.kind {
        case .rsa: return self.algorithms.contains(.rs256) ? .rs256 : self.algorithms[0]
        case .symmetric: return self.algorithms.last!
        default: return self.algorithms[0]
        }
    }

    /// The key's `kid`, kind and algorithms; never key material.
    public var description: String {
        let algorithms = self.algorithms.map(\.rawValue).joined(separator: ", ")
        return "SigningKey(kid: \(self.keyID ?? "-"), kind: \(self.kind), algorithms: [\(algorithms)])"
    }

    /// The private JWK (with `k` for HMAC keys). Handle as a secret.
    public var privateJWK: JWK {
        var jwk = self.jwkTemplate
        jwk.keyID = self.keyID
        return jwk
    }

    /// The public JWK to publish (for an HMAC key there is none: this is the JWK without `k`).
    public var publicJWK: JWK {
        var jwk = self.privateJWK.publicKey
        jwk.k = nil
        return jwk
    }

    /// The matching key for verification.
    public var verificationKey: VerificationKey {
        // The backing is shared: an OpenSSL key pair verifies as well as it signs.
        // swiftlint:disable:next force_try
        try! VerificationKey(backing: self.backing, keyID: self.keyID, keyAlgorithm: self.jwkTemplate.algorithm,
            jwk: self.publicJWK)
    }

    /// Signs `message` (a JWS signing input) with `algorithm`.
    /// - Throws: ``JOSEError/Code/algorithmNotAllowed`` when the algorithm does not fit the key,
    ///   ``JOSEError/Code/signingFailed`` when OpenSSL fails.
    public func sign(_ message: [UInt8], algorithm: JWSAlgorithm) throws -> [UInt8] {
        guard self.algorithms.contains(algorithm) else {
            throw JOSEError.algorithmNotAllowed(reason: "\(algorithm) does not fit this \(self.kind) key")
        }
        return try self.backing.sign(message, algorithm: algorithm)
    }
}
