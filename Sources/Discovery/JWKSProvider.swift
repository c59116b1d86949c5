// SPDX-License-Identifier: Apache-2.0
public import JOSE

/// Verifies JWS (ID tokens, logout tokens, signed userinfo) with a provider's keys.
public protocol JWKSProvider: Sendable {
    /// Verifies a compact JWS with the provider's current keys, allowing only `algorithms`
    /// (intersected with what the provider advertises when it advertises anything).
    ///
    /// An unknown `kid` triggers a single-flight, rate-limited refetch before failing with
    /// `JOSEError` ``JOSE/JOSEError/Code/keyNotFound``.
    /// - Throws: `JOSEError` (`algorithmNotAllowed`, `keyNotFound`, `invalidSignature`, ...) when the JWS
    ///   does not verify; ``DiscoveryError`` when no keys could be obtained.
    func verify(_ jws: CompactJWS, algorithms: Set<JWSAlgorithm>) async throws -> VerifiedJWS
}

/// A set of keys and the verification rule every ``JWKSProvider`` shares.
struct KeyRing: Sendable {
    /// Verifies with whatever fits the key; the allow-list is checked before it is used.
    let verifier: JWSVerifier
    /// The `kid`s of the usable keys.
    let keyIDs: Set<String>
    /// The keys as published (for ``JWKSource/keySet(deadline:)``).
    let keySet: JWKSet

    /// - Throws: `JOSEError.invalidKey` when the keys mix HMAC secrets with public keys.
    init(keySet: JWKSet) throws {
        self.verifier = try JWSVerifier(keySet: keySet)
        self.keyIDs = Set(self.verifier.keys.compactMap(\.keyID))
        self.keySet = keySet
    }

    /// - Throws: `JOSEError.invalidKey` when the keys mix HMAC secrets with public keys.
    init(keys: [VerificationKey]) throws {
        self.verifier = try JWSVerifier(keys: keys)
        self.keyIDs = Set(keys.compactMap(\.keyID))
        self.keySet = JWKSet(keys: keys.map(\.jwk))
    }

    /// Verifies `jws` when its `alg` is in `allowed`.
    func verify(_ jws: CompactJWS, allowed: Set<JWSAlgorithm>) throws -> VerifiedJWS {
        let algorithm = jws.header.algorithm
        guard algorithm.rawValue.lowercased() != "none" else {
            throw JOSEError.algorithmNotAllowed(reason: "alg \"none\" is never accepted")
        }
        guard allowed.contains(algorithm) else {
            let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw JOSEError.algorithmNotAllowed(
                reason: "alg \(EndpointURL.printable(algorithm.rawValue)) is not allowed (allowed: \(list))")
        }
        return try self.verifier.verify(jws)
    }

    /// The caller's algorithms narrowed by the provider's advertised ones (`nil`: advertises nothing).
    /// - Throws: `JOSEError.algorithmNotAllowed` when nothing is left.
    static func allowed(_ requested: Set<JWSAlgorithm>, advertised: Set<JWSAlgorithm>?) throws -> Set<JWSAlgorithm> {
        var allowed = requested.filter { $0.isSupported }
        if let advertised { allowed.formIntersection(advertised) }
        guard !allowed.isEmpty else {
            let asked = requested.map { EndpointURL.printable($0.rawValue) }.sorted().joined(separator: ", ")
            guard let advertised else {
                throw JOSEError.algorithmNotAllowed(reason: "none of the accepted algorithms (\(asked)) is supported")
            }
            let offered = advertised.map(\.rawValue).sorted().joined(separator: ", ")
            throw JOSEError.algorithmNotAllowed(
                reason: "none of the accepted algorithms (\(asked)) is advertised by the provider (\(offered))")
        }
        return allowed
    }
}

/// A ``JWKSProvider`` over fixed keys: for offline use, pinned keys and tests.
public struct StaticKeyProvider: JWKSProvider {
    private let ring: KeyRing
    /// The algorithms the keys' issuer advertises, or `nil` for no narrowing.
    public let advertisedAlgorithms: Set<JWSAlgorithm>?

    /// Uses the keys of `keySet` that can verify (others are skipped, and named when their `kid` is used).
    /// - Throws: `JOSEError.invalidKey` when the set mixes HMAC secrets with public keys.
    public init(keySet: JWKSet, advertisedAlgorithms: Set<JWSAlgorithm>? = nil) throws {
        self.ring = try KeyRing(keySet: keySet)
        self.advertisedAlgorithms = advertisedAlgorithms
    }

    /// Uses `keys`.
    /// - Throws: `JOSEError.invalidKey` when the keys mix HMAC secrets with public keys.
    public init(keys: [VerificationKey], advertisedAlgorithms: Set<JWSAlgorithm>? = nil) throws {
        self.ring = try KeyRing(keys: keys)
        self.advertisedAlgorithms = advertisedAlgorithms
    }

    /// Verifies `jws` with the fixed keys; see ``JWKSProvider/verify(_:algorithms:)``.
    public func verify(_ jws: CompactJWS, algorithms: Set<JWSAlgorithm>) async throws -> VerifiedJWS {
        try self.ring.verify(jws, allowed: try KeyRing.allowed(algorithms, advertised: self.advertisedAlgorithms))
    }
}
