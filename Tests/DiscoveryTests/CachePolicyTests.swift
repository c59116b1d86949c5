// SPDX-License-Identifier: Apache-2.0
import Discovery
import Foundation
import JOSE
import Testing

/// How response headers and ``CachePolicy`` bounds decide a document's lifetime, and shared caches.
@Suite struct CachePolicyTests {
    let clock = ManualClock()

    /// The number of requests after fetching once, then again at `first` and at `second` seconds.
    func requests(headers: [(String, String)], policy: CachePolicy = .init(), at times: [Double]) async throws -> [Int]
    {
        let transport = StubTransport()
        transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyA]), headers: headers))
        let source = JWKSource(
            jwksURI: Fixtures.jwksURI, transport: transport,
            configuration: .init(cachePolicy: policy, now: self.clock.closure))
        let start = self.clock.now
        var counts: [Int] = []
        _ = try await source.keySet(deadline: .now + .seconds(5))
        for time in times {
            self.clock.advance(by: start + time - self.clock.now)
            _ = try await source.keySet(deadline: .now + .seconds(5))
            counts.append(transport.requests.count)
        }
        return counts
    }

    /// An IMF-fixdate `offset` seconds from the manual clock.
    func httpDate(_ offset: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date(timeIntervalSince1970: self.clock.now + offset))
    }

    @Test("max-age is honoured, minus Age")
    func maxAge() async throws {
        #expect(try await self.requests(headers: [("Cache-Control", "max-age=300")], at: [299, 301]) == [1, 2])
        #expect(
            try await self.requests(headers: [("Cache-Control", "max-age=300"), ("Age", "200")], at: [99, 101]) == [
                1, 2,
            ])
        #expect(
            try await self.requests(headers: [("Cache-Control", "public, max-age=\"300\"")], at: [299, 301]) == [1, 2])
    }

    @Test("Expires is honoured relative to Date, and an invalid Expires means expired")
    func expires() async throws {
        let headers = [("Expires", self.httpDate(7200)), ("Date", self.httpDate(0))]
        #expect(try await self.requests(headers: headers, at: [7199, 7201]) == [1, 2])
        // max-age wins over Expires.
        #expect(
            try await self.requests(
                headers: [("Expires", self.httpDate(7200)), ("Cache-Control", "max-age=120")], at: [119, 121]) == [
                    1, 2,
                ])
        // "0" is not a date: stale at once, so the minimum lifetime applies.
        #expect(try await self.requests(headers: [("Expires", "0")], at: [59, 61]) == [1, 2])
    }

    @Test("no-store, no-cache and max-age=0 get the minimum lifetime; huge max-age the maximum")
    func bounds() async throws {
        let policy = CachePolicy(
            defaultLifetime: .seconds(1000), minimumLifetime: .seconds(60), maximumLifetime: .seconds(7200))
        for directive in ["no-store", "no-cache", "max-age=0"] {
            #expect(
                try await self.requests(headers: [("Cache-Control", directive)], policy: policy, at: [59, 61]) == [
                    1, 2,
                ])
        }
        #expect(
            try await self.requests(headers: [("Cache-Control", "max-age=31536000")], policy: policy, at: [7199, 7201])
                == [1, 2])
        #expect(try await self.requests(headers: [], policy: policy, at: [999, 1001]) == [1, 2])
        // Conflicting max-age directives make the response stale.
        #expect(
            try await self.requests(
                headers: [("Cache-Control", "max-age=600, max-age=900")], policy: policy, at: [59, 61]) == [1, 2])
    }

    @Test("a fresh entry in a shared cache saves the fetch; a stale one does not")
    func sharedCache() async throws {
        let cache = InMemoryDiscoveryCache()
        let transport = StubTransport()
        transport.route(Fixtures.discoveryURL, .json(Fixtures.metadata(), headers: [("Cache-Control", "max-age=600")]))
        let configuration = ProviderDiscovery.Configuration(now: self.clock.closure)
        let first = ProviderDiscovery(transport: transport, configuration: configuration, cache: cache)
        _ = try await first.metadata(issuer: Fixtures.issuer, deadline: .now + .seconds(5))
        let second = ProviderDiscovery(transport: transport, configuration: configuration, cache: cache)
        _ = try await second.metadata(issuer: Fixtures.issuer, deadline: .now + .seconds(5))
        #expect(transport.requests.count == 1)
        #expect(await cache.count == 1)
        // The shared copy is validated again: it cannot vouch for another issuer.
        let other = ProviderDiscovery(transport: transport, configuration: configuration, cache: cache)
        await #expect(throws: DiscoveryError.issuerMismatch(reason: "")) {
            try await other.metadata(
                issuer: "https://other.example.com", discoveryURL: Fixtures.discoveryURL, deadline: .now + .seconds(5))
        }
        #expect(transport.requests.count == 2)
        self.clock.advance(by: 601)
        let third = ProviderDiscovery(transport: transport, configuration: configuration, cache: cache)
        _ = try await third.metadata(issuer: Fixtures.issuer, deadline: .now + .seconds(5))
        #expect(transport.requests.count == 3)
    }

    @Test("the file cache round-trips entries, keeps the newest, and treats damage as a miss")
    func fileCache() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discovery-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = try FileDiscoveryCache(directory: directory)
        #expect(await cache.entry(forKey: Fixtures.jwksURI) == nil)
        let entry = DiscoveryCacheEntry(
            body: Array("{\"keys\":[]}".utf8), fetchedAt: 1_767_225_600.25, expiresAt: 1_767_229_200)
        await cache.store(entry, forKey: Fixtures.jwksURI)
        #expect(await cache.entry(forKey: Fixtures.jwksURI) == entry)
        #expect(await cache.entry(forKey: Fixtures.discoveryURL) == nil)
        // A second process (another instance) sees it.
        #expect(await (try FileDiscoveryCache(directory: directory)).entry(forKey: Fixtures.jwksURI) == entry)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.count == 1)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: directory + "/" + files[0]))
        #expect(await cache.entry(forKey: Fixtures.jwksURI) == nil)
    }

    @Test("a restarted JWKSource serves keys from the file cache through an outage")
    func restartDuringOutage() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discovery-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let transport = StubTransport()
        transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyA])))
        let configuration = JWKSource.Configuration(now: self.clock.closure)
        let before = JWKSource(
            jwksURI: Fixtures.jwksURI, transport: transport, configuration: configuration,
            cache: try FileDiscoveryCache(directory: directory))
        _ = try await before.verify(try Fixtures.token(), algorithms: [.es256])
        transport.route(Fixtures.jwksURI, .failure())
        self.clock.advance(by: 7200)
        let after = JWKSource(
            jwksURI: Fixtures.jwksURI, transport: transport, configuration: configuration,
            cache: try FileDiscoveryCache(directory: directory))
        let verified = try await after.verify(try Fixtures.token(), algorithms: [.es256])
        #expect(verified.key.keyID == "key-a")
        #expect(transport.requests.count == 2)
    }
}
