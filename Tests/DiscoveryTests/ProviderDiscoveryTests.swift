// SPDX-License-Identifier: Apache-2.0
import Discovery
import HTTPTypes
import JOSE
import Testing
import Transport

/// ``ProviderDiscovery`` with a test-double transport and a hand-moved clock.
@Suite struct ProviderDiscoveryTests {
    let clock = ManualClock()
    let transport = StubTransport()

    func discovery(
        policy: CachePolicy = .init(), cache: (any DiscoveryCache)? = nil, transport: StubTransport? = nil
    ) -> ProviderDiscovery {
        ProviderDiscovery(
            transport: transport ?? self.transport, configuration: .init(cachePolicy: policy, now: self.clock.closure),
            cache: cache)
    }

    static var deadline: ContinuousClock.Instant { .now + .seconds(5) }

    @Test("the document is fetched from <issuer>/.well-known/openid-configuration and validated")
    func wellKnown() async throws {
        self.transport.route(Fixtures.discoveryURL, .json(Fixtures.metadata()))
        let metadata = try await self.discovery().metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        #expect(metadata.tokenEndpoint == "https://op.example.com/token")
        let request = try #require(self.transport.requests.first)
        #expect(request.method == .get)
        #expect(request.headerFields[.accept] == "application/json")
        #expect(self.transport.requests.count == 1)
        // An issuer with a path and a trailing slash.
        #expect(
            try ProviderDiscovery.discoveryURL(forIssuer: "https://op.example.com/tenant/")
                == "https://op.example.com/tenant/.well-known/openid-configuration")
        #expect(throws: DiscoveryError.invalidURL(reason: "")) {
            try ProviderDiscovery.discoveryURL(forIssuer: "op.example.com")
        }
    }

    @Test("an explicit discovery URL on another host is validated against the expected issuer (MobilePay)")
    func explicitDiscoveryURL() async throws {
        let discoveryURL = "https://sandprod-admin.mobilepay.dk/account/.well-known/openid-configuration"
        let issuer = "https://api.mobilepay.dk/merchant"
        self.transport.route(
            discoveryURL, .json(Fixtures.metadata(issuer: issuer, base: "https://sandprod-admin.mobilepay.dk/account")))
        let discovery = self.discovery()
        let metadata = try await discovery.metadata(issuer: issuer, discoveryURL: discoveryURL, deadline: Self.deadline)
        #expect(metadata.issuer == issuer)
        #expect(self.transport.count(discoveryURL) == 1)
        // The same document under another expected issuer fails: the check is never switched off.
        let error = try await #require(throws: DiscoveryError.self) {
            try await discovery.metadata(
                issuer: "https://sandprod-admin.mobilepay.dk/account", discoveryURL: discoveryURL,
                deadline: Self.deadline)
        }
        #expect(error.code == .issuerMismatch)
    }

    @Test("issuer mismatch, insecure endpoints and missing fields surface with their codes")
    func validationFailures() async throws {
        let cases: [(JSONObject, DiscoveryError.Code)] = [
            (Fixtures.metadata(issuer: "https://evil.example.com"), .issuerMismatch),
            (Fixtures.metadata(extra: ["jwks_uri": "http://op.example.com/jwks"]), .insecureEndpoint),
            (Fixtures.metadata(extra: ["jwks_uri": .null]), .missingField),
            (Fixtures.metadata(extra: ["scopes_supported": "openid"]), .invalidField),
        ]
        for (document, code) in cases {
            let transport = StubTransport()
            transport.route(Fixtures.discoveryURL, .json(document))
            let error = try await #require(throws: DiscoveryError.self) {
                try await self.discovery(transport: transport).metadata(
                    issuer: Fixtures.issuer, deadline: Self.deadline)
            }
            #expect(error.code == code, "\(error)")
        }
    }

    @Test("an http discovery URL is refused before any request unless it is loopback")
    func insecureDiscoveryURL() async throws {
        let error = try await #require(throws: DiscoveryError.self) {
            try await self.discovery().metadata(issuer: "http://op.example.com", deadline: Self.deadline)
        }
        #expect(error.code == .insecureEndpoint)
        #expect(self.transport.requests.isEmpty)
        self.transport.route(
            "http://127.0.0.1:9/.well-known/openid-configuration",
            .json(Fixtures.metadata(issuer: "http://127.0.0.1:9")))
        let local = try await self.discovery().metadata(issuer: "http://127.0.0.1:9", deadline: Self.deadline)
        #expect(local.issuer == "http://127.0.0.1:9")
    }

    @Test("non-200 statuses, transport failures and oversized bodies have their own codes")
    func fetchFailures() async throws {
        self.transport.route(Fixtures.discoveryURL, StubResponse(status: 503, body: Array("down".utf8)))
        let status = try await #require(throws: DiscoveryError.self) {
            try await self.discovery().metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        }
        #expect(status.code == .httpStatus)
        #expect(status.status == 503)
        #expect(
            status.reason == "GET https://op.example.com/.well-known/openid-configuration returned HTTP 503, not 200")

        self.transport.route(Fixtures.discoveryURL, .failure())
        let network = try await #require(throws: DiscoveryError.self) {
            try await self.discovery().metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        }
        #expect(network.code == .network)
        #expect(network.reason.contains("Connection refused"))

        self.transport.route(
            Fixtures.discoveryURL, StubResponse(body: Array(repeating: UInt8(ascii: " "), count: (1 << 20) + 1)))
        await #expect(throws: DiscoveryError.invalidDocument(reason: "")) {
            try await self.discovery().metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        }
    }

    @Test("Cache-Control max-age decides when the document is fetched again")
    func cacheControl() async throws {
        self.transport.route(
            Fixtures.discoveryURL, .json(Fixtures.metadata(), headers: [("Cache-Control", "public, max-age=600")]))
        let discovery = self.discovery()
        _ = try await discovery.metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        self.clock.advance(by: 599)
        _ = try await discovery.metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        #expect(self.transport.requests.count == 1)
        self.clock.advance(by: 2)
        let updated = Fixtures.metadata(extra: ["scopes_supported": ["openid"]])
        self.transport.route(Fixtures.discoveryURL, .json(updated, headers: [("Cache-Control", "max-age=600")]))
        let refreshed = try await discovery.metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        #expect(self.transport.requests.count == 2)
        #expect(refreshed.scopesSupported == ["openid"])
    }

    @Test("an outage serves the last good document until the maximum staleness, then fails")
    func outage() async throws {
        let policy = CachePolicy(
            defaultLifetime: .seconds(300), maximumStaleness: .seconds(3600), retryInterval: .seconds(30))
        self.transport.route(Fixtures.discoveryURL, .json(Fixtures.metadata()))
        let discovery = self.discovery(policy: policy)
        _ = try await discovery.metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        self.transport.route(Fixtures.discoveryURL, .failure())
        self.clock.advance(by: 301)
        let stale = try await discovery.metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        #expect(stale.issuer == Fixtures.issuer)
        #expect(self.transport.requests.count == 2)
        // Within the retry interval the stale copy is served without another request.
        self.clock.advance(by: 10)
        _ = try await discovery.metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        #expect(self.transport.requests.count == 2)
        // A provider serving a bad document is an outage too.
        self.transport.route(Fixtures.discoveryURL, .json(Fixtures.metadata(issuer: "https://evil.example.com")))
        self.clock.advance(by: 30)
        #expect(
            try await discovery.metadata(issuer: Fixtures.issuer, deadline: Self.deadline).issuer == Fixtures.issuer)
        #expect(self.transport.requests.count == 3)
        self.clock.advance(by: 3600)
        let error = try await #require(throws: DiscoveryError.self) {
            try await discovery.metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        }
        #expect(error.code == .staleCacheExpired)
        #expect(error.reason.contains("issuerMismatch"), "\(error)")
    }

    @Test("concurrent callers share one fetch")
    func singleFlight() async throws {
        let gate = Gate()
        self.transport.hold(until: gate)
        self.transport.route(Fixtures.discoveryURL, .json(Fixtures.metadata()))
        let discovery = self.discovery()
        let arrivals = Arrivals()
        try await withThrowingTaskGroup(of: ProviderMetadata.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    arrivals.arrive()
                    return try await discovery.metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
                }
            }
            try await arrivals.wait(for: 50)
            gate.open()
            for try await metadata in group { #expect(metadata.issuer == Fixtures.issuer) }
        }
        #expect(self.transport.requests.count == 1)
    }

    @Test("a configured document limit below the parser's is enforced")
    func documentLimit() async throws {
        self.transport.route(Fixtures.discoveryURL, .json(Fixtures.metadata()))
        let small = ProviderDiscovery(transport: self.transport, configuration: .init(maximumDocumentBytes: 100))
        let error = try await #require(throws: DiscoveryError.self) {
            try await small.metadata(issuer: Fixtures.issuer, deadline: Self.deadline)
        }
        #expect(error.code == .invalidDocument)
        #expect(error.reason.contains("more than the 100-byte limit"))
    }

    @Test("a tenant's metadata is fetched from the substituted issuer and compared with it")
    func template() async throws {
        let template = try IssuerTemplate("https://login.example.com/{tenantid}/v2.0")
        let tenantIssuer = "https://login.example.com/contoso/v2.0"
        self.transport.route(
            tenantIssuer + "/.well-known/openid-configuration", .json(Fixtures.metadata(issuer: tenantIssuer)))
        let metadata = try await self.discovery().metadata(
            template: template, tenant: "contoso", deadline: Self.deadline)
        #expect(metadata.issuer == tenantIssuer)
        // Another tenant's document answering under this tenant's URL is refused.
        let fabrikam = "https://login.example.com/fabrikam/v2.0"
        self.transport.route(
            fabrikam + "/.well-known/openid-configuration", .json(Fixtures.metadata(issuer: tenantIssuer)))
        await #expect(throws: DiscoveryError.issuerMismatch(reason: "")) {
            try await self.discovery().metadata(template: template, tenant: "fabrikam", deadline: Self.deadline)
        }
        await #expect(throws: DiscoveryError.invalidTemplate(reason: "")) {
            try await self.discovery().metadata(template: template, tenant: "../evil", deadline: Self.deadline)
        }
    }
}
