// SPDX-License-Identifier: Apache-2.0
public import JOSE
public import Logging

extension ProviderDiscovery {
    /// How a ``ProviderDiscovery`` caches and validates.
    public struct Configuration: Sendable {
        /// Lifetime bounds and outage tolerance for metadata documents.
        public var cachePolicy: CachePolicy
        /// The members a document must have: ``ProviderMetadata/RequiredFields/openIDConnect`` by default.
        public var requiredFields: ProviderMetadata.RequiredFields
        /// Whether `http` URLs to loopback hosts pass (local test providers).
        public var allowInsecureLoopback: Bool
        /// The largest document accepted, in bytes (the transport's own limits apply first).
        public var maximumDocumentBytes: Int
        /// The most (discovery URL, issuer) pairs kept; the oldest is dropped first.
        public var maximumProviders: Int
        /// The current time in seconds since the Unix epoch; inject a fake clock in tests.
        public var now: @Sendable () -> Double
        /// Fetches and failures are logged here; nothing by default.
        public var logger: Logger

        /// - Parameters: see the properties. The defaults: ``CachePolicy`` defaults, OIDC required
        ///   fields, loopback `http` allowed, 1 MiB documents, 1000 providers, the system clock.
        public init(
            cachePolicy: CachePolicy = .init(), requiredFields: ProviderMetadata.RequiredFields = .openIDConnect,
            allowInsecureLoopback: Bool = true, maximumDocumentBytes: Int = JSONParser.Limits.document.maxBytes,
            maximumProviders: Int = 1000, now: @escaping @Sendable () -> Double = { WallClock.secondsSinceEpoch() },
            logger: Logger = Logger(label: "swift-oidc.discovery", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.cachePolicy = cachePolicy
            self.requiredFields = requiredFields
            self.allowInsecureLoopback = allowInsecureLoopback
            self.maximumDocumentBytes = maximumDocumentBytes
            self.maximumProviders = max(1, maximumProviders)
            self.now = now
            self.logger = logger
        }
    }
}
