// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import Foundation
import HTTPTypes
import JOSE
import PKCE
import Testing
import Transport

@Suite struct TokenClientTests {
    typealias F = TokenFactory

    func session() throws -> AuthorizationSession {
        AuthorizationSession(
            state: "s", nonce: "n", codeVerifier: try .init(), redirectURI: "https://a.example/cb", clientID: F.clientID,
            issuer: F.issuer, responseType: .codeIDToken, responseMode: .formPost, maxAge: nil, acrValues: nil,
            createdAt: F.now, expiresAt: F.now + 600)
    }

    func client(_ authentication: ClientAuthentication, transport: RecordingTransport) -> TokenClient {
        TokenClient(
            issuer: F.issuer, tokenEndpoint: "https://op.example.com/token", revocationEndpoint: "https://op.example.com/revoke",
            authentication: authentication, transport: transport, now: { F.now })
    }

    static let tokens: JSONObject = [
        "access_token": "at-1", "token_type": "bearer", "expires_in": "300", "refresh_token": "rt-1", "id_token": "x.y.z",
    ]

    @Test("code exchange sends the verifier and exact redirect_uri; client_secret_basic form-encodes before base64")
    func basic() async throws {
        let transport = RecordingTransport { _, _ in RecordingTransport.json(Self.tokens, headers: [.date: "Thu, 01 Jan 2026 00:10:00 GMT"]) }
        let session = try self.session()
        let exchange = try await self.client(.clientSecretBasic(clientID: "app:1", secret: "s3cr%t é"), transport: transport)
            .exchangeCode("the-code", session: session)
        #expect(exchange.tokens.isBearer)
        #expect(exchange.tokens.expiresIn == 300)
        #expect(exchange.clockOffset == 600)
        let (request, body) = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(request.path == "/token")
        // RFC 6749 §2.3.1: "app:1" and "s3cr%t é" are form-urlencoded, then joined with ":".
        let expected = "Basic " + Data("app%3A1:s3cr%25t%20%C3%A9".utf8).base64EncodedString()
        #expect(request.headerFields[.authorization] == expected)
        let form = try formParameters(body)
        #expect(form["grant_type"] == "authorization_code")
        #expect(form["code"] == "the-code")
        #expect(form["redirect_uri"] == "https://a.example/cb")
        #expect(form["code_verifier"] == session.codeVerifier.value)
        #expect(form["client_secret"] == nil)
    }

    @Test("client_secret_post and none put credentials in the body")
    func post() async throws {
        let transport = RecordingTransport { _, _ in RecordingTransport.json(Self.tokens) }
        _ = try await self.client(.clientSecretPost(clientID: "app", secret: "pw"), transport: transport).refresh("rt-0")
        let form = try formParameters(transport.requests[0].1)
        #expect(form["client_id"] == "app" && form["client_secret"] == "pw" && form["grant_type"] == "refresh_token")
        #expect(transport.requests[0].0.headerFields[.authorization] == nil)
        _ = try await self.client(.none(clientID: "public"), transport: transport).refresh("rt-0")
        let publicForm = try formParameters(transport.requests[1].1)
        #expect(publicForm["client_id"] == "public" && publicForm["client_secret"] == nil)
    }

    @Test("private_key_jwt sends an RFC 7523 assertion that verifies with the client's public key")
    func privateKeyJWT() async throws {
        let key = try SigningKey.generate(.ec(.p256), keyID: "client-key")
        let transport = RecordingTransport { _, _ in RecordingTransport.json(Self.tokens) }
        _ = try await self.client(.privateKeyJWT(clientID: "app", key: key), transport: transport).refresh("rt")
        let form = try formParameters(transport.requests[0].1)
        #expect(form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        let verifier = JWTVerifier(
            signatures: try JWSVerifier(keys: [key.verificationKey]),
            claims: JWTClaimsValidator(issuer: "app", audience: F.issuer, requiredClaims: ["exp", "iat", "jti"], now: { F.now }))
        let assertion = try verifier.verify(try #require(form["client_assertion"]))
        #expect(assertion.claims.subject == "app")
        #expect(assertion.claims.expiresAt == F.now + 60)
        // A second assertion has a fresh jti.
        _ = try await self.client(.privateKeyJWT(clientID: "app", key: key), transport: transport).refresh("rt")
        let second = try verifier.verify(try #require(try formParameters(transport.requests[1].1)["client_assertion"]))
        #expect(second.claims.jwtID != assertion.claims.jwtID)
    }

    @Test("OAuth error responses become typed errors; invalid_grant on refresh asks for re-authentication")
    func errors() async throws {
        let transport = RecordingTransport { _, _ in
            RecordingTransport.json(["error": "invalid_grant", "error_description": "refresh token revoked"], status: .badRequest)
        }
        let client = self.client(.clientSecretPost(clientID: "app", secret: "pw"), transport: transport)
        await #expect(throws: FlowsError.reauthenticationRequired(reason: "")) { try await client.refresh("rt") }
        do {
            _ = try await client.exchangeCode("c", session: try self.session())
            Issue.record("accepted an error response")
        } catch let error as FlowsError {
            #expect(error.code == .tokenEndpointError && error.oauthError == "invalid_grant")
            #expect(error.reason.contains("refresh token revoked"))
        }
        let broken = RecordingTransport { _, _ in (HTTPResponse(status: .internalServerError), Array("<html>".utf8)) }
        await #expect(throws: FlowsError.invalidResponse(reason: "")) {
            try await self.client(.none(clientID: "a"), transport: broken).refresh("rt")
        }
    }

    @Test("malformed token responses are refused", arguments: [
        #"{"token_type":"Bearer"}"#, #"{"access_token":"a"}"#, #"{"access_token":"a","token_type":"Bearer","expires_in":"soon"}"#,
        #"{"access_token":"a","token_type":"Bearer","refresh_token":5}"#, "[]", "not json",
    ])
    func malformed(_ body: String) {
        #expect(throws: FlowsError.invalidResponse(reason: "")) { try TokenResponse(json: Array(body.utf8), receivedAt: 0) }
    }

    @Test("a non-finite expires_in is refused", arguments: ["Infinity", "inf", "1e400", "nan", "-inf"])
    func nonFiniteLifetime(_ text: String) {
        let body = #"{"access_token":"a","token_type":"Bearer","expires_in":"\#(text)"}"#
        #expect(throws: FlowsError.invalidResponse(reason: "")) { try TokenResponse(json: Array(body.utf8), receivedAt: 0) }
    }

    @Test("a huge expires_in is described, not a crash")
    func hugeLifetime() throws {
        let body = #"{"access_token":"a","token_type":"Bearer","expires_in":1e300,"refresh_token":"r"}"#
        let response = try TokenResponse(json: Array(body.utf8), receivedAt: F.now)
        #expect(String(describing: response).contains("expires_in"))
        #expect(String(describing: TokenSet(response)).contains("expires_at"))
        #expect(!String(describing: TokenSet(response)).contains("\"r\""))
    }

    @Test("a Date header with an absurd year is ignored, not a crash")
    func absurdDateHeader() async throws {
        #expect(ClockOffset.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(ClockOffset.parse("Sun, 06 Nov 9999999999999999 08:49:37 GMT") == nil)
        let transport = RecordingTransport { _, _ in
            RecordingTransport.json(Self.tokens, headers: [.date: "Sun, 06 Nov 9999999999999999 08:49:37 GMT"])
        }
        let exchange = try await self.client(.none(clientID: "a"), transport: transport).refresh("rt")
        #expect(exchange.clockOffset == nil)
        #expect(exchange.tokens.accessToken == "at-1")
    }

    @Test("an error response's text reaches the reason without control characters and bounded in bytes")
    func untrustedErrorText() async throws {
        let escape = "\u{1B}]0;owned\u{07}\u{1B}[2J\u{9B}31m\n"
        let huge = "e" + String(repeating: "\u{301}", count: 10_000)
        let transport = RecordingTransport { _, _ in
            RecordingTransport.json(
                ["error": .string("invalid_request" + escape), "error_description": .string(escape + huge)],
                status: .badRequest)
        }
        let error = try await #require(throws: FlowsError.self) {
            try await self.client(.none(clientID: "a"), transport: transport).refresh("rt")
        }
        #expect(error.code == .tokenEndpointError)
        #expect(!error.reason.unicodeScalars.contains { $0.properties.generalCategory == .control })
        #expect(error.reason.utf8.count < 1_000, "\(error.reason.utf8.count) bytes")
        #expect(error.oauthError?.unicodeScalars.contains { $0.properties.generalCategory == .control } == false)
    }

    @Test("revocation posts the token with a hint")
    func revoke() async throws {
        let transport = RecordingTransport { _, _ in (HTTPResponse(status: .ok), []) }
        try await self.client(.clientSecretPost(clientID: "app", secret: "pw"), transport: transport).revoke("rt-1", hint: "refresh_token")
        let (request, body) = try #require(transport.requests.first)
        #expect(request.path == "/revoke")
        #expect(try formParameters(body)["token_type_hint"] == "refresh_token")
    }
}
