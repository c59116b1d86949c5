// SPDX-License-Identifier: Apache-2.0
import Flows
import HTTPTypes
import JOSE
import PKCE
import Testing
import Transport

@Suite struct ClientAuthenticationAndLogoutTests {
    typealias F = TokenFactory

    @Test("client_secret_jwt sends an HS256 assertion MACed with the client secret (RFC 7523)")
    func clientSecretJWT() async throws {
        let secret = "a-client-secret-of-at-least-32-bytes!!"
        let transport = RecordingTransport { _, _ in
            RecordingTransport.json(["access_token": "a", "token_type": "Bearer"])
        }
        let client = TokenClient(
            issuer: F.issuer, tokenEndpoint: "https://op.example.com/token",
            authentication: .clientSecretJWT(clientID: "app", secret: secret), transport: transport, now: { F.now })
        _ = try await client.refresh("rt")
        let form = try formParameters(transport.requests[0].1)
        let assertion = try #require(form["client_assertion"])
        let verifier = JWTVerifier(
            signatures: try JWSVerifier(keys: [try VerificationKey(hmacSecret: Array(secret.utf8))], algorithms: [.hs256]),
            claims: JWTClaimsValidator(issuer: "app", audience: F.issuer, requiredClaims: ["jti", "exp"], now: { F.now }))
        #expect(try verifier.verify(assertion).claims.subject == "app")
        // A different secret does not verify it.
        let other = try JWSVerifier(keys: [try VerificationKey(hmacSecret: Array(repeating: 1, count: 40))], algorithms: [.hs256])
        #expect(throws: JOSEError.invalidSignature(reason: "")) { try other.verify(assertion) }
        // A secret too short for HS256 is refused before any request.
        let short = TokenClient(
            issuer: F.issuer, tokenEndpoint: "https://op.example.com/token",
            authentication: .clientSecretJWT(clientID: "app", secret: "short"), transport: transport, now: { F.now })
        await #expect(throws: JOSEError.invalidKey(reason: "")) { try await short.refresh("rt") }
        #expect(transport.requests.count == 1)
    }

    @Test("the RP-initiated logout URL carries the hint, client and post-logout redirect, keeping the endpoint's query")
    func endSession() throws {
        let url = EndSessionRequest(
            endpoint: "https://op.example.com/logout?ui=1", idTokenHint: "a.b.c", clientID: "app",
            postLogoutRedirectURI: "https://app.example/bye", state: "s 1"
        ).url
        #expect(url == "https://op.example.com/logout?ui=1&id_token_hint=a.b.c&client_id=app&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fbye&state=s%201")
        #expect(EndSessionRequest(endpoint: "https://op.example.com/logout").url == "https://op.example.com/logout")
    }

    @Test("secrets never appear in descriptions")
    func redaction() throws {
        let authentication = ClientAuthentication.clientSecretPost(clientID: "app", secret: "hunter2-secret")
        #expect(!"\(authentication)".contains("hunter2"))
        let response = try TokenResponse(
            json: Array(#"{"access_token":"AT-SECRET","token_type":"Bearer","refresh_token":"RT-SECRET"}"#.utf8), receivedAt: 0)
        #expect(!"\(response)".contains("SECRET"))
        #expect(!"\(TokenSet(response))".contains("SECRET"))
    }

    @Test("callback parameters and validated callbacks describe themselves without code or tokens")
    func callbackRedaction() async throws {
        let parameters: [(name: String, value: String)] = [
            ("code", "CODE-SECRET"), ("state", "STATE-SECRET"), ("access_token", "AT-SECRET"), ("token_type", "Bearer"),
            ("iss", TokenFactory.issuer),
        ]
        let response = try AuthorizationResponse(parameters: parameters)
        let session = AuthorizationSession(
            state: "STATE-SECRET", nonce: "n", codeVerifier: try .init(), redirectURI: "https://a.example/cb",
            clientID: TokenFactory.clientID, issuer: TokenFactory.issuer, responseType: .codeToken, responseMode: .fragment,
            maxAge: nil, acrValues: nil, createdAt: TokenFactory.now, expiresAt: TokenFactory.now + 600)
        let validated = try await CallbackValidator(idTokens: try TokenFactory.validator(), requireIssuerParameter: true)
            .validate(response, session: session)
        for text in [String(describing: response), String(reflecting: response), "\(validated)", String(reflecting: validated)] {
            #expect(!text.contains("SECRET"), "\(text)")
        }
        #expect("\(response)".contains("code") && "\(response)".contains("iss"))
    }
}
