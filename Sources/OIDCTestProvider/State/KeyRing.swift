// SPDX-License-Identifier: Apache-2.0
import JOSE

/// The provider's ID-token signing keys: published ones (the newest per algorithm signs), retired
/// ones (no longer in the JWKS), and never-published ones for the ``OIDCTestProvider/Misbehaviour/unpublishedSigningKey`` fault.
struct KeyRing: Sendable {
    /// A key and the one algorithm it signs ID tokens with.
    struct Entry: Sendable {
        let key: SigningKey
        let algorithm: JWSAlgorithm
    }

    /// The algorithms the provider signs ID tokens with, as advertised.
    static let algorithms: [JWSAlgorithm] = [.rs256, .es256]

    /// In the JWKS, oldest first.
    private(set) var published: [Entry]
    /// Taken out of the JWKS by ``retireOld()``, oldest first.
    private(set) var retired: [Entry] = []
    /// Generated on demand, never published.
    private(set) var neverPublished: [JWSAlgorithm: SigningKey] = [:]

    /// Uses `provided` keys where they fit and generates the rest.
    /// - Throws: `JOSEError` when generation fails.
    init(provided: [SigningKey]) throws {
        var entries: [Entry] = []
        for algorithm in Self.algorithms {
            let existing = provided.first { $0.algorithms.contains(algorithm) }
            entries.append(Entry(key: try Self.named(existing ?? Self.generate(algorithm)), algorithm: algorithm))
        }
        self.published = entries
    }

    /// The key that signs `algorithm` now.
    func current(for algorithm: JWSAlgorithm) -> SigningKey? {
        self.published.last { $0.algorithm == algorithm }?.key
    }

    /// A key for `algorithm` that is not in the JWKS: the newest retired one, else a never-published one.
    func unpublished(for algorithm: JWSAlgorithm) -> SigningKey? {
        self.retired.last { $0.algorithm == algorithm }?.key ?? self.neverPublished[algorithm]
    }

    /// Remembers a freshly generated never-published key.
    mutating func addNeverPublished(_ key: SigningKey, for algorithm: JWSAlgorithm) {
        if self.neverPublished[algorithm] == nil { self.neverPublished[algorithm] = key }
    }

    /// Publishes `entries`, which become the signing keys; older keys stay published.
    mutating func add(_ entries: [Entry]) { self.published.append(contentsOf: entries) }

    /// Unpublishes every key but the current one of each algorithm.
    mutating func retireOld() {
        let current = Set(
            Self.algorithms.compactMap { algorithm in
                self.published.lastIndex { $0.algorithm == algorithm }
            })
        self.retired.append(
            contentsOf: self.published.indices.filter { !current.contains($0) }.map { self.published[$0] })
        self.published = self.published.indices.filter { current.contains($0) }.map { self.published[$0] }
    }

    /// The published public keys, each with `kid`, `use: sig` and `alg`.
    var jwks: JWKSet {
        JWKSet(
            keys: self.published.map { entry in
                var jwk = entry.key.publicJWK
                jwk.use = "sig"
                jwk.algorithm = entry.algorithm
                return jwk
            })
    }

    /// A fresh key for `algorithm`, with a `kid` from its thumbprint.
    /// - Throws: `JOSEError` when generation fails.
    static func generate(_ algorithm: JWSAlgorithm) throws -> SigningKey {
        try self.named(try SigningKey.generate(algorithm == .es256 ? .ec(.p256) : .rsa(bits: 2048)))
    }

    /// Gives `key` a `kid` (its RFC 7638 thumbprint) when it has none.
    private static func named(_ key: SigningKey) throws -> SigningKey {
        guard key.keyID == nil else { return key }
        var key = key
        key.keyID = String(try key.publicJWK.thumbprint().prefix(16))
        return key
    }
}
