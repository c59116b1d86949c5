// SPDX-License-Identifier: Apache-2.0

/// What kind of key a ``VerificationKey`` or ``SigningKey`` holds; it fixes which algorithms may use it.
public enum KeyKind: Hashable, Sendable, CustomStringConvertible {
    /// An RSA key of the given modulus size (at least 2048 bits).
    case rsa(bits: Int)
    /// An EC key on the given curve.
    case ec(ECCurve)
    /// An Ed25519 key.
    case ed25519
    /// A symmetric (HMAC) key of the given length in bytes.
    case symmetric(bytes: Int)

    /// Every algorithm that fits this kind of key, before any `alg` restriction.
    ///
    /// An RSA key never fits an HMAC algorithm and a symmetric key never fits an asymmetric one:
    /// this is what defeats algorithm-confusion attacks. HMAC keys must be at least as long as the hash.
    public var fittingAlgorithms: [JWSAlgorithm] {
        switch self {
        case .rsa: return [.rs256, .rs384, .rs512, .ps256, .ps384, .ps512]
        case .ec(let curve): return [curve.algorithm]
        case .ed25519: return [.edDSA, .ed25519]
        case .symmetric(let bytes):
            return [(JWSAlgorithm.hs256, 32), (.hs384, 48), (.hs512, 64)].filter { bytes >= $0.1 }.map(\.0)
        }
    }

    /// `RSA-2048`, `EC P-256`, `Ed25519`, `oct (32 bytes)`.
    public var description: String {
        switch self {
        case .rsa(let bits): return "RSA-\(bits)"
        case .ec(let curve): return "EC \(curve.rawValue)"
        case .ed25519: return "Ed25519"
        case .symmetric(let bytes): return "oct (\(bytes) bytes)"
        }
    }
}

/// The parsed material behind a key: an OpenSSL key, or an HMAC secret keyed once per hash.
enum KeyBacking: Sendable {
    case asymmetric(EVPKey)
    case symmetric(secret: [UInt8], macs: [(algorithm: JWSAlgorithm, key: HMACKey)])

    var kind: KeyKind {
        switch self {
        case .asymmetric(let key):
            switch key.family {
            case .rsa: return .rsa(bits: key.bits)
            case .ec(let curve): return .ec(curve)
            case .ed25519: return .ed25519
            }
        case .symmetric(let secret, _): return .symmetric(bytes: secret.count)
        }
    }

    /// An HMAC backing keyed for every HS* algorithm the secret is long enough for.
    static func hmac(secret: [UInt8]) throws -> KeyBacking {
        let macs = try KeyKind.symmetric(bytes: secret.count).fittingAlgorithms.map { algorithm in
            (algorithm: algorithm, key: try HMACKey(secret: secret, digest: algorithm.tokenHashDigest!))
        }
        return .symmetric(secret: secret, macs: macs)
    }

    /// The OpenSSL scheme for an asymmetric algorithm that fits this key.
    static func scheme(for algorithm: JWSAlgorithm, curve: ECCurve?) -> SignatureScheme? {
        switch algorithm {
        case .rs256: return .pkcs1(.sha256)
        case .rs384: return .pkcs1(.sha384)
        case .rs512: return .pkcs1(.sha512)
        case .ps256: return .pss(.sha256)
        case .ps384: return .pss(.sha384)
        case .ps512: return .pss(.sha512)
        case .es256: return curve == .p256 ? .ecdsa(.sha256, .p256) : nil
        case .es384: return curve == .p384 ? .ecdsa(.sha384, .p384) : nil
        case .es512: return curve == .p521 ? .ecdsa(.sha512, .p521) : nil
        case .edDSA, .ed25519: return .eddsa
        default: return nil
        }
    }

    /// The HMAC key for an HS* algorithm (a linear scan of at most three).
    private func mac(for algorithm: JWSAlgorithm) -> HMACKey? {
        guard case .symmetric(_, let macs) = self else { return nil }
        return macs.first(where: { $0.algorithm == algorithm })?.key
    }

    /// Verifies with an algorithm the caller has already checked fits this key.
    func isValidSignature(_ signature: Span<UInt8>, for message: Span<UInt8>, algorithm: JWSAlgorithm) -> Bool {
        switch self {
        case .asymmetric(let key):
            let curve: ECCurve? = if case .ec(let curve) = key.family { curve } else { nil }
            guard let scheme = Self.scheme(for: algorithm, curve: curve) else { return false }
            return key.isValidSignature(signature, for: message, scheme: scheme)
        case .symmetric:
            guard let mac = self.mac(for: algorithm) else { return false }
            return mac.isValidAuthenticationCode(signature, for: message)
        }
    }

    /// Signs with an algorithm the caller has already checked fits this key.
    func sign(_ message: [UInt8], algorithm: JWSAlgorithm) throws -> [UInt8] {
        switch self {
        case .asymmetric(let key):
            let curve: ECCurve? = if case .ec(let curve) = key.family { curve } else { nil }
            guard let scheme = Self.scheme(for: algorithm, curve: curve) else {
                throw JOSEError.algorithmNotAllowed(reason: "\(algorithm) does not fit a \(self.kind) key")
            }
            return try key.sign(message, scheme: scheme)
        case .symmetric:
            guard let tag = self.mac(for: algorithm)?.authenticationCode(for: message.span) else {
                throw JOSEError.algorithmNotAllowed(reason: "\(algorithm) does not fit a \(self.kind) key")
            }
            return tag
        }
    }
}

/// Computes the algorithms a key may be used with: those fitting its kind, narrowed by its own `alg`.
func allowedAlgorithms(kind: KeyKind, keyAlgorithm: JWSAlgorithm?) throws -> [JWSAlgorithm] {
    let fitting = kind.fittingAlgorithms
    guard let keyAlgorithm else {
        guard !fitting.isEmpty else {
            throw JOSEError.invalidKey(reason: "\(kind) key is too short for any HS* algorithm (minimum 32 bytes)")
        }
        return fitting
    }
    // RFC 9864: "EdDSA" and "Ed25519" name the same computation for an Ed25519 key.
    let names: [JWSAlgorithm] = keyAlgorithm == .edDSA || keyAlgorithm == .ed25519 ? [.edDSA, .ed25519] : [keyAlgorithm]
    let allowed = fitting.filter { names.contains($0) }
    guard !allowed.isEmpty else {
        throw JOSEError.invalidKey(reason: "key alg \(keyAlgorithm) does not fit a \(kind) key")
    }
    return allowed
}
