// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import HTTPTypes
import JOSE
import PKCE
import Synchronization
import Testing
import Transport

@Suite struct TokenManagerTests {
    typealias F = TokenFactory

    /// A token endpoint that rotates refresh tokens and counts requests.
    final class RotatingEndpoint: Sendable {
        let count = Atomic<Int>(0)
        let revoked = Mutex<Set<String>>([])

        func respond(_ body: [UInt8]?) throws -> (HTTPResponse, [UInt8]) {
            let form = try formParameters(body)
            let refreshToken = form["refresh_token"] ?? ""
            let inserted = self.revoked.withLock { $0.insert(refreshToken).inserted }
            guard inserted, refreshToken.hasPrefix("rt-") else {
                return RecordingTransport.json(["error": "invalid_grant"], status: .badRequest)
            }
            let number = self.count.add(1, ordering: .relaxed).newValue
            return RecordingTransport.json([
                "access_token": .string("at-\(number)"), "token_type": "Bearer", "expires_in": 300,
                "refresh_token": .string("rt-\(number)"),
            ])
        }
    }

    func manager(endpoint: RotatingEndpoint, store: InMemoryTokenStore, now: @escaping @Sendable () -> Double) -> (TokenManager, RecordingTransport) {
        let transport = RecordingTransport { _, body in
            try await Task.sleep(for: .milliseconds(20))  // a slow endpoint widens the race window
            return try endpoint.respond(body)
        }
        let client = TokenClient(
            issuer: F.issuer, tokenEndpoint: "https://op.example.com/token", authentication: .none(clientID: "app"),
            transport: transport, now: now)
        return (TokenManager(client: client, store: store, refreshAhead: 30, now: now), transport)
    }

    @Test("1000 concurrent callers around an expiry cause exactly one refresh")
    func singleFlight() async throws {
        let endpoint = RotatingEndpoint()
        let store = InMemoryTokenStore(TokenSet(accessToken: "at-0", expiresAt: F.now + 10, refreshToken: "rt-0"))
        let (manager, transport) = self.manager(endpoint: endpoint, store: store, now: { F.now })
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<1000 { group.addTask { try await manager.accessToken() } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens == ["at-1"])
        #expect(transport.requests.count == 1)
        #expect(await manager.refreshCount == 1)
        #expect(try await store.load()?.refreshToken == "rt-1")
        #expect(await store.saveCount == 1)
    }

    @Test("a fresh token is served without a request; a 401 replaces it once")
    func freshAnd401() async throws {
        let endpoint = RotatingEndpoint()
        let store = InMemoryTokenStore(TokenSet(accessToken: "at-0", expiresAt: F.now + 3600, refreshToken: "rt-0"))
        let (manager, transport) = self.manager(endpoint: endpoint, store: store, now: { F.now })
        #expect(try await manager.accessToken() == "at-0")
        #expect(transport.requests.isEmpty)
        async let first = manager.accessToken(replacing: "at-0")
        async let second = manager.accessToken(replacing: "at-0")
        #expect(try await [first, second] == ["at-1", "at-1"])
        #expect(try await manager.accessToken(replacing: "at-0") == "at-1")
        #expect(transport.requests.count == 1)
    }

    @Test("invalid_grant reports re-authentication and never loops")
    func reauthentication() async throws {
        let endpoint = RotatingEndpoint()
        let store = InMemoryTokenStore(TokenSet(accessToken: "at-0", expiresAt: F.now - 1, refreshToken: "revoked"))
        let (manager, transport) = self.manager(endpoint: endpoint, store: store, now: { F.now })
        for _ in 0..<5 {
            await #expect(throws: FlowsError.reauthenticationRequired(reason: "")) { try await manager.accessToken() }
        }
        #expect(transport.requests.count == 1)
        try await manager.install(TokenSet(accessToken: "at-new", expiresAt: F.now + 3600, refreshToken: "rt-9"))
        #expect(try await manager.accessToken() == "at-new")
    }

    /// Holds a request (or a load) until the test lets it go.
    final class Gate: Sendable {
        private let stream: AsyncStream<Void>
        private let continuation: AsyncStream<Void>.Continuation
        let entered = Atomic<Int>(0)
        init() { (self.stream, self.continuation) = AsyncStream<Void>.makeStream() }
        func wait() async {
            self.entered.add(1, ordering: .sequentiallyConsistent)
            var iterator = self.stream.makeAsyncIterator()
            _ = await iterator.next()
        }
        func open() { self.continuation.finish() }
        func whenEntered() async throws {
            while self.entered.load(ordering: .sequentiallyConsistent) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
    }

    /// A store whose first load is slow and returns what was stored before the test began.
    actor SlowStore: TokenStore {
        let gate = Gate()
        private var tokens: TokenSet?
        private var stale: TokenSet?
        init(_ tokens: TokenSet) { (self.tokens, self.stale) = (tokens, tokens) }
        func load() async throws -> TokenSet? {
            guard let stale = self.stale else { return self.tokens }
            self.stale = nil
            await self.gate.wait()
            return stale
        }
        func save(_ tokens: TokenSet) async throws { self.tokens = tokens }
    }

    @Test("tokens installed while a refresh is in flight win over its result or its invalid_grant", arguments: [true, false])
    func installDuringRefresh(refreshSucceeds: Bool) async throws {
        let gate = Gate()
        let transport = RecordingTransport { _, _ in
            await gate.wait()
            return refreshSucceeds
                ? RecordingTransport.json([
                    "access_token": "at-old-grant", "token_type": "Bearer", "expires_in": 300, "refresh_token": "rt-old-grant",
                ])
                : RecordingTransport.json(["error": "invalid_grant"], status: .badRequest)
        }
        let client = TokenClient(
            issuer: F.issuer, tokenEndpoint: "https://op.example.com/token", authentication: .none(clientID: "app"),
            transport: transport, now: { F.now })
        let store = InMemoryTokenStore(TokenSet(accessToken: "at-0", expiresAt: F.now - 1, refreshToken: "rt-0"))
        let manager = TokenManager(client: client, store: store, now: { F.now })
        let waiting = Task { try await manager.accessToken() }
        try await gate.whenEntered()
        // The user signs in again while the old grant's refresh is still on the wire.
        try await manager.install(TokenSet(accessToken: "at-new", expiresAt: F.now + 3600, refreshToken: "rt-new"))
        gate.open()
        #expect(try await waiting.value == "at-new")
        #expect(try await manager.accessToken() == "at-new")
        #expect(try await store.load()?.refreshToken == "rt-new")
    }

    @Test("a first load that finishes after an install does not bring back the stale tokens")
    func installDuringFirstLoad() async throws {
        let store = SlowStore(TokenSet(accessToken: "at-stale", expiresAt: F.now + 3600, refreshToken: "rt-stale"))
        let client = TokenClient(
            issuer: F.issuer, tokenEndpoint: "https://op.example.com/token", authentication: .none(clientID: "app"),
            transport: RecordingTransport { _, _ in RecordingTransport.json([:], status: .badRequest) }, now: { F.now })
        let manager = TokenManager(client: client, store: store, now: { F.now })
        let loading = Task { try await manager.tokens() }
        try await store.gate.whenEntered()
        try await manager.install(TokenSet(accessToken: "at-new", expiresAt: F.now + 3600, refreshToken: "rt-new"))
        store.gate.open()
        _ = try await loading.value
        #expect(try await manager.accessToken() == "at-new")
    }

    @Test("a rotated refresh token is kept even when the refreshed ID token fails validation")
    func rotatedTokenSurvivesBadIDToken() async throws {
        let endpoint = RotatingEndpoint()
        let badIDToken = try F.idToken(["sub": "mallory"])  // §12.2: not the original sub
        let transport = RecordingTransport { _, body in
            let (response, json) = try endpoint.respond(body)
            guard response.status == .ok else { return (response, json) }
            var object = try JSONParser().parseObject(json)
            object["id_token"] = .string(badIDToken)
            return RecordingTransport.json(object)
        }
        let client = TokenClient(
            issuer: F.issuer, tokenEndpoint: "https://op.example.com/token", authentication: .none(clientID: "app"),
            transport: transport, now: { F.now })
        let store = InMemoryTokenStore(
            TokenSet(accessToken: "at-0", expiresAt: F.now - 1, refreshToken: "rt-0", idToken: try F.idToken()))
        let manager = TokenManager(client: client, store: store, idTokens: try F.validator(), now: { F.now })
        await #expect(throws: FlowsError.idTokenInvalid(reason: "")) { try await manager.accessToken() }
        // The provider has retired rt-0: losing rt-1 would lock the user out for good.
        #expect(try await store.load()?.refreshToken == "rt-1")
        await #expect(throws: FlowsError.idTokenInvalid(reason: "")) { try await manager.accessToken() }
        #expect(try await store.load()?.refreshToken == "rt-2", "the retry used rt-1, not the retired rt-0")
    }

    @Test("a rotated refresh token is kept; a response without one keeps the old one")
    func rotation() async throws {
        let old = TokenSet(accessToken: "a", refreshToken: "rt-old", idToken: "i")
        let rotated = TokenSet(try TokenResponse(json: Array(#"{"access_token":"b","token_type":"Bearer","refresh_token":"rt-new"}"#.utf8), receivedAt: 0), previous: old)
        #expect(rotated.refreshToken == "rt-new" && rotated.idToken == "i")
        let kept = TokenSet(try TokenResponse(json: Array(#"{"access_token":"b","token_type":"Bearer"}"#.utf8), receivedAt: 0), previous: old)
        #expect(kept.refreshToken == "rt-old")
    }
}

extension TokenManagerTests {
    @Test("OIDCClient.refresh hands back rotated tokens when the refreshed ID token fails")
    func rotatedTokensSurviveABadIDToken() async throws {
        let badIDToken = try TokenFactory.idToken(["sub": "mallory"])
        let transport = RecordingTransport { _, _ in
            RecordingTransport.json([
                "access_token": "at-2", "token_type": "Bearer", "refresh_token": "rt-2", "id_token": .string(badIDToken),
            ])
        }
        let metadata = try ProviderMetadata(json: Array("""
            {"issuer":"\(TokenFactory.issuer)","authorization_endpoint":"\(TokenFactory.issuer)/authorize",
             "token_endpoint":"\(TokenFactory.issuer)/token","jwks_uri":"\(TokenFactory.issuer)/jwks",
             "response_types_supported":["code id_token"],"subject_types_supported":["public"],
             "id_token_signing_alg_values_supported":["RS256"]}
            """.utf8))
        let client = OIDCClient(
            metadata: metadata, keys: try TokenFactory.keys(), transport: transport,
            configuration: .init(clientID: TokenFactory.clientID, authentication: .none(clientID: TokenFactory.clientID),
                                 redirectURI: "https://a.example/cb"),
            now: { TokenFactory.now })
        let original = TokenSet(accessToken: "at-1", refreshToken: "rt-1", idToken: try TokenFactory.idToken())
        do {
            _ = try await client.refresh(original)
            Issue.record("a refreshed ID token for another subject was accepted")
        } catch let error as FlowsError {
            #expect(error.code == .idTokenInvalid)
            #expect(error.rotatedTokens?.refreshToken == "rt-2")
            #expect(error.rotatedTokens?.idToken == original.idToken)
            #expect(!"\(error)".contains("rt-2"))
        }
    }
}
