// SPDX-License-Identifier: Apache-2.0
import Discovery
import HTTPTypes
import JOSE
import Testing
import Transport

/// ``JWKSource`` with a test-double transport and a hand-moved clock.
@Suite struct JWKSourceTests {
    let clock = ManualClock()
    let transport = StubTransport()

    func source(
        _ configuration: JWKSource.Configuration = .init(), transport: StubTransport? = nil
    ) -> JWKSource {
        var configuration = configuration
        configuration.now = self.clock.closure
        return JWKSource(
            jwksURI: Fixtures.jwksURI, transport: transport ?? self.transport, configuration: configuration)
    }

    @Test("a token verifies with the fetched keys; the key set is fetched once")
    func verifies() async throws {
        self.transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyA, Fixtures.rsaKey])))
        let source = self.source()
        let verified = try await source.verify(try Fixtures.token(), algorithms: [.es256, .rs256])
        #expect(verified.key.keyID == "key-a")
        #expect(try await source.verify(try Fixtures.token(Fixtures.rsaKey), algorithms: [.rs256]).key.keyID == "rsa-1")
        #expect(self.transport.requests.count == 1)
        #expect(self.transport.requests[0].headerFields[.accept] == "application/jwk-set+json, application/json")
    }

    @Test("rotation: a new kid is fetched, a removed one stops verifying")
    func rotation() async throws {
        self.transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyA])))
        let source = self.source()
        _ = try await source.verify(try Fixtures.token(Fixtures.keyA), algorithms: [.es256])
        self.transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyB])))
        self.clock.advance(by: 31)  // past the cooldown
        #expect(try await source.verify(try Fixtures.token(Fixtures.keyB), algorithms: [.es256]).key.keyID == "key-b")
        #expect(self.transport.requests.count == 2)
        let error = try await #require(throws: JOSEError.self) {
            try await source.verify(try Fixtures.token(Fixtures.keyA), algorithms: [.es256])
        }
        #expect(error.code == .keyNotFound)
        #expect(self.transport.requests.count == 2)
    }

    @Test("unknown kids cause at most one fetch per cooldown, and a proven-unknown kid is remembered")
    func unknownKidFlood() async throws {
        self.transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyA])))
        let source = self.source(.init(refetchCooldown: .seconds(30), unknownKeyIDLifetime: .seconds(120)))
        _ = try await source.verify(try Fixtures.token(), algorithms: [.es256])
        // Within the cooldown of the first fetch: no request at all.
        for index in 0..<100 {
            await #expect(throws: JOSEError.keyNotFound(reason: "")) {
                try await source.verify(try Fixtures.token(keyID: "random-\(index)"), algorithms: [.es256])
            }
        }
        #expect(self.transport.requests.count == 1)
        // After it, one fetch for the whole next flood.
        self.clock.advance(by: 31)
        for index in 0..<100 {
            await #expect(throws: JOSEError.keyNotFound(reason: "")) {
                try await source.verify(try Fixtures.token(keyID: "flood-\(index)"), algorithms: [.es256])
            }
        }
        #expect(self.transport.requests.count == 2)
        // "flood-0" was looked for and not found: after the cooldown it is still not looked for again...
        self.clock.advance(by: 31)
        await #expect(throws: JOSEError.keyNotFound(reason: "")) {
            try await source.verify(try Fixtures.token(keyID: "flood-0"), algorithms: [.es256])
        }
        #expect(self.transport.requests.count == 2)
        // ...but a new kid is.
        await #expect(throws: JOSEError.keyNotFound(reason: "")) {
            try await source.verify(try Fixtures.token(keyID: "fresh"), algorithms: [.es256])
        }
        #expect(self.transport.requests.count == 3)
    }

    @Test("concurrent verifications with an unknown kid share one fetch")
    func singleFlight() async throws {
        self.transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyA])))
        let source = self.source()
        _ = try await source.verify(try Fixtures.token(), algorithms: [.es256])
        // Key B appears; the refetch its first token causes is held until every verification waits.
        let gate = Gate()
        self.transport.hold(until: gate)
        self.transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyA, Fixtures.keyB])))
        self.clock.advance(by: 31)
        let token = try Fixtures.token(Fixtures.keyB)
        let arrivals = Arrivals()
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    arrivals.arrive()
                    return try await source.verify(token, algorithms: [.es256]).key.keyID
                }
            }
            try await arrivals.wait(for: 200)
            gate.open()
            for try await keyID in group { #expect(keyID == "key-b") }
        }
        #expect(self.transport.requests.count == 2)
    }

    @Test("an outage serves the cached keys until the maximum staleness")
    func outage() async throws {
        let policy = CachePolicy(defaultLifetime: .seconds(600), maximumStaleness: .seconds(3600))
        self.transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyA])))
        let source = self.source(.init(cachePolicy: policy))
        _ = try await source.verify(try Fixtures.token(), algorithms: [.es256])
        self.transport.route(Fixtures.jwksURI, StubResponse(status: 502, body: []))
        self.clock.advance(by: 601)
        #expect(try await source.verify(try Fixtures.token(), algorithms: [.es256]).key.keyID == "key-a")
        self.clock.advance(by: 3000)
        #expect(try await source.verify(try Fixtures.token(), algorithms: [.es256]).key.keyID == "key-a")
        self.clock.advance(by: 601)
        let error = try await #require(throws: DiscoveryError.self) {
            try await source.verify(try Fixtures.token(), algorithms: [.es256])
        }
        #expect(error.code == .staleCacheExpired)
        #expect(error.reason.contains("HTTP 502"))
        // The provider comes back: keys are fresh again.
        self.transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyA])))
        self.clock.advance(by: 31)
        #expect(try await source.verify(try Fixtures.token(), algorithms: [.es256]).key.keyID == "key-a")
    }

    @Test("without any keys yet, a failing provider is not asked again within the retry interval")
    func initialFailureBacksOff() async throws {
        self.transport.route(Fixtures.jwksURI, .failure())
        let source = self.source()
        for _ in 0..<20 {
            await #expect(throws: DiscoveryError.network(reason: "")) {
                try await source.verify(try Fixtures.token(), algorithms: [.es256])
            }
        }
        #expect(self.transport.requests.count == 1)
        self.clock.advance(by: 31)
        await #expect(throws: DiscoveryError.network(reason: "")) {
            try await source.verify(try Fixtures.token(), algorithms: [.es256])
        }
        #expect(self.transport.requests.count == 2)
    }

    @Test("the advertised algorithms narrow what is accepted")
    func advertisedAlgorithms() async throws {
        self.transport.route(Fixtures.jwksURI, .json(Fixtures.jwks([Fixtures.keyA, Fixtures.rsaKey])))
        var metadata = try ProviderMetadata(json: Fixtures.metadata().serialized())
        metadata.idTokenSigningAlgValuesSupported = ["RS256"]
        let source = try JWKSource(
            metadata: metadata, transport: self.transport, configuration: .init(now: self.clock.closure))
        #expect(
            try await source.verify(try Fixtures.token(Fixtures.rsaKey), algorithms: [.rs256, .es256]).key.keyID
                == "rsa-1")
        let error = try await #require(throws: JOSEError.self) {
            try await source.verify(try Fixtures.token(Fixtures.keyA), algorithms: [.rs256, .es256])
        }
        #expect(error.code == .algorithmNotAllowed)
        let none = try await #require(throws: JOSEError.self) {
            try await source.verify(try Fixtures.token(Fixtures.keyA), algorithms: [.es256])
        }
        #expect(none.reason.contains("advertised"))
        metadata.jwksURI = nil
        #expect(throws: DiscoveryError.missingField(reason: "")) {
            try JWKSource(metadata: metadata, transport: self.transport)
        }
    }

    @Test("symmetric keys in a fetched set are ignored; a malformed set is an invalid document")
    func hostileSets() async throws {
        let secret = try SigningKey(hmacSecret: Array(repeating: 7, count: 32), keyID: "hmac")
        self.transport.route(Fixtures.jwksURI, .json(["keys": [.object(secret.privateJWK.jsonObject)]]))
        let forged = try CompactJWS(try JWSSigner(key: secret).sign(claims: ["sub": "mallory"]))
        await #expect(throws: JOSEError.keyNotFound(reason: "")) {
            try await self.source().verify(forged, algorithms: [.hs256])
        }
        let transport = StubTransport()
        transport.route(Fixtures.jwksURI, StubResponse(body: Array("{\"keys\": 5}".utf8)))
        let error = try await #require(throws: DiscoveryError.self) {
            try await self.source(transport: transport).verify(try Fixtures.token(), algorithms: [.es256])
        }
        #expect(error.code == .invalidDocument)
        #expect(error.reason == "GET https://op.example.com/jwks: JWK Set: JWK Set has no \"keys\" array")
    }

    @Test("an unusable jwks_uri is reported on use, before any request")
    func unusableURI() async throws {
        let insecure = JWKSource(jwksURI: "http://op.example.com/jwks", transport: self.transport)
        await #expect(throws: DiscoveryError.insecureEndpoint(reason: "")) {
            try await insecure.verify(try Fixtures.token(), algorithms: [.es256])
        }
        let relative = JWKSource(jwksURI: "/jwks", transport: self.transport)
        await #expect(throws: DiscoveryError.invalidURL(reason: "")) {
            try await relative.keySet(deadline: .now + .seconds(1))
        }
        #expect(self.transport.requests.isEmpty)
    }

    @Test("a static key provider verifies offline with the same algorithm rules")
    func staticKeys() async throws {
        let provider = try StaticKeyProvider(keySet: JWKSet(keys: [Fixtures.keyA.publicJWK]))
        #expect(try await provider.verify(try Fixtures.token(), algorithms: [.es256]).key.keyID == "key-a")
        await #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) {
            try await provider.verify(try Fixtures.token(), algorithms: [.rs256])
        }
        await #expect(throws: JOSEError.keyNotFound(reason: "")) {
            try await provider.verify(try Fixtures.token(keyID: "other"), algorithms: [.es256])
        }
        let unsupported = try await #require(throws: JOSEError.self) {
            try await provider.verify(try Fixtures.token(), algorithms: [.none, JWSAlgorithm(rawValue: "XS1")])
        }
        #expect(unsupported.code == .algorithmNotAllowed)
        #expect(unsupported.reason == "none of the accepted algorithms (\"XS1\", \"none\") is supported")
        let narrowed = try StaticKeyProvider(keys: [Fixtures.keyA.verificationKey], advertisedAlgorithms: [.rs256])
        await #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) {
            try await narrowed.verify(try Fixtures.token(), algorithms: [.es256])
        }
    }
}
