// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import OIDCTestProvider
import PKCE
import Testing
import Transport

/// A deliberately small relying party built from Transport, JOSE and PKCE only (never Flows), so that
/// these tests check the provider against the specifications, not against our own client.
struct TestRelyingParty {
    let provider: OIDCTestProvider
    let http: SocketHTTPClient

    /// Starts a provider, runs `body`, and shuts everything down.
    static func run(
        _ configuration: OIDCTestProvider.Configuration = Fixtures.configuration(),
        _ body: (TestRelyingParty) async throws -> Void
    ) async throws {
        let provider = try await OIDCTestProvider.start(configuration: configuration)
        let http = try SocketHTTPClient()
        do {
            try await body(TestRelyingParty(provider: provider, http: http))
        } catch {
            http.shutdown()
            await provider.shutdown()
            throw error
        }
        http.shutdown()
        await provider.shutdown()
    }

    // MARK: HTTP

    func get(_ url: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse, [UInt8]) {
        try await self.http.send(
            try HTTPRequest(method: .get, url: url, headerFields: headers), body: nil, deadline: .now + .seconds(10))
    }

    func post(_ url: String, form: [(String, String)], headers: HTTPFields = [:]) async throws -> (
        HTTPResponse, [UInt8]
    ) {
        var fields = headers
        fields[.contentType] = "application/x-www-form-urlencoded"
        let request = try HTTPRequest(method: .post, url: url, headerFields: fields)
        return try await self.http.send(request, body: Array(Wire.form(form).utf8), deadline: .now + .seconds(10))
    }

    func json(_ body: [UInt8]) throws -> JSONObject { try JSONParser().parseObject(body) }

    // MARK: Discovery and keys

    func discovery() async throws -> JSONObject {
        let (response, body) = try await self.get(self.provider.issuer + "/.well-known/openid-configuration")
        #expect(response.status == .ok)
        return try self.json(body)
    }

    func jwks() async throws -> JWKSet {
        let (response, body) = try await self.get(self.provider.jwksURI)
        #expect(response.status == .ok)
        return try JWKSet(jsonBytes: body)
    }

    // MARK: Authorization

    /// One authorization request's secrets.
    struct Session {
        let client: OIDCTestProvider.Client
        let verifier: PKCECodeVerifier
        let state: String
        let nonce: String
        let redirectURI: String
    }

    func makeSession(client: OIDCTestProvider.Client, redirectURI: String = Fixtures.redirectURI) throws -> Session {
        Session(
            client: client, verifier: try PKCECodeVerifier(), state: try RandomString.makeState(),
            nonce: try RandomString.makeNonce(), redirectURI: redirectURI)
    }

    func authorizationURL(
        _ session: Session, responseType: String = "code", responseMode: String? = nil,
        scope: String = "openid offline_access profile", overrides: [(String, String?)] = []
    ) -> String {
        var parameters: [(String, String)] = [
            ("client_id", session.client.id), ("redirect_uri", session.redirectURI), ("response_type", responseType),
            ("scope", scope), ("state", session.state), ("nonce", session.nonce),
            ("code_challenge", session.verifier.challenge.value), ("code_challenge_method", "S256"),
        ]
        if let responseMode { parameters.append(("response_mode", responseMode)) }
        for (name, value) in overrides {
            parameters.removeAll { $0.0 == name }
            if let value { parameters.append((name, value)) }
        }
        return self.provider.authorizationEndpoint + "?" + Wire.form(parameters)
    }

    // MARK: Token endpoint

    /// The client's credentials as its registered method sends them.
    func credentials(
        for client: OIDCTestProvider.Client, audience: String? = nil, jti: String? = nil,
        key: SigningKey = Fixtures.clientKey
    ) throws -> (headers: HTTPFields, form: [(String, String)]) {
        switch client.authenticationMethod {
        case .clientSecretBasic:
            let pair = Wire.percentEncode(client.id) + ":" + Wire.percentEncode(client.secret ?? "")
            return ([.authorization: "Basic " + Wire.base64(pair)], [])
        case .clientSecretPost:
            return ([:], [("client_id", client.id), ("client_secret", client.secret ?? "")])
        case .privateKeyJWT:
            let now = WallClock.secondsSinceEpoch().rounded(.down)
            let claims: JSONObject = [
                "iss": .string(client.id), "sub": .string(client.id),
                "aud": .string(audience ?? self.provider.issuer),
                "jti": .string(try jti ?? RandomString.make(byteCount: 16)),
                "iat": .number(now), "exp": .number(now + 60),
            ]
            let assertion = try JWSSigner(key: key).sign(claims: claims)
            return (
                [:],
                [
                    ("client_id", client.id),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", assertion),
                ]
            )
        default:
            return ([:], [("client_id", client.id)])
        }
    }

    /// POSTs to the token endpoint with the client's credentials.
    func token(
        client: OIDCTestProvider.Client, _ parameters: [(String, String)]
    ) async throws -> (status: HTTPResponse.Status, response: HTTPResponse, json: JSONObject) {
        let (headers, credentials) = try self.credentials(for: client)
        let (response, body) = try await self.post(
            self.provider.tokenEndpoint, form: parameters + credentials, headers: headers)
        return (response.status, response, (try? self.json(body)) ?? [:])
    }

    func redeem(_ session: Session, code: String, verifier: String? = nil, redirectURI: String? = nil) async throws -> (
        status: HTTPResponse.Status, response: HTTPResponse, json: JSONObject
    ) {
        try await self.token(
            client: session.client,
            [
                ("grant_type", "authorization_code"), ("code", code),
                ("redirect_uri", redirectURI ?? session.redirectURI),
                ("code_verifier", verifier ?? session.verifier.value),
            ])
    }

    func refresh(client: OIDCTestProvider.Client, _ refreshToken: String) async throws -> (
        status: HTTPResponse.Status, response: HTTPResponse, json: JSONObject
    ) {
        try await self.token(client: client, [("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
    }

    func userInfo(_ accessToken: String) async throws -> (HTTPResponse, JSONObject?) {
        let (response, body) = try await self.get(
            self.provider.userInfoEndpoint, headers: [.authorization: "Bearer " + accessToken])
        return (response, try? self.json(body))
    }

    func revoke(client: OIDCTestProvider.Client, _ token: String) async throws -> HTTPResponse {
        let (headers, credentials) = try self.credentials(for: client, audience: self.provider.revocationEndpoint)
        return try await self.post(
            self.provider.revocationEndpoint, form: [("token", token)] + credentials, headers: headers
        ).0
    }
}
