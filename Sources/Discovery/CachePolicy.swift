// SPDX-License-Identifier: Apache-2.0

/// How long a fetched document (metadata or key set) is used, and how long it is kept through outages.
///
/// A document is fresh for the lifetime its response gives (`Cache-Control: max-age` minus `Age`, else
/// `Expires` minus `Date`; `no-store` and `no-cache` mean zero), clamped to
/// ``minimumLifetime``...``maximumLifetime``, or for ``defaultLifetime`` when the response says nothing.
/// When it is no longer fresh the next use refetches it. When that fails, the last good copy is served
/// for up to ``maximumStaleness`` past its expiry, retrying at most once per ``retryInterval``.
public struct CachePolicy: Hashable, Sendable {
    /// The lifetime when the response has neither `Cache-Control: max-age` nor `Expires`.
    public var defaultLifetime: Duration
    /// The shortest lifetime, whatever the response says (a provider's `max-age=0` must not make every
    /// verification a fetch).
    public var minimumLifetime: Duration
    /// The longest lifetime, whatever the response says (so that rotation is picked up eventually).
    public var maximumLifetime: Duration
    /// How long past its expiry the last good copy is still served while refetching fails.
    public var maximumStaleness: Duration
    /// After a failed refetch, how long the stale copy is served before the next attempt.
    public var retryInterval: Duration

    /// - Parameters: see the properties.
    public init(
        defaultLifetime: Duration = .seconds(3600), minimumLifetime: Duration = .seconds(60),
        maximumLifetime: Duration = .seconds(86_400), maximumStaleness: Duration = .seconds(86_400),
        retryInterval: Duration = .seconds(30)
    ) {
        self.defaultLifetime = defaultLifetime
        self.minimumLifetime = minimumLifetime
        self.maximumLifetime = maximumLifetime
        self.maximumStaleness = maximumStaleness
        self.retryInterval = retryInterval
    }

    /// The lifetime of a response: what its headers say (`nil` when they say nothing), clamped.
    func lifetime(headerLifetime: Double?) -> Double {
        let lifetime = headerLifetime ?? self.defaultLifetime.seconds
        return min(
            max(lifetime, self.minimumLifetime.seconds), max(self.maximumLifetime.seconds, self.minimumLifetime.seconds)
        )
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
