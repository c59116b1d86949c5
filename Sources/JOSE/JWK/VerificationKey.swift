// SPDX-License-Identifier: Apache-2.0

/// A public (or HMAC) key ready to verify JWS signatures, parsed into OpenSSL once.
///
/// The key fixes which algorithms it verifies: those that fit its kind, narrowed by its own `alg`.
/// A token can never widen that set.
public struct VerificationKey: Sendable {
    /// Everything in one immutable box: a key is copied into every verification result, and one
    /// reference costs one retain where a dozen fields (the JWK's strings) cost a dozen.
    private final class Storage: Sendable {
        let keyID: String?
        let kind: KeyKind
        let algorithms: [JWSAlgorithm]
        /// ``algorithms`` as a bit per identifier: `fits` is one test on the verification path.
        let algorithmBits: UInt32
        let jwk: JWK
        let backing: KeyBacking

        init(keyID: String?, kind: KeyKind, algorithms: [JWSAlgorithm], jwk: JWK, backing: KeyBacking) {
            self.keyID = keyID
            self.kind = kind
            self.algorithms = algorithms
            self.algorithmBits = algorithms.reduce(0) { $1.isSupported ? $0 | 1 << $1.identifier : $0 }
            self.jwk = jwk
            self.backing = backing
        }
    }

    private let storage: Storage

    /// `kid`, used to select the key for a token.
    public var keyID: String? { self.storage.keyID }
    /// The key's kind (RSA size, curve, Ed25519, HMAC length).
    public var kind: KeyKind { self.storage.kind }
    /// The algorithms this key verifies.
    public var algorithms: [JWSAlgorithm] { self.storage.algorithms }
    /// The public JWK (for HMAC keys, the JWK without `k`).
    public var jwk: JWK { self.storage.jwk }
    var backing: KeyBacking { self.storage.backing }

    /// Parses a public JWK (a private one is accepted and only its public part used).
    ///
    /// Refuses keys marked for encryption (`use: enc`), keys whose `key_ops` lack `verify`, RSA keys
    /// under 2048 bits or with the ROCA fingerprint (CVE-2017-15361), EC points off the curve, unknown
    /// curves, and HMAC keys shorter than 32 bytes.
    /// - Throws: ``JOSEError/Code/invalidKey``.
    public init(jwk: JWK) throws {
        if let use = jwk.use, use != "sig" {
            throw JOSEError.invalidKey(reason: "key \(Self.name(jwk.keyID)) has use \"\(use)\", not \"sig\"")
        }
        if let operations = jwk.keyOperations, !operations.contains("verify") {
            throw JOSEError.invalidKey(reason: "key \(Self.name(jwk.keyID)) key_ops do not include \"verify\"")
        }
        let backing = try (jwk.keyType == "oct" ? jwk : jwk.publicKey).makeBacking(requirePrivate: false)
        try self.init(backing: backing, keyID: jwk.keyID, keyAlgorithm: jwk.algorithm, jwk: jwk)
    }

    /// Parses a PEM public key (`-----BEGIN PUBLIC KEY-----`, SubjectPublicKeyInfo).
    ///
    /// RSA keys under 2048 bits or with the ROCA fingerprint (CVE-2017-15361) are refused.
    /// - Throws: ``JOSEError/Code/invalidKey``.
    public init(pem: String, keyID: String? = nil, algorithm: JWSAlgorithm? = nil) throws {
        let key = try EVPKey.pem(pem)
        guard !key.isPrivate else {
            throw JOSEError.invalidKey(reason: "expected a PUBLIC KEY PEM, found a private key")
        }
        try self.init(evpKey: key, keyID: keyID, algorithm: algorithm)
    }

    /// Parses a DER SubjectPublicKeyInfo.
    ///
    /// RSA keys under 2048 bits or with the ROCA fingerprint (CVE-2017-15361) are refused.
    /// - Throws: ``JOSEError/Code/invalidKey``.
    public init(subjectPublicKeyInfo der: [UInt8], keyID: String? = nil, algorithm: JWSAlgorithm? = nil) throws {
        try self.init(evpKey: try EVPKey.publicKey(subjectPublicKeyInfo: der), keyID: keyID, algorithm: algorithm)
    }

    /// An HMAC key (RFC 7518 §3.2); it must be at least as long as the hash of each algorithm it verifies.
    /// - Throws: ``JOSEError/Code/invalidKey`` for a secret shorter than 32 bytes.
    public init(hmacSecret secret: [UInt8], keyID: String? = nil, algorithm: JWSAlgorithm? = nil) throws {
        var jwk = JWK(keyType: "oct")
        jwk.keyID = keyID
        jwk.algorithm = algorithm
        try self.init(backing: try KeyBacking.hmac(secret: secret), keyID: keyID, keyAlgorithm: algorithm, jwk: jwk)
    }

    init(evpKey: EVPKey, keyID: String?, algorithm: JWSAlgorithm?) throws {
        if case .rsa = evpKey.family, let modulus = evpKey.bigNumberParameter("n") {
            try ROCAFingerprint.check(modulus: modulus)
        }
        var jwk = try JWK.make(from: evpKey, includePrivate: false)
        jwk.keyID = keyID
        jwk.algorithm = algorithm
        try self.init(backing: .asymmetric(evpKey), keyID: keyID, keyAlgorithm: algorithm, jwk: jwk)
    }

    init(backing: KeyBacking, keyID: String?, keyAlgorithm: JWSAlgorithm?, jwk: JWK) throws {
        let kind = backing.kind
        if case .rsa(let bits) = kind, bits < 2048 {
            throw JOSEError.invalidKey(reason: "RSA key of \(bits) bits (minimum 2048)")
        }
        var publicJWK = jwk.keyType == "oct" ? jwk : jwk.publicKey
        publicJWK.k = nil
        self.storage = Storage(
            keyID: keyID, kind: kind, algorithms: try allowedAlgorithms(kind: kind, keyAlgorithm: keyAlgorithm),
            jwk: publicJWK, backing: backing)
    }

    /// Whether the key may verify tokens of `algorithm`.
    public func fits(_ algorithm: JWSAlgorithm) -> Bool {
        guard algorithm.isSupported else { return self.algorithms.contains(algorithm) }
        return self.storage.algorithmBits & 1 << algorithm.identifier != 0
    }

    /// Verifies a raw signature over `message` with `algorithm`.
    ///
    /// Returns `false` (never throws) for a bad or malformed signature, and for an algorithm that does
    /// not fit this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8], algorithm: JWSAlgorithm) -> Bool {
        guard self.fits(algorithm) else { return false }
        return self.backing.isValidSignature(signature.span, for: message.span, algorithm: algorithm)
    }

    /// A `kid` quoted for an error: often from a header not yet verified, so at most 64 Unicode scalars
    /// (a Character can be any number of bytes), with control and bidi characters shown as `?`.
    static func name(_ keyID: String?) -> String {
        guard let keyID else { return "(no kid)" }
        var shown = String.UnicodeScalarView()
        for scalar in keyID.unicodeScalars.prefix(64) {
            switch scalar.value {
            case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: shown.append("?")
            default: shown.append(scalar)
            }
        }
        return "\"\(String(shown))\(keyID.unicodeScalars.count > 64 ? "…" : "")\""
    }
}
