// SPDX-License-Identifier: Apache-2.0
public import JOSE
import Logging
public import Transport

/// A provider's JWK Set, fetched from its `jwks_uri` and kept current: cached for the lifetime its
/// response gives (within ``CachePolicy`` bounds), served through outages up to a staleness bound, and
/// refetched when a token names a `kid` it does not hold, so key rotation needs no restart.
///
/// The refetch for an unknown `kid` is single-flight (concurrent verifications share one request)
/// and rate-limited: at most one per ``Configuration/refetchCooldown``, and a `kid` proven unknown
/// is not looked for again for ``Configuration/unknownKeyIDLifetime``, so a flood of tokens with
/// made-up `kid`s cannot hammer the provider. Symmetric (`oct`) keys in a fetched set are ignored:
/// a published secret is no secret.
///
/// ```swift
/// let keys = JWKSource(jwksURI: metadata.jwksURI!, transport: client)
/// let verified = try await keys.verify(try CompactJWS(idToken), algorithms: [.rs256, .es256])
/// ```
public actor JWKSource: JWKSProvider {
    /// The `jwks_uri` the keys come from.
    public nonisolated let jwksURI: String
    /// The configuration the source was created with.
    public nonisolated let configuration: Configuration
    private nonisolated let source: Result<DocumentSource<KeyRing>, DiscoveryError>
    private var unknownKeyIDs: [String: Double] = [:]

    /// The most unknown `kid`s remembered at once, and the longest one remembered.
    static let unknownKeyIDCapacity = 1024
    static let unknownKeyIDMaxLength = 256

    /// Creates a source; nothing is fetched until the first verification (or ``keySet(deadline:)``).
    ///
    /// An unusable `jwksURI` (not absolute, `http` to a non-loopback host) is reported by every later call.
    /// - Parameters:
    ///   - jwksURI: the provider's `jwks_uri`.
    ///   - transport: how to fetch it, e.g. a shared `SocketHTTPClient`.
    ///   - configuration: cache bounds, cooldowns, the clock.
    ///   - cache: a cache shared with other sources or processes, or `nil`.
    public init(
        jwksURI: String, transport: any HTTPTransport, configuration: Configuration = .init(),
        cache: (any DiscoveryCache)? = nil
    ) {
        self.jwksURI = jwksURI
        self.configuration = configuration
        self.source = Result {
            let url = try EndpointURL(jwksURI, what: "jwks_uri")
            guard url.isSecure(allowingLoopback: configuration.allowInsecureLoopback) else {
                throw DiscoveryError.insecureEndpoint(
                    reason: "jwks_uri \(EndpointURL.printable(url.description)) is not https")
            }
            let fetcher = DocumentFetcher(
                transport: transport, policy: configuration.cachePolicy,
                maxBytes: configuration.maximumDocumentBytes, now: configuration.now)
            let logger = configuration.logger
            return DocumentSource(
                url: url, fetcher: fetcher, accept: "application/jwk-set+json, application/json", cache: cache,
                logger: logger, decode: { try Self.decode($0, logger: logger) })
        }.mapError { $0 as? DiscoveryError ?? .invalidURL(reason: "\($0)") }
    }

    /// Creates a source for a provider's validated metadata: its `jwks_uri`, with the accepted
    /// algorithms narrowed to its `id_token_signing_alg_values_supported` (and to
    /// ``Configuration/advertisedAlgorithms`` when that is set too).
    /// - Throws: ``DiscoveryError/Code/missingField`` when the metadata has no `jwks_uri`.
    public init(
        metadata: ProviderMetadata, transport: any HTTPTransport, configuration: Configuration = .init(),
        cache: (any DiscoveryCache)? = nil
    ) throws {
        guard let jwksURI = metadata.jwksURI else {
            throw DiscoveryError.missingField(reason: "\"jwks_uri\" is missing")
        }
        var configuration = configuration
        if let advertised = metadata.idTokenSigningAlgorithms {
            configuration.advertisedAlgorithms =
                configuration.advertisedAlgorithms?.intersection(advertised) ?? advertised
        }
        self.init(jwksURI: jwksURI, transport: transport, configuration: configuration, cache: cache)
    }

    /// Verifies `jws` with the current keys; see ``JWKSProvider/verify(_:algorithms:)``.
    ///
    /// Fetches the key set first when there is no fresh copy. Fetches are bounded by
    /// ``Configuration/fetchTimeout`` and shared by every caller waiting for them.
    /// - Throws: `JOSEError` when the JWS does not verify (`keyNotFound` once a refetch, or the
    ///   cooldown, has ruled the `kid` out); ``DiscoveryError`` (`network`, `httpStatus`, `invalidDocument`,
    ///   `insecureEndpoint`, `invalidURL`, `staleCacheExpired`) when no usable key set could be obtained.
    public nonisolated func verify(_ jws: CompactJWS, algorithms: Set<JWSAlgorithm>) async throws -> VerifiedJWS {
        let allowed = try KeyRing.allowed(algorithms, advertised: self.configuration.advertisedAlgorithms)
        let source = try self.source.get()
        let deadline = ContinuousClock.now + self.configuration.fetchTimeout
        let loaded = try await source.value(deadline: deadline)
        do {
            return try loaded.value.verify(jws, allowed: allowed)
        } catch let error as JOSEError where error.code == .keyNotFound {
            guard
                let newer = try await self.refetch(
                    forUnknown: jws.header.keyID, after: loaded.generation, deadline: deadline)
            else { throw error }
            return try newer.value.verify(jws, allowed: allowed)
        }
    }

    /// The current key set (fetched when there is no fresh copy), as published minus `oct` keys.
    /// - Throws: as ``verify(_:algorithms:)`` does when no usable key set could be obtained.
    public func keySet(deadline: ContinuousClock.Instant) async throws -> JWKSet {
        try await self.source.get().value(deadline: deadline).value.keySet
    }

    private func refetch(
        forUnknown keyID: String?, after generation: Int, deadline: ContinuousClock.Instant
    ) async throws -> DocumentSource<KeyRing>.Loaded? {
        let source = try self.source.get()
        if let latest = await source.latest, latest.generation > generation { return latest }
        let name = keyID ?? ""
        let now = self.configuration.now()
        if let until = self.unknownKeyIDs[name], now < until { return nil }
        let cooldown = self.configuration.refetchCooldown
        guard let refreshed = try await source.refetch(after: generation, cooldown: cooldown, deadline: deadline) else {
            return nil
        }
        if refreshed.generation > generation, keyID.map({ !refreshed.value.keyIDs.contains($0) }) ?? true {
            self.remember(unknown: name)
        }
        return refreshed
    }

    private func remember(unknown keyID: String) {
        guard keyID.utf8.count <= Self.unknownKeyIDMaxLength else { return }
        let now = self.configuration.now()
        if self.unknownKeyIDs.count >= Self.unknownKeyIDCapacity {
            self.unknownKeyIDs = self.unknownKeyIDs.filter { $0.value > now }
            guard self.unknownKeyIDs.count < Self.unknownKeyIDCapacity else { return }
        }
        self.unknownKeyIDs[keyID] = now + self.configuration.unknownKeyIDLifetime.seconds
    }

    private static func decode(_ body: [UInt8], logger: Logger) throws -> KeyRing {
        var keySet: JWKSet
        do {
            keySet = try JWKSet(jsonBytes: body)
        } catch let error as JOSEError {
            throw DiscoveryError.invalidDocument(reason: "JWK Set: \(error.reason)")
        }
        let symmetric = keySet.keys.filter { $0.keyType == "oct" }
        if !symmetric.isEmpty {
            logger.warning("ignoring symmetric keys in a fetched JWK Set", metadata: ["count": "\(symmetric.count)"])
            keySet.keys.removeAll { $0.keyType == "oct" }
        }
        do {
            return try KeyRing(keySet: keySet)
        } catch let error as JOSEError {
            throw DiscoveryError.invalidDocument(reason: "JWK Set: \(error.reason)")
        }
    }
}
