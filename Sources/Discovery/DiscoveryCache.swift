// SPDX-License-Identifier: Apache-2.0

/// Where fetched discovery documents and key sets are shared, for example across a server fleet.
///
/// ``ProviderDiscovery`` and ``JWKSource`` keep their own copy in memory; they read the shared cache
/// when they have no fresh copy (before going to the network) and write every successful fetch to it.
/// Entries hold the raw response body, and are parsed and validated again when read, so a cache can
/// never make a document pass checks it would fail when fetched.
///
/// Implementations must be safe to call concurrently and treat their own failures (an unreadable
/// file, a lost connection to a shared store) as a miss: the caller then fetches from the provider.
public protocol DiscoveryCache: Sendable {
    /// The entry stored under `key` (the URL it was fetched from), fresh or not, or `nil`.
    func entry(forKey key: String) async -> DiscoveryCacheEntry?

    /// Stores `entry` under `key`, replacing any older entry.
    func store(_ entry: DiscoveryCacheEntry, forKey key: String) async
}

/// One cached response body and when it was fetched and stops being fresh.
public struct DiscoveryCacheEntry: Hashable, Sendable {
    /// The response body as fetched.
    public var body: [UInt8]
    /// When it was fetched, in seconds since the Unix epoch.
    public var fetchedAt: Double
    /// When it stops being fresh, in seconds since the Unix epoch.
    public var expiresAt: Double

    /// - Parameters: see the properties.
    public init(body: [UInt8], fetchedAt: Double, expiresAt: Double) {
        self.body = body
        self.fetchedAt = fetchedAt
        self.expiresAt = expiresAt
    }
}

/// A ``DiscoveryCache`` in this process's memory, holding at most ``maximumEntries`` entries (the
/// least recently stored is dropped first).
public actor InMemoryDiscoveryCache: DiscoveryCache {
    /// The most entries kept.
    public let maximumEntries: Int
    private var entries: [String: DiscoveryCacheEntry] = [:]
    private var order: [String] = []

    /// Creates an empty cache.
    public init(maximumEntries: Int = 1024) { self.maximumEntries = max(1, maximumEntries) }

    /// The entry stored under `key`, or `nil`.
    public func entry(forKey key: String) async -> DiscoveryCacheEntry? { self.entries[key] }

    /// Stores `entry` under `key`.
    public func store(_ entry: DiscoveryCacheEntry, forKey key: String) async {
        if self.entries.updateValue(entry, forKey: key) != nil {
            self.order.removeAll { $0 == key }
        }
        self.order.append(key)
        while self.order.count > self.maximumEntries {
            self.entries[self.order.removeFirst()] = nil
        }
    }

    /// The number of entries held.
    public var count: Int { self.entries.count }
}
