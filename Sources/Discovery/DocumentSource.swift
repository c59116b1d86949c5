// SPDX-License-Identifier: Apache-2.0
import Logging

/// One document (provider metadata or a key set) kept fresh for its users: fetched once per lifetime,
/// single-flight, shared through a ``DiscoveryCache``, and served stale through outages within bounds.
actor DocumentSource<Value: Sendable> {
    /// A decoded copy and its generation (incremented whenever a newer copy is installed).
    struct Loaded: Sendable {
        let value: Value
        let fetchedAt: Double
        let expiresAt: Double
        let generation: Int
    }

    let url: EndpointURL
    private let fetcher: DocumentFetcher
    private let accept: String
    private let cache: (any DiscoveryCache)?
    private let decode: @Sendable ([UInt8]) throws -> Value
    private let logger: Logger
    private var current: Loaded?
    private var inFlight: Task<Loaded, any Error>?
    private var lastFetchStarted: Double?
    private var lastFailure: (at: Double, error: any Error)?
    private var generation = 0

    init(
        url: EndpointURL, fetcher: DocumentFetcher, accept: String, cache: (any DiscoveryCache)?, logger: Logger,
        decode: @escaping @Sendable ([UInt8]) throws -> Value
    ) {
        self.url = url
        self.fetcher = fetcher
        self.accept = accept
        self.cache = cache
        self.logger = logger
        self.decode = decode
    }

    private var policy: CachePolicy { self.fetcher.policy }
    private var cacheKey: String { self.url.text }

    /// A usable copy: the fresh one, else a newer shared one, else a refetched one, else (when
    /// refetching fails) the last good one within ``CachePolicy/maximumStaleness``.
    /// - Throws: the fetch or decoding error when there is no usable copy,
    ///   ``DiscoveryError/Code/staleCacheExpired`` when the last good copy is too old.
    func value(deadline: ContinuousClock.Instant) async throws -> Loaded {
        try Task.checkCancellation()
        if let current = self.current, self.fetcher.now() < current.expiresAt { return current }
        if let inFlight = self.inFlight { return try await self.settle(inFlight) }
        if await self.adoptSharedCopy(), let current = self.current, self.fetcher.now() < current.expiresAt {
            return current
        }
        if let inFlight = self.inFlight { return try await self.settle(inFlight) }
        if let failure = self.lastFailure, self.fetcher.now() - failure.at < self.policy.retryInterval.seconds {
            // Back off: a flood of callers during an outage must not become a flood of requests.
            return try self.fallback(after: failure.error)
        }
        return try await self.settle(self.startFetch(deadline: deadline))
    }

    /// Refetches now because a copy of generation `seenGeneration` lacked something (an unknown `kid`).
    ///
    /// Returns a newer copy when there already is one, joins a fetch in flight, and otherwise fetches,
    /// unless the last fetch started less than `cooldown` ago: then it returns `nil`.
    /// - Throws: ``DiscoveryError/Code/staleCacheExpired`` when the fetch fails and the copy is too old.
    func refetch(after seenGeneration: Int, cooldown: Duration, deadline: ContinuousClock.Instant) async throws
        -> Loaded?
    {
        if let current = self.current, current.generation > seenGeneration { return current }
        if let inFlight = self.inFlight { return try await self.settle(inFlight) }
        if let started = self.lastFetchStarted, self.fetcher.now() - started < cooldown.seconds { return nil }
        return try await self.settle(self.startFetch(deadline: deadline))
    }

    /// The newest copy, if any, without fetching.
    var latest: Loaded? { self.current }

    private func startFetch(deadline: ContinuousClock.Instant) -> Task<Loaded, any Error> {
        self.lastFetchStarted = self.fetcher.now()
        let (fetcher, url, accept, decode, cache, key) = (
            self.fetcher, self.url, self.accept, self.decode, self.cache, self.cacheKey
        )
        self.logger.debug("fetching", metadata: ["url": "\(url)"])
        let task = Task.detached { () async throws -> Loaded in
            do {
                let fetched = try await fetcher.fetch(url, accept: accept, deadline: deadline)
                let value: Value
                do {
                    value = try decode(fetched.body)
                } catch let error as DiscoveryError where error.code == .invalidDocument {
                    throw DiscoveryError.invalidDocument(reason: "GET \(url): \(error.reason)")
                }
                await cache?.store(
                    DiscoveryCacheEntry(body: fetched.body, fetchedAt: fetched.fetchedAt, expiresAt: fetched.expiresAt),
                    forKey: key)
                return await self.install(value, fetchedAt: fetched.fetchedAt, expiresAt: fetched.expiresAt)
            } catch {
                await self.recordFailure(error)
                throw error
            }
        }
        self.inFlight = task
        return task
    }

    private func install(_ value: Value, fetchedAt: Double, expiresAt: Double) -> Loaded {
        self.generation += 1
        let loaded = Loaded(value: value, fetchedAt: fetchedAt, expiresAt: expiresAt, generation: self.generation)
        self.current = loaded
        self.inFlight = nil
        self.lastFailure = nil
        return loaded
    }

    private func recordFailure(_ error: any Error) {
        self.inFlight = nil
        self.lastFailure = (self.fetcher.now(), error)
        self.logger.warning("refresh failed", metadata: ["url": "\(self.url)", "error": "\(error)"])
    }

    /// Waits for a fetch; when it fails, falls back to the last good copy within the staleness bound.
    private func settle(_ task: Task<Loaded, any Error>) async throws -> Loaded {
        do {
            return try await task.value
        } catch {
            return try self.fallback(after: error)
        }
    }

    private func fallback(after error: any Error) throws -> Loaded {
        guard let current = self.current else { throw error }
        let now = self.fetcher.now()
        let staleness = self.policy.maximumStaleness.seconds
        guard now <= current.expiresAt + staleness else {
            throw DiscoveryError.staleCacheExpired(
                reason: "\(self.url) could not be refreshed (\(error)) and the last good copy expired "
                    + "\(Int(now - current.expiresAt)) s ago, more than the \(Int(staleness)) s allowed")
        }
        return current
    }

    /// Installs the shared cache's entry when it is newer than the current copy and decodes.
    private func adoptSharedCopy() async -> Bool {
        guard let cache = self.cache, let entry = await cache.entry(forKey: self.cacheKey) else { return false }
        if let current = self.current, current.fetchedAt >= entry.fetchedAt { return false }
        let value: Value
        do {
            value = try self.decode(entry.body)
        } catch {
            self.logger.debug("ignoring a shared copy", metadata: ["url": "\(self.url)", "error": "\(error)"])
            return false
        }
        if let current = self.current, current.fetchedAt >= entry.fetchedAt { return false }
        // A shared entry is bounded like a fetched one: a cache cannot stretch a lifetime.
        let fetchedAt = min(entry.fetchedAt, self.fetcher.now())
        let expiresAt = min(entry.expiresAt, fetchedAt + self.policy.maximumLifetime.seconds)
        self.generation += 1
        self.current = Loaded(value: value, fetchedAt: fetchedAt, expiresAt: expiresAt, generation: self.generation)
        return true
    }
}
