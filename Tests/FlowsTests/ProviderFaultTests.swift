// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import HTTPTypes
import JOSE
import PKCE
import Synchronization
import Testing
import Transport

/// The provider misbehaves in the middle of the flows: its key set goes away, its token endpoint fails,
/// stalls, revokes, and rotates refresh tokens under concurrent load (issue 6).
@Suite struct ProviderFaultTests {
    typealias F = TokenFactory

    /// A wall clock the test moves.
    final class Clock: Sendable {
        private let seconds = SharedValue(TokenFactory.now)
        var now: Double { self.seconds.value }
        func advance(by delta: Double) { self.seconds.update { $0 += delta } }
    }

    func client(_ transport: some HTTPTransport, timeout: Duration = .seconds(30), tokenEndpoint: String? = nil)
        -> TokenClient
    {
        TokenClient(
            issuer: F.issuer, tokenEndpoint: tokenEndpoint ?? "https://op.example.com/token",
            authentication: .none(clientID: F.clientID), transport: transport, timeout: timeout, now: { F.now })
    }

    // MARK: Keys

    @Test("the JWKS endpoint goes down mid-flow: callbacks validate with the cached keys until the staleness bound")
    func keySetOutage() async throws {
        let clock = Clock()
        let isDown = SharedValue(false)
        let keySet = JWKSet(keys: [F.rsa.publicJWK]).jsonObject
        let transport = RecordingTransport { _, _ in
            guard !isDown.value else {
                throw TransportError.connectFailed(reason: "connection refused")
            }
            return RecordingTransport.json(keySet, headers: [.cacheControl: "max-age=300"])
        }
        let policy = CachePolicy(maximumStaleness: .seconds(3600), retryInterval: .seconds(30))
        let keys = JWKSource(
            jwksURI: "https://op.example.com/jwks", transport: transport,
            configuration: .init(cachePolicy: policy, now: { clock.now }))
        let validator = CallbackValidator(
            idTokens: IDTokenValidator(issuer: F.issuer, clientID: F.clientID, keys: keys, now: { clock.now }),
            requireIssuerParameter: true)
        func callback() async throws -> ValidatedCallback {
            let session = AuthorizationSession(
                state: "state-1", nonce: "n-0S6_WzA2Mj", codeVerifier: try .init(),
                redirectURI: "https://a.example/cb", clientID: F.clientID, issuer: F.issuer, responseType: .codeIDToken,
                responseMode: .formPost, maxAge: nil, acrValues: nil, createdAt: clock.now - 5,
                expiresAt: clock.now + 600)
            let now = clock.now
            let idToken = try F.idToken([
                "c_hash": F.hash("code-1"), "iat": .number(now - 5), "exp": .number(now + 300),
                "auth_time": .number(now - 30),
            ])
            let body = FormEncoding.encode([
                ("code", "code-1"), ("state", "state-1"), ("iss", F.issuer), ("id_token", idToken),
            ])
            return try await validator.validate(try AuthorizationResponse(formBody: Array(body.utf8)), session: session)
        }
        #expect(try await callback().idToken?.subject == "alice")
        #expect(transport.requests.count == 1)
        isDown.set(true)
        // Fresh cache: no request at all. Expired cache: one failed refetch, then the stale keys serve.
        #expect(try await callback().code == "code-1")
        clock.advance(by: 301)
        for _ in 0..<5 { #expect(try await callback().code == "code-1") }
        #expect(transport.requests.count == 2, "one refetch per retry interval, not one per callback")
        clock.advance(by: 31)
        #expect(try await callback().code == "code-1")
        #expect(transport.requests.count == 3)
        // Past the staleness bound the keys are no longer trusted.
        clock.advance(by: 3600)
        await #expect(throws: DiscoveryError.staleCacheExpired(reason: "")) { try await callback() }
        // The provider comes back: the next attempt after the retry interval recovers.
        isDown.set(false)
        clock.advance(by: 31)
        #expect(try await callback().code == "code-1")
    }

    // MARK: Token endpoint

    @Test("the token endpoint answers 500, then recovers: the refresh token survives and no caller is told to sign in")
    func serverErrorThenRecovery() async throws {
        let isFailing = SharedValue(true)
        let transport = RecordingTransport { _, body in
            // Held long enough for all 64 callers to join the refresh in flight.
            try await Task.sleep(for: .milliseconds(300))
            if isFailing.value {
                var fields = HTTPFields()
                fields[.contentType] = "text/html"
                return (HTTPResponse(status: .internalServerError, headerFields: fields), Array("<h1>oops</h1>".utf8))
            }
            #expect(try formParameters(body)["refresh_token"] == "rt-0")
            return RecordingTransport.json([
                "access_token": "at-1", "token_type": "Bearer", "expires_in": 300, "refresh_token": "rt-1",
            ])
        }
        let store = InMemoryTokenStore(TokenSet(accessToken: "at-0", expiresAt: F.now - 1, refreshToken: "rt-0"))
        let manager = TokenManager(client: self.client(transport), store: store, now: { F.now })
        let outcomes = await withTaskGroup(of: (any Error)?.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    do {
                        _ = try await manager.accessToken()
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            return await group.reduce(into: [(any Error)?]()) { $0.append($1) }
        }
        #expect(transport.requests.count == 1, "64 callers share one failing request")
        for outcome in outcomes {
            let error = try #require(outcome as? FlowsError, "\(String(describing: outcome))")
            #expect(error.code == .invalidResponse, "a 500 is the provider's fault, not a reason to sign in again")
        }
        #expect(try await store.load()?.refreshToken == "rt-0")
        isFailing.set(false)
        #expect(try await manager.accessToken() == "at-1")
        #expect(transport.requests.count == 2)
        #expect(try await store.load()?.refreshToken == "rt-1")
    }

    @Test("a token endpoint slower than the deadline: the refresh fails in time, and the next one works")
    func slowTokenEndpoint() async throws {
        let delay = SharedValue(10_000)
        let received = SharedValue(0)
        let server = try LoopbackHTTPServer.start { _, _ in
            received.update { $0 += 1 }
            try? await Task.sleep(for: .milliseconds(delay.value))
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            let body: JSONObject = [
                "access_token": "at-1", "token_type": "Bearer", "expires_in": 300, "refresh_token": "rt-1",
            ]
            return (HTTPResponse(status: .ok, headerFields: fields), body.serialized())
        }
        let http = try SocketHTTPClient()
        // Generous enough for a loaded CI machine to answer the second, fast request in time.
        let client = self.client(http, timeout: .milliseconds(1500), tokenEndpoint: server.baseURL + "/token")
        let store = InMemoryTokenStore(TokenSet(accessToken: "at-0", expiresAt: F.now - 1, refreshToken: "rt-0"))
        let manager = TokenManager(client: client, store: store, now: { F.now })
        let started = ContinuousClock.now
        await #expect(throws: TransportError.timedOut(reason: "")) { try await manager.accessToken() }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(1490) && elapsed < .seconds(6), "gave up after \(elapsed)")
        #expect(try await store.load()?.refreshToken == "rt-0")
        // Nothing is left in flight: the next call sends a new request, which the now fast endpoint answers.
        delay.set(0)
        #expect(try await manager.accessToken() == "at-1")
        #expect(received.value == 2)
        http.shutdown()
        await server.shutdown()
    }

    @Test("a revoked refresh token: 64 concurrent callers, one request, everyone told to sign in, no retry loop")
    func revokedRefreshToken() async throws {
        let transport = RecordingTransport { _, _ in
            try await Task.sleep(for: .milliseconds(20))
            return RecordingTransport.json(
                ["error": "invalid_grant", "error_description": "refresh token revoked"], status: .badRequest)
        }
        let store = InMemoryTokenStore(TokenSet(accessToken: "at-0", expiresAt: F.now - 1, refreshToken: "rt-revoked"))
        let manager = TokenManager(client: self.client(transport), store: store, now: { F.now })
        let codes = await withTaskGroup(of: FlowsError.Code?.self) { group in
            for index in 0..<64 {
                group.addTask {
                    do {
                        if index.isMultiple(of: 2) {
                            _ = try await manager.accessToken()
                        } else {
                            _ = try await manager.accessToken(replacing: "at-0")
                        }
                        return nil
                    } catch {
                        return (error as? FlowsError)?.code
                    }
                }
            }
            return await group.reduce(into: [FlowsError.Code?]()) { $0.append($1) }
        }
        #expect(codes.allSatisfy { $0 == .reauthenticationRequired }, "\(codes)")
        for _ in 0..<10 {
            await #expect(throws: FlowsError.reauthenticationRequired(reason: "")) { try await manager.accessToken() }
        }
        #expect(transport.requests.count == 1)
        #expect(await manager.refreshCount == 1)
    }

    /// A token endpoint that rotates refresh tokens as strict providers do: each is good once, and
    /// presenting a used one is taken as theft and revokes the whole grant.
    final class StrictRotation: Sendable {
        private struct State {
            var current = "rt-0"
            var issued = 0
            var presented: [String] = []
            var isGrantRevoked = false
        }
        private let state = SharedValue(State())

        var presented: [String] { self.state.value.presented }
        var isGrantRevoked: Bool { self.state.value.isGrantRevoked }

        func respond(_ body: [UInt8]?) throws -> (HTTPResponse, [UInt8]) {
            let presented = try formParameters(body)["refresh_token"] ?? ""
            let issued: Int? = self.state.update { state in
                state.presented.append(presented)
                guard !state.isGrantRevoked, presented == state.current else {
                    state.isGrantRevoked = true
                    return nil
                }
                state.issued += 1
                state.current = "rt-\(state.issued)"
                return state.issued
            }
            guard let issued else { return RecordingTransport.json(["error": "invalid_grant"], status: .badRequest) }
            return RecordingTransport.json([
                "access_token": .string("at-\(issued)"), "token_type": "Bearer", "expires_in": 300,
                "refresh_token": .string("rt-\(issued)"),
            ])
        }
    }

    @Test("concurrent refreshes under rotation: 20 expiries, 64 callers each, every refresh token used exactly once")
    func concurrentRotation() async throws {
        let clock = Clock()
        let endpoint = StrictRotation()
        let transport = RecordingTransport { _, body in
            try await Task.sleep(for: .milliseconds(5))  // a slow endpoint widens the race window
            return try endpoint.respond(body)
        }
        let store = InMemoryTokenStore(TokenSet(accessToken: "at-0", expiresAt: clock.now + 10, refreshToken: "rt-0"))
        let client = TokenClient(
            issuer: F.issuer, tokenEndpoint: "https://op.example.com/token",
            authentication: .none(clientID: F.clientID), transport: transport, now: { clock.now })
        let manager = TokenManager(client: client, store: store, refreshAhead: 30, now: { clock.now })
        for round in 1...20 {
            let previous = "at-\(round - 1)"
            // Half the callers find the token expiring, half had it refused by an API (HTTP 401).
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        if index.isMultiple(of: 2) { return try await manager.accessToken() }
                        return try await manager.accessToken(replacing: previous)
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(tokens == ["at-\(round)"], "round \(round)")
            #expect(try await store.load()?.refreshToken == "rt-\(round)", "round \(round)")
            clock.advance(by: 300)
        }
        #expect(!endpoint.isGrantRevoked, "a refresh token was presented twice")
        #expect(endpoint.presented == (0..<20).map { "rt-\($0)" })
        #expect(await manager.refreshCount == 20)
    }
}
