// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import HTTPTypes
import JOSE
import PKCE
import Testing
import Transport

@Suite struct UserInfoClientTests {
    typealias F = TokenFactory

    func client(_ transport: RecordingTransport) throws -> UserInfoClient {
        UserInfoClient(
            endpoint: "https://op.example.com/userinfo", transport: transport, keys: try F.keys(), issuer: F.issuer,
            clientID: F.clientID)
    }

    @Test("a JSON response: Bearer token sent, sub must match")
    func json() async throws {
        let transport = RecordingTransport { _, _ in RecordingTransport.json(["sub": "alice", "email": "a@example.com"]) }
        let claims = try await self.client(transport).fetch(accessToken: "at-1", subject: "alice")
        #expect(claims["email"] == "a@example.com")
        #expect(transport.requests[0].0.headerFields[.authorization] == "Bearer at-1")
        await #expect(throws: FlowsError.userInfoInvalid(reason: "")) {
            try await self.client(transport).fetch(accessToken: "at-1", subject: "mallory")
        }
    }

    @Test("a signed (application/jwt) response is verified with the provider's keys, iss and aud checked")
    func signed() async throws {
        func respond(_ claims: JSONObject, key: SigningKey = F.rsa) -> RecordingTransport {
            let token = try! JWSSigner(key: key).sign(claims: claims)
            return RecordingTransport { _, _ in
                (HTTPResponse(status: .ok, headerFields: [.contentType: "application/jwt"]), Array(token.utf8))
            }
        }
        let good: JSONObject = ["sub": "alice", "iss": .string(F.issuer), "aud": .string(F.clientID), "name": "Alice"]
        #expect(try await self.client(respond(good)).fetch(accessToken: "a", subject: "alice")["name"] == "Alice")
        var wrongIssuer = good
        wrongIssuer["iss"] = "https://evil.example"
        await #expect(throws: FlowsError.userInfoInvalid(reason: "")) {
            try await self.client(respond(wrongIssuer)).fetch(accessToken: "a", subject: "alice")
        }
        var wrongAudience = good
        wrongAudience["aud"] = "other-app"
        await #expect(throws: FlowsError.userInfoInvalid(reason: "")) {
            try await self.client(respond(wrongAudience)).fetch(accessToken: "a", subject: "alice")
        }
        let stranger = try SigningKey.generate(.ec(.p256), keyID: "stranger")
        await #expect(throws: JOSEError.self) {
            try await self.client(respond(good, key: stranger)).fetch(accessToken: "a", subject: "alice")
        }
    }

    @Test("sub, and a signed response's iss and aud, must match code point for code point (§5.3.4: exactly)")
    func lookalikes() async throws {
        // "\u{212A}" (Kelvin sign) == "K" for Swift's String ==, but it is another identifier.
        let json = RecordingTransport { _, _ in RecordingTransport.json(["sub": "\u{212A}im"]) }
        await #expect(throws: FlowsError.userInfoInvalid(reason: "")) {
            try await self.client(json).fetch(accessToken: "a", subject: "Kim")
        }
        func signed(_ claims: JSONObject) -> RecordingTransport {
            let token = try! JWSSigner(key: F.rsa).sign(claims: claims)
            return RecordingTransport { _, _ in
                (HTTPResponse(status: .ok, headerFields: [.contentType: "application/jwt"]), Array(token.utf8))
            }
        }
        let client = UserInfoClient(
            endpoint: "https://op.example.com/userinfo", transport: signed(["sub": "alice"]), keys: try F.keys(),
            issuer: "https://op.example.com/K", clientID: "app-K")
        let good: JSONObject = ["sub": "alice", "iss": "https://op.example.com/K", "aud": "app-K"]
        var fetcher = client
        fetcher.transport = signed(good)
        #expect(try await fetcher.fetch(accessToken: "a", subject: "alice")["sub"] == "alice")
        for (name, value) in [("iss", "https://op.example.com/\u{212A}"), ("aud", "app-\u{212A}")] {
            var claims = good
            claims[name] = .string(value)
            fetcher.transport = signed(claims)
            await #expect(throws: FlowsError.userInfoInvalid(reason: ""), "\(name)") {
                try await fetcher.fetch(accessToken: "a", subject: "alice")
            }
        }
    }

    @Test("an error answer is typed")
    func error() async throws {
        let transport = RecordingTransport { _, _ in RecordingTransport.json(["error": "invalid_token"], status: .unauthorized) }
        do {
            _ = try await self.client(transport).fetch(accessToken: "a", subject: "alice")
            Issue.record("accepted an error")
        } catch let error as FlowsError {
            #expect(error.oauthError == "invalid_token")
        }
    }
}
