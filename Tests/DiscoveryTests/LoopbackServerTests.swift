// SPDX-License-Identifier: Apache-2.0
import Discovery
import JOSE
import Testing
import Transport

/// Discovery and JWKS against a real HTTP server on 127.0.0.1, counting requests at the server.
@Suite struct LoopbackServerTests {
    let clock = ManualClock()

    static var deadline: ContinuousClock.Instant { .now + .seconds(10) }

    /// Runs `body` with a provider and a client, and shuts both down afterwards.
    func withProvider(_ body: (LoopbackProvider, SocketHTTPClient) async throws -> Void) async throws {
        let provider = try LoopbackProvider()
        let client = try SocketHTTPClient()
        do {
            try await body(provider, client)
        } catch {
            client.shutdown()
            await provider.shutdown()
            throw error
        }
        client.shutdown()
        await provider.shutdown()
    }

    func keySource(
        _ provider: LoopbackProvider, _ client: SocketHTTPClient, _ configuration: JWKSource.Configuration = .init()
    )
        -> JWKSource
    {
        var configuration = configuration
        configuration.now = self.clock.closure
        return JWKSource(jwksURI: provider.baseURL + "/jwks", transport: client, configuration: configuration)
    }

    @Test("metadata is discovered over HTTP, then a JWKSource built from it verifies a token")
    func discoverAndVerify() async throws {
        try await self.withProvider { provider, client in
            let issuer = provider.baseURL
            provider.serve("/.well-known/openid-configuration", json: Fixtures.metadata(issuer: issuer))
            provider.serve("/jwks", json: Fixtures.jwks([Fixtures.keyA]))
            let discovery = ProviderDiscovery(transport: client, configuration: .init(now: self.clock.closure))
            let metadata = try await discovery.metadata(issuer: issuer, deadline: Self.deadline)
            #expect(metadata.jwksURI == issuer + "/jwks")
            let keys = try JWKSource(
                metadata: metadata, transport: client, configuration: .init(now: self.clock.closure))
            #expect(try await keys.verify(try Fixtures.token(), algorithms: [.es256]).key.keyID == "key-a")
            _ = try await discovery.metadata(issuer: issuer, deadline: Self.deadline)
            #expect(provider.count("/.well-known/openid-configuration") == 1)
            #expect(provider.count("/jwks") == 1)
        }
    }

    @Test("an issuer mismatch and http endpoints on other hosts are rejected")
    func validation() async throws {
        try await self.withProvider { provider, client in
            let issuer = provider.baseURL
            provider.serve(
                "/.well-known/openid-configuration", json: Fixtures.metadata(issuer: "https://op.example.com"))
            provider.serve(
                "/insecure/.well-known/openid-configuration",
                json: Fixtures.metadata(
                    issuer: issuer + "/insecure", extra: ["token_endpoint": "http://op.example.com/token"]))
            let discovery = ProviderDiscovery(transport: client)
            await #expect(throws: DiscoveryError.issuerMismatch(reason: "")) {
                try await discovery.metadata(issuer: issuer, deadline: Self.deadline)
            }
            let insecure = try await #require(throws: DiscoveryError.self) {
                try await discovery.metadata(issuer: issuer + "/insecure", deadline: Self.deadline)
            }
            #expect(insecure.code == .insecureEndpoint)
            #expect(insecure.reason.contains("token_endpoint"))
            // Loopback http itself passes only while allowed.
            let strict = ProviderDiscovery(transport: client, configuration: .init(allowInsecureLoopback: false))
            await #expect(throws: DiscoveryError.insecureEndpoint(reason: "")) {
                try await strict.metadata(issuer: issuer + "/insecure", deadline: Self.deadline)
            }
            #expect(provider.count("/insecure/.well-known/openid-configuration") == 1)
        }
    }

    @Test("an explicit discovery URL is fetched as is and compared with the expected issuer")
    func explicitDiscoveryURL() async throws {
        try await self.withProvider { provider, client in
            let issuer = "https://api.mobilepay.dk/merchant"
            provider.serve(
                "/account/.well-known/openid-configuration",
                json: Fixtures.metadata(issuer: issuer, base: provider.baseURL + "/account"))
            let discovery = ProviderDiscovery(transport: client)
            let url = provider.baseURL + "/account/.well-known/openid-configuration"
            let metadata = try await discovery.metadata(issuer: issuer, discoveryURL: url, deadline: Self.deadline)
            #expect(metadata.tokenEndpoint == provider.baseURL + "/account/token")
            #expect(provider.count("/account/.well-known/openid-configuration") == 1)
        }
    }

    @Test("a tenant's metadata is found through an issuer template")
    func template() async throws {
        try await self.withProvider { provider, client in
            let template = try IssuerTemplate(provider.baseURL + "/{tenantid}/v2.0")
            provider.serve(
                "/contoso/v2.0/.well-known/openid-configuration",
                json: Fixtures.metadata(issuer: provider.baseURL + "/contoso/v2.0"))
            let metadata = try await ProviderDiscovery(transport: client).metadata(
                template: template, tenant: "contoso", deadline: Self.deadline)
            #expect(metadata.issuer == provider.baseURL + "/contoso/v2.0")
        }
    }

    @Test("1000 concurrent verifications with an unknown kid cause one fetch")
    func thousandConcurrent() async throws {
        try await self.withProvider { provider, client in
            provider.serve("/jwks", json: Fixtures.jwks([Fixtures.keyA]))
            let source = self.keySource(provider, client)
            _ = try await source.verify(try Fixtures.token(), algorithms: [.es256])
            #expect(provider.count("/jwks") == 1)
            self.clock.advance(by: 31)
            // The server is slow, so that the verifications overlap the fetch.
            provider.serve(
                "/jwks",
                LoopbackProvider.Route(body: Fixtures.jwks([Fixtures.keyA]).serialized(), delayMilliseconds: 50))
            let token = try Fixtures.token(keyID: "unknown")
            let failures = try await withThrowingTaskGroup(of: JOSEError.Code?.self) { group in
                for _ in 0..<1000 {
                    group.addTask {
                        do {
                            _ = try await source.verify(token, algorithms: [.es256])
                            return nil
                        } catch let error as JOSEError {
                            return error.code
                        }
                    }
                }
                var codes: [JOSEError.Code?] = []
                for try await code in group { codes.append(code) }
                return codes
            }
            #expect(failures.count == 1000)
            #expect(failures.allSatisfy { $0 == .keyNotFound })
            #expect(provider.count("/jwks") == 2)
        }
    }

    @Test("a flood of random kids causes at most one fetch per cooldown")
    func flood() async throws {
        try await self.withProvider { provider, client in
            provider.serve("/jwks", json: Fixtures.jwks([Fixtures.keyA]))
            let source = self.keySource(provider, client, .init(refetchCooldown: .seconds(30)))
            for round in 1...3 {
                self.clock.advance(by: 31)
                for index in 0..<50 {
                    await #expect(throws: JOSEError.keyNotFound(reason: "")) {
                        try await source.verify(
                            try Fixtures.token(keyID: "random-\(round)-\(index)"), algorithms: [.es256])
                    }
                }
                #expect(provider.count("/jwks") == round)
            }
        }
    }

    @Test("rotation is picked up without a restart, by unknown kid and by expiry")
    func rotation() async throws {
        try await self.withProvider { provider, client in
            provider.serve("/jwks", json: Fixtures.jwks([Fixtures.keyA]), headers: [("Cache-Control", "max-age=300")])
            let source = self.keySource(provider, client)
            let verified1 = try await Fixtures.keyID(verifying: Fixtures.keyA, with: source)
            #expect(verified1 == "key-a")
            // A new key appears: its first token triggers the refetch.
            provider.serve(
                "/jwks", json: Fixtures.jwks([Fixtures.keyA, Fixtures.keyB]),
                headers: [("Cache-Control", "max-age=300")])
            self.clock.advance(by: 60)
            let verified2 = try await Fixtures.keyID(verifying: Fixtures.keyB, with: source)
            #expect(verified2 == "key-b")
            #expect(provider.count("/jwks") == 2)
            // The old key disappears: once the set expires, its tokens stop verifying.
            provider.serve("/jwks", json: Fixtures.jwks([Fixtures.keyB]), headers: [("Cache-Control", "max-age=300")])
            self.clock.advance(by: 299)
            let verified3 = try await Fixtures.keyID(verifying: Fixtures.keyA, with: source)
            #expect(verified3 == "key-a")
            self.clock.advance(by: 2)
            await #expect(throws: JOSEError.keyNotFound(reason: "")) {
                try await source.verify(try Fixtures.token(Fixtures.keyA), algorithms: [.es256])
            }
            #expect(provider.count("/jwks") == 3)
        }
    }

    @Test("an outage (503, then the server gone) serves cached keys until the maximum staleness")
    func outage() async throws {
        let provider = try LoopbackProvider()
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        provider.serve("/jwks", json: Fixtures.jwks([Fixtures.keyA]), headers: [("Cache-Control", "max-age=120")])
        let policy = CachePolicy(maximumStaleness: .seconds(600), retryInterval: .seconds(5))
        let source = self.keySource(provider, client, .init(cachePolicy: policy))
        _ = try await source.verify(try Fixtures.token(), algorithms: [.es256])
        provider.serve("/jwks", LoopbackProvider.Route(status: 503, body: []))
        self.clock.advance(by: 121)
        #expect(try await source.verify(try Fixtures.token(), algorithms: [.es256]).key.keyID == "key-a")
        #expect(provider.count("/jwks") == 2)
        await provider.shutdown()
        self.clock.advance(by: 300)
        #expect(try await source.verify(try Fixtures.token(), algorithms: [.es256]).key.keyID == "key-a")
        self.clock.advance(by: 301)
        let error = try await #require(throws: DiscoveryError.self) {
            try await source.verify(try Fixtures.token(), algorithms: [.es256])
        }
        #expect(error.code == .staleCacheExpired)
        #expect(error.reason.contains("network"), "\(error)")
    }

    @Test("Cache-Control from the server decides when metadata is refetched")
    func cacheControl() async throws {
        try await self.withProvider { provider, client in
            let issuer = provider.baseURL
            provider.serve(
                "/.well-known/openid-configuration", json: Fixtures.metadata(issuer: issuer),
                headers: [("Cache-Control", "max-age=900")])
            let discovery = ProviderDiscovery(transport: client, configuration: .init(now: self.clock.closure))
            for _ in 0..<5 { _ = try await discovery.metadata(issuer: issuer, deadline: Self.deadline) }
            self.clock.advance(by: 899)
            _ = try await discovery.metadata(issuer: issuer, deadline: Self.deadline)
            #expect(provider.count("/.well-known/openid-configuration") == 1)
            self.clock.advance(by: 2)
            _ = try await discovery.metadata(issuer: issuer, deadline: Self.deadline)
            #expect(provider.count("/.well-known/openid-configuration") == 2)
        }
    }

    @Test("a response larger than the transport's body limit is a network failure, not a crash")
    func oversized() async throws {
        try await self.withProvider { provider, _ in
            let client = try SocketHTTPClient(configuration: .init(limits: .init(maxBodyBytes: 4096)))
            defer { client.shutdown() }
            provider.serve("/jwks", LoopbackProvider.Route(body: Array(repeating: UInt8(ascii: " "), count: 10_000)))
            let error = try await #require(throws: DiscoveryError.self) {
                try await self.keySource(provider, client).keySet(deadline: Self.deadline)
            }
            #expect(error.code == .network)
            #expect(error.reason.contains("limitExceeded"), "\(error)")
        }
    }
}
