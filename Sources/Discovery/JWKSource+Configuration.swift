// SPDX-License-Identifier: Apache-2.0
public import JOSE
public import Logging

extension JWKSource {
    /// How a ``JWKSource`` caches and refetches.
    public struct Configuration: Sendable {
        /// Lifetime bounds and outage tolerance for the key set.
        public var cachePolicy: CachePolicy
        /// The shortest time between two fetches caused by unknown `kid`s (or between any fetch and
        /// such a refetch).
        public var refetchCooldown: Duration
        /// How long a `kid` that a refetch did not find is failed without looking again.
        public var unknownKeyIDLifetime: Duration
        /// The algorithms the provider advertises for what is verified (ID tokens), or `nil` for no
        /// narrowing; ``JWKSource/init(metadata:transport:configuration:cache:)`` sets it from the metadata.
        public var advertisedAlgorithms: Set<JWSAlgorithm>?
        /// The bound on each fetch (``JWKSProvider/verify(_:algorithms:)`` takes no deadline).
        public var fetchTimeout: Duration
        /// Whether an `http` `jwks_uri` to a loopback host is accepted (local test providers).
        public var allowInsecureLoopback: Bool
        /// The largest key set accepted, in bytes (the transport's own limits apply first).
        public var maximumDocumentBytes: Int
        /// The current time in seconds since the Unix epoch; inject a fake clock in tests.
        public var now: @Sendable () -> Double
        /// Fetches and failures are logged here; nothing by default.
        public var logger: Logger

        /// - Parameters: see the properties. The defaults: ``CachePolicy`` defaults, a 30 s cooldown,
        ///   unknown `kid`s remembered for 60 s, 10 s per fetch, 1 MiB documents, the system clock.
        public init(
            cachePolicy: CachePolicy = .init(), refetchCooldown: Duration = .seconds(30),
            unknownKeyIDLifetime: Duration = .seconds(60), advertisedAlgorithms: Set<JWSAlgorithm>? = nil,
            fetchTimeout: Duration = .seconds(10), allowInsecureLoopback: Bool = true,
            maximumDocumentBytes: Int = JSONParser.Limits.document.maxBytes,
            now: @escaping @Sendable () -> Double = { WallClock.secondsSinceEpoch() },
            logger: Logger = Logger(label: "swift-oidc.discovery", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.cachePolicy = cachePolicy
            self.refetchCooldown = refetchCooldown
            self.unknownKeyIDLifetime = unknownKeyIDLifetime
            self.advertisedAlgorithms = advertisedAlgorithms
            self.fetchTimeout = fetchTimeout
            self.allowInsecureLoopback = allowInsecureLoopback
            self.maximumDocumentBytes = maximumDocumentBytes
            self.now = now
            self.logger = logger
        }
    }
}
