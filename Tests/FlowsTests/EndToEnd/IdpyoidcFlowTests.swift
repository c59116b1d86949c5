// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import HTTPTypes
import JOSE
import Testing
import Transport

/// The clients registered at the suite's provider: one per ID token algorithm and client auth method.
enum IdpyoidcClients {
    /// A client of the suite's provider: its registration and how it authenticates.
    struct Client: Sendable, CustomTestStringConvertible {
        let id: String
        let idTokenAlgorithm: String
        let authentication: ClientAuthentication
        let registration: JSONObject
        var testDescription: String { "\(self.authentication.methodName), \(self.idTokenAlgorithm)" }
    }

    static let clientKey = try! SigningKey.generate(.ec(.p256), keyID: "rp-jwt-key")
    /// `/`, `+`, `:` and `%` must be form-urlencoded in HTTP Basic (RFC 6749 §2.3.1).
    static let basicSecret = "rp-basic/secret+0123:456789%abcdef"

    static func make(
        _ id: String, _ algorithm: String, _ authentication: ClientAuthentication, secret: String? = nil,
        publicKey: JWK? = nil, extra: JSONObject = [:]
    ) -> Client {
        Client(
            id: id, idTokenAlgorithm: algorithm, authentication: authentication,
            registration: IdpyoidcProvider.client(
                id, secret: secret, method: authentication.methodName, idTokenAlgorithm: algorithm,
                publicKey: publicKey, extra: extra))
    }

    static let basic = make(
        "rp-basic", "RS256", .clientSecretBasic(clientID: "rp-basic", secret: basicSecret), secret: basicSecret)
    static let post = make(
        "rp-post", "ES256", .clientSecretPost(clientID: "rp-post", secret: "rp-post-secret-0123456789abcdef"),
        secret: "rp-post-secret-0123456789abcdef")
    static let privateKeyJWT = make(
        "rp-jwt", "PS256", .privateKeyJWT(clientID: "rp-jwt", key: clientKey), publicKey: clientKey.publicJWK)
    static let secretJWT = make(
        "rp-secret-jwt", "ES256",
        .clientSecretJWT(clientID: "rp-secret-jwt", secret: "rp-secret-jwt-secret-0123456789abcdef"),
        secret: "rp-secret-jwt-secret-0123456789abcdef")
    static let publicClient = make("rp-public", "RS256", .none(clientID: "rp-public"))
    static let eddsa = make(
        "rp-eddsa", "EdDSA", .clientSecretBasic(clientID: "rp-eddsa", secret: "rp-eddsa-secret-0123456789abcdef"),
        secret: "rp-eddsa-secret-0123456789abcdef")
    static let signedUserInfo = make(
        "rp-signed-userinfo", "RS256",
        .clientSecretBasic(clientID: "rp-signed-userinfo", secret: "rp-signed-secret-0123456789abcdef"),
        secret: "rp-signed-secret-0123456789abcdef", extra: ["userinfo_signed_response_alg": "RS256"])
    static let reuse = make(
        "rp-reuse", "ES256", .clientSecretPost(clientID: "rp-reuse", secret: "rp-reuse-secret-0123456789abcdef"),
        secret: "rp-reuse-secret-0123456789abcdef", extra: ["refresh_mode": "reuse"])

    static let registrations = [basic, post, privateKeyJWT, secretJWT, publicClient, eddsa, signedUserInfo, reuse]
        .map(\.registration)
}

/// The public Flows API end to end against idpyoidc, a real OpenID Provider nobody on this team wrote
/// (Tests/FlowsTests/Provider). One provider serves the suite; the tests play the browser headlessly.
/// Serialized: idpyoidc answers one request at a time anyway, and bursts of parallel flows on 2 shared
/// cores slow other suites' in-process servers.
@Suite(.serialized, .idpyoidc(clients: IdpyoidcClients.registrations))
struct IdpyoidcFlowTests {
    typealias Client = IdpyoidcClients.Client
    typealias C = IdpyoidcClients

    /// Any port matches (op.py registers `http://127.0.0.1:*/callback`); nothing listens: the test reads the redirect.
    static let redirectURI = "http://127.0.0.1:53124/callback"
    static let scopes = ["openid", "profile", "email", "offline_access"]
    static let http = try! SocketHTTPClient()

    // MARK: - Helpers

    /// A discovered client whose every request is recorded.
    func discover(_ client: Client, provider: IdpyoidcProvider) async throws -> (OIDCClient, RecordingTransport) {
        let transport = RecordingTransport { request, body in
            try await Self.http.send(request, body: body, deadline: .now + .seconds(30))
        }
        let oidc = try await OIDCClient.discover(
            issuer: provider.issuer,
            configuration: .init(
                clientID: client.id, authentication: client.authentication, redirectURI: Self.redirectURI),
            transport: transport)
        return (oidc, transport)
    }

    /// Steps 1-3: builds the request, lets idpyoidc answer it, and parses what reaches the redirect URI.
    func authorize(
        _ oidc: OIDCClient, provider: IdpyoidcProvider, type: ResponseType, mode: ResponseMode,
        scopes: [String] = Self.scopes, prompt: [String] = []
    ) async throws -> (response: AuthorizationResponse, prepared: PreparedAuthorization) {
        var request = oidc.makeAuthorizationRequest(responseType: type, scopes: scopes)
        request.responseMode = mode
        request.prompt = prompt
        let prepared = try oidc.prepareAuthorization(request)
        let answer = try await provider.authorize(url: prepared.url)
        switch answer {
        case .redirect(let url):
            #expect(mode != .formPost, "form_post answered with a redirect")
            #expect(url.hasPrefix(Self.redirectURI + (mode == .fragment ? "#" : "?")), "\(url.prefix(80))")
            return (try AuthorizationResponse(redirectURL: url, mode: mode), prepared)
        case .formPost(let url, _):
            #expect(mode == .formPost, "\(mode) answered with a form_post page")
            #expect(url == Self.redirectURI)
            return (try AuthorizationResponse(formBody: answer.formBody), prepared)
        }
    }

    func tokenRequests(_ transport: RecordingTransport) -> [(HTTPRequest, [UInt8]?)] {
        transport.requests.filter { $0.0.method == .post && $0.0.path == "/token" }
    }

    static func unverifiedClaims(_ compact: String) throws -> JSONObject {
        try JSONParser().parseObject(try CompactJWS(compact).payload)
    }

    // MARK: - Happy paths

    static let flowCases: [(Client, ResponseType, ResponseMode)] =
        [C.basic, C.post, C.privateKeyJWT, C.secretJWT, C.publicClient].flatMap { client in
            [(client, .codeIDToken, .fragment), (client, .codeIDToken, .formPost), (client, .code, .query)]
        } + [(C.eddsa, .code, .query)]

    @Test("the whole flow validates: front channel, code exchange, userinfo, refresh", arguments: flowCases)
    func flow(_ client: Client, _ type: ResponseType, _ mode: ResponseMode) async throws {
        let provider = try IdpyoidcProvider.shared()
        let (oidc, transport) = try await self.discover(client, provider: provider)
        #expect(oidc.metadata.authorizationResponseIssParameterSupported)
        let (response, prepared) = try await self.authorize(oidc, provider: provider, type: type, mode: mode)
        #expect(prepared.url.contains("prompt=consent"), "offline_access adds prompt=consent (OIDC Core §11)")
        #expect(response.issuer == provider.issuer)

        let result = try await oidc.completeAuthorization(response, session: prepared.session)
        #expect(result.idToken.subject == provider.alice, "\(provider.log)")
        #expect(result.idToken.header.algorithm.rawValue == client.idTokenAlgorithm)
        #expect(result.idToken.audience == [client.id])
        if type == .codeIDToken {
            let front = try #require(result.frontChannelIDToken)
            #expect(front.header.algorithm.rawValue == client.idTokenAlgorithm)
            #expect(front.claims["c_hash"]?.stringValue != nil)
        } else {
            #expect(result.frontChannelIDToken == nil)
        }
        #expect(result.tokens.isBearer)
        #expect(result.tokens.expiresIn == 3600)
        #expect(result.tokens.scope?.split(separator: " ").contains("offline_access") == true)
        let refreshToken = try #require(result.tokens.refreshToken)

        // The method the client uses is the one on the wire (idpyoidc also enforces the registered one).
        let exchange = try #require(self.tokenRequests(transport).first)
        let form = try formParameters(exchange.1)
        let authorization = exchange.0.headerFields[.authorization]
        switch client.authentication {
        case .clientSecretBasic: #expect(authorization?.hasPrefix("Basic ") == true && form["client_secret"] == nil)
        case .clientSecretPost: #expect(authorization == nil && form["client_secret"] != nil)
        case .clientSecretJWT, .privateKeyJWT: #expect(authorization == nil && form["client_assertion"] != nil)
        case .none: #expect(authorization == nil && form["client_id"] == client.id && form.count == 5)
        }

        let userInfo = try await oidc.userInfo(accessToken: result.tokens.accessToken, subject: result.idToken.subject)
        #expect(userInfo["email"] == "alice@example.com")
        #expect(userInfo["aud"] == nil, "plain JSON UserInfo")

        let refreshed = try await oidc.refresh(result.tokenSet)
        #expect(refreshed.tokenSet.refreshToken != nil && refreshed.tokenSet.refreshToken != refreshToken, "rotation")
        #expect(refreshed.tokens.accessToken != result.tokens.accessToken)
        let refreshedIDToken = try #require(refreshed.idToken)
        #expect(refreshedIDToken.subject == provider.alice)
        #expect(refreshedIDToken.header.algorithm.rawValue == client.idTokenAlgorithm)
        #expect(self.tokenRequests(transport).count == 2)
    }

    @Test("signed UserInfo (application/jwt) is verified and its sub checked")
    func signedUserInfo() async throws {
        let provider = try IdpyoidcProvider.shared()
        let (oidc, _) = try await self.discover(C.signedUserInfo, provider: provider)
        let (response, prepared) = try await self.authorize(
            oidc, provider: provider, type: .code, mode: .query, scopes: ["openid", "email"])
        let result = try await oidc.completeAuthorization(response, session: prepared.session)
        let claims = try await oidc.userInfo(accessToken: result.tokens.accessToken, subject: result.idToken.subject)
        // Only the JWT form carries iss and aud.
        #expect(claims["iss"] == .string(provider.issuer))
        #expect(claims["aud"] == .string("rp-signed-userinfo") || claims["aud"] == ["rp-signed-userinfo"])
        #expect(claims["email"] == "alice@example.com")
        await #expect(throws: FlowsError.userInfoInvalid(reason: "")) {
            try await oidc.userInfo(accessToken: result.tokens.accessToken, subject: "someone-else")
        }
    }

    @Test("offline_access: prompt=consent is added; without it no refresh token; prompt=none is refused by idpyoidc")
    func offlineAccess() async throws {
        let provider = try IdpyoidcProvider.shared()
        let (oidc, transport) = try await self.discover(C.basic, provider: provider)

        let online = try await self.authorize(oidc, provider: provider, type: .code, mode: .query, scopes: ["openid"])
        #expect(!online.prepared.url.contains("prompt="))
        let onlineResult = try await oidc.completeAuthorization(online.response, session: online.prepared.session)
        #expect(onlineResult.tokens.refreshToken == nil)
        await #expect(throws: FlowsError.reauthenticationRequired(reason: "")) {
            try await oidc.refresh(onlineResult.tokenSet)
        }

        // prompt=none keeps the builder from adding consent; idpyoidc then refuses offline_access.
        let refused = try await self.authorize(
            oidc, provider: provider, type: .codeIDToken, mode: .fragment, prompt: ["none"])
        let before = self.tokenRequests(transport).count
        do {
            _ = try await oidc.completeAuthorization(refused.response, session: refused.prepared.session)
            Issue.record("an error response was accepted")
        } catch let error as FlowsError {
            #expect(error.code == .authorizationFailed)
            #expect(error.oauthError == "invalid_request")
            #expect(error.reason.contains("consent in prompt"), "\(error.reason)")
        }
        #expect(self.tokenRequests(transport).count == before)
    }

    // MARK: - Refresh rotation, TokenManager, revocation

    @Test("TokenManager saves the rotated refresh token; the rotated-out one means re-authentication, once")
    func rotationThroughTokenManager() async throws {
        let provider = try IdpyoidcProvider.shared()
        let (oidc, _) = try await self.discover(C.basic, provider: provider)
        let (response, prepared) = try await self.authorize(
            oidc, provider: provider, type: .codeIDToken, mode: .formPost)
        let original = try await oidc.completeAuthorization(response, session: prepared.session).tokenSet

        let store = InMemoryTokenStore(original)
        let manager = try oidc.makeTokenManager(store: store)
        let rotated = try await manager.refreshed()
        #expect(rotated.refreshToken != nil && rotated.refreshToken != original.refreshToken)
        #expect(try await store.load() == rotated)
        #expect(try await manager.accessToken() == rotated.accessToken, "fresh: no second refresh")
        #expect(await manager.refreshCount == 1)

        // A second manager still holding the rotated-out refresh token, its access token expired.
        var stale = original
        stale.expiresAt = 0
        let (staleClient, staleTransport) = try await self.discover(C.basic, provider: provider)
        let staleManager = try staleClient.makeTokenManager(store: InMemoryTokenStore(stale))
        for _ in 0..<3 {
            await #expect(throws: FlowsError.reauthenticationRequired(reason: "")) {
                try await staleManager.accessToken()
            }
        }
        #expect(await staleManager.refreshCount == 1)
        #expect(self.tokenRequests(staleTransport).count == 1, "no retry loop")
    }

    @Test("refresh_mode reuse: no new refresh token, the old one is kept and keeps working")
    func refreshWithoutRotation() async throws {
        let provider = try IdpyoidcProvider.shared()
        let (oidc, _) = try await self.discover(C.reuse, provider: provider)
        let (response, prepared) = try await self.authorize(oidc, provider: provider, type: .code, mode: .query)
        let original = try await oidc.completeAuthorization(response, session: prepared.session).tokenSet
        let first = try await oidc.refresh(original)
        #expect(first.tokens.refreshToken == nil)
        #expect(first.tokenSet.refreshToken == original.refreshToken)
        let second = try await oidc.refresh(first.tokenSet)
        #expect(second.tokenSet.refreshToken == original.refreshToken)
    }

    @Test("revocation: a revoked refresh token cannot refresh, a revoked access token cannot read UserInfo",
          arguments: [C.post, C.privateKeyJWT])
    func revocation(_ client: Client) async throws {
        let provider = try IdpyoidcProvider.shared()
        let (oidc, _) = try await self.discover(client, provider: provider)
        let (response, prepared) = try await self.authorize(
            oidc, provider: provider, type: .codeIDToken, mode: .fragment)
        let result = try await oidc.completeAuthorization(response, session: prepared.session)
        let refreshToken = try #require(result.tokenSet.refreshToken)

        try await oidc.revoke(refreshToken, hint: "refresh_token")
        await #expect(throws: FlowsError.reauthenticationRequired(reason: "")) {
            try await oidc.refresh(result.tokenSet)
        }

        _ = try await oidc.userInfo(accessToken: result.tokens.accessToken, subject: provider.alice)
        try await oidc.revoke(result.tokens.accessToken, hint: "access_token")
        do {
            _ = try await oidc.userInfo(accessToken: result.tokens.accessToken, subject: provider.alice)
            Issue.record("a revoked access token still reads UserInfo")
        } catch let error as FlowsError {
            #expect(error.oauthError == "invalid_token", "\(error)")
            #expect(error.reason.contains("HTTP 401"), "\(error.reason)")
        }
    }

    // MARK: - Failures with the real provider

    @Test("idpyoidc quirk: EdDSA hybrid ID tokens carry c_hash null, which must be rejected as c_hash missing",
          arguments: [ResponseMode.fragment, .formPost])
    func eddsaHybridCodeHashNull(_ mode: ResponseMode) async throws {
        let provider = try IdpyoidcProvider.shared()
        let (oidc, transport) = try await self.discover(C.eddsa, provider: provider)
        let (response, prepared) = try await self.authorize(oidc, provider: provider, type: .codeIDToken, mode: mode)
        // The quirk itself: idpyoidc asks for hash "HS" + "DSA" and writes null (README "Quirks").
        let idToken = try #require(response.idToken)
        #expect(try CompactJWS(idToken).header.algorithm == .edDSA)
        let claims = try Self.unverifiedClaims(idToken)
        #expect(claims["c_hash"] == .null, "if idpyoidc now computes c_hash for EdDSA, update this test and the README")
        // OIDC Core §3.3.2.11: c_hash is REQUIRED for code id_token; null is no hash.
        do {
            _ = try await oidc.completeAuthorization(response, session: prepared.session)
            Issue.record("an EdDSA hybrid ID token without c_hash was accepted")
        } catch let error as FlowsError {
            #expect(error.code == .idTokenInvalid)
            #expect(error.reason == "c_hash missing")
        }
        #expect(self.tokenRequests(transport).isEmpty, "a bad front channel never reaches the token endpoint")
    }

    @Test("a code swapped for another real one fails c_hash before redemption")
    func tamperedCode() async throws {
        let provider = try IdpyoidcProvider.shared()
        let (oidc, transport) = try await self.discover(C.basic, provider: provider)
        let victim = try await self.authorize(oidc, provider: provider, type: .codeIDToken, mode: .fragment)
        let other = try await self.authorize(oidc, provider: provider, type: .codeIDToken, mode: .fragment)
        let swapped = try AuthorizationResponse(parameters: victim.response.parameters.map {
            $0.name == "code" ? (name: "code", value: try #require(other.response.code)) : $0
        })
        do {
            _ = try await oidc.completeAuthorization(swapped, session: victim.prepared.session)
            Issue.record("a swapped code was accepted")
        } catch let error as FlowsError {
            #expect(error.code == .idTokenInvalid)
            #expect(error.reason == "c_hash mismatch")
        }
        #expect(self.tokenRequests(transport).isEmpty, "never redeemed")
        // The swapped-in code was good: only our check stopped it.
        _ = try await oidc.completeAuthorization(other.response, session: other.prepared.session)
        #expect(self.tokenRequests(transport).count == 1)
    }

    @Test("a response for another session is a state mismatch, before redemption")
    func stateMismatch() async throws {
        let provider = try IdpyoidcProvider.shared()
        let (oidc, transport) = try await self.discover(C.post, provider: provider)
        let first = try await self.authorize(oidc, provider: provider, type: .codeIDToken, mode: .formPost)
        let second = try oidc.prepareAuthorization(oidc.makeAuthorizationRequest(scopes: Self.scopes))
        await #expect(throws: FlowsError.stateMismatch(reason: "")) {
            try await oidc.completeAuthorization(first.response, session: second.session)
        }
        #expect(self.tokenRequests(transport).isEmpty)
    }

    @Test("--strip-iss-parameter: iss advertised but missing is an issuerParameterMismatch, before redemption")
    func issuerParameterMissing() async throws {
        try await IdpyoidcProvider.withProvider(clients: [C.basic.registration], arguments: ["--strip-iss-parameter"]) {
            provider in
            let (oidc, transport) = try await self.discover(C.basic, provider: provider)
            #expect(oidc.metadata.authorizationResponseIssParameterSupported)
            let cases: [(ResponseType, ResponseMode)] = [
                (.codeIDToken, .formPost), (.codeIDToken, .fragment), (.code, .query),
            ]
            for (type, mode) in cases {
                let (response, prepared) = try await self.authorize(oidc, provider: provider, type: type, mode: mode)
                #expect(response.issuer == nil && response.code != nil)
                do {
                    _ = try await oidc.completeAuthorization(response, session: prepared.session)
                    Issue.record("\(mode): a response without iss was accepted")
                } catch let error as FlowsError {
                    #expect(error.code == .issuerParameterMismatch)
                    #expect(error.reason == "iss parameter missing though the provider advertises it")
                }
            }
            #expect(self.tokenRequests(transport).isEmpty)
        }
    }

    @Test("discovery: an issuer that differs from the document's (even by a trailing slash) stops everything")
    func discoveryIssuerMismatch() async throws {
        let provider = try IdpyoidcProvider.shared()
        let port = provider.issuer.split(separator: ":").last ?? ""
        for expected in [provider.issuer + "/", "http://localhost:\(port)"] {
            let transport = RecordingTransport { request, body in
                try await Self.http.send(request, body: body, deadline: .now + .seconds(30))
            }
            await #expect(throws: DiscoveryError.issuerMismatch(reason: "")) {
                try await OIDCClient.discover(
                    issuer: expected, discoveryURL: provider.discoveryURL,
                    configuration: .init(
                        clientID: "rp-basic", authentication: C.basic.authentication, redirectURI: Self.redirectURI),
                    transport: transport)
            }
            #expect(transport.requests.map { $0.0.path } == ["/.well-known/openid-configuration"], "no JWKS fetched")
        }
    }
}
