// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import OIDCTestProvider
import PKCE
import Testing
import Transport

@Suite struct ClientAuthenticationTests {
    /// A fresh code for `client`, and the form that redeems it (without credentials).
    func redeemable(_ rp: TestRelyingParty, client: OIDCTestProvider.Client) async throws -> [(String, String)] {
        let flow = try await rp.runFlow(client: client, responseType: "code", responseMode: nil, redeem: false)
        return [
            ("grant_type", "authorization_code"), ("code", try #require(flow.code)),
            ("redirect_uri", Fixtures.redirectURI), ("code_verifier", flow.session.verifier.value),
        ]
    }

    @Test("client_secret_basic: a wrong secret is 401 with a Basic challenge")
    func basicWrongSecret() async throws {
        try await TestRelyingParty.run { rp in
            let form = try await self.redeemable(rp, client: Fixtures.basicClient)
            let wrong = "Basic " + Wire.base64("basic-client:" + Wire.percentEncode(Fixtures.secret + "x"))
            let (response, body) = try await rp.post(
                rp.provider.tokenEndpoint, form: form, headers: [.authorization: wrong])
            #expect(response.status == .unauthorized)
            #expect(response.headerFields[.wwwAuthenticate]?.hasPrefix("Basic realm=") == true)
            #expect(try rp.json(body)["error"] == "invalid_client")
            #expect(!String(decoding: body, as: UTF8.self).contains(Fixtures.secret))
            // Credentials not form-encoded before base64 do not match a secret with reserved characters.
            let raw = "Basic " + Wire.base64("basic-client:" + Fixtures.secret)
            #expect(
                try await rp.post(rp.provider.tokenEndpoint, form: form, headers: [.authorization: raw]).0.status
                    == .unauthorized)
            let (missing, _) = try await rp.post(
                rp.provider.tokenEndpoint, form: form + [("client_id", "basic-client")])
            #expect(missing.status == .unauthorized)
            #expect(try await rp.token(client: Fixtures.basicClient, form).status == .ok)
        }
    }

    @Test("client_secret_post: a wrong secret or the wrong method is invalid_client")
    func postErrors() async throws {
        try await TestRelyingParty.run { rp in
            let form = try await self.redeemable(rp, client: Fixtures.postClient)
            let (wrong, body) = try await rp.post(
                rp.provider.tokenEndpoint, form: form + [("client_id", "post-client"), ("client_secret", "nope")])
            #expect(wrong.status == .badRequest)
            #expect(try rp.json(body)["error"] == "invalid_client")
            let basic = "Basic " + Wire.base64("post-client:" + Wire.percentEncode(Fixtures.secret))
            let (viaBasic, _) = try await rp.post(
                rp.provider.tokenEndpoint, form: form, headers: [.authorization: basic])
            #expect(viaBasic.status == .unauthorized)
            let (both, bothBody) = try await rp.post(
                rp.provider.tokenEndpoint,
                form: form + [("client_id", "post-client"), ("client_secret", Fixtures.secret)],
                headers: [.authorization: basic])
            #expect(both.status == .badRequest)
            #expect(try rp.json(bothBody)["error"] == "invalid_request")
            #expect(try await rp.token(client: Fixtures.postClient, form).status == .ok)
        }
    }

    @Test("none: a public client cannot pass for a confidential one")
    func publicClient() async throws {
        try await TestRelyingParty.run { rp in
            let form = try await self.redeemable(rp, client: Fixtures.basicClient)
            let (response, _) = try await rp.post(
                rp.provider.tokenEndpoint, form: form + [("client_id", "basic-client")])
            #expect(response.status == .unauthorized)
            let publicForm = try await self.redeemable(rp, client: Fixtures.publicClient)
            let (ok, _) = try await rp.post(
                rp.provider.tokenEndpoint, form: publicForm + [("client_id", "public-client")])
            #expect(ok.status == .ok)
        }
    }

    @Test(
        "private_key_jwt: wrong key, wrong aud, reused jti, wrong iss/sub or expired assertions are invalid_client")
    func privateKeyJWT() async throws {
        try await TestRelyingParty.run { rp in
            let client = Fixtures.jwtClient
            let form = try await self.redeemable(rp, client: client)
            func attempt(_ credentials: [(String, String)]) async throws -> (HTTPResponse.Status, JSONObject) {
                let (response, body) = try await rp.post(rp.provider.tokenEndpoint, form: form + credentials)
                return (response.status, try rp.json(body))
            }
            func assertion(_ changes: JSONObject, key: SigningKey = Fixtures.clientKey) throws -> [(String, String)] {
                let now = WallClock.secondsSinceEpoch().rounded(.down)
                var claims: JSONObject = [
                    "iss": "jwt-client", "sub": "jwt-client", "aud": .string(rp.provider.tokenEndpoint),
                    "jti": .string(try RandomString.make(byteCount: 16)), "iat": .number(now), "exp": .number(now + 60),
                ]
                for member in changes { claims[member.key] = member.value }
                return [
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", try JWSSigner(key: key).sign(claims: claims)),
                ]
            }
            let now = WallClock.secondsSinceEpoch().rounded(.down)
            for bad in [
                try assertion([:], key: Fixtures.strangerKey), try assertion(["aud": "https://elsewhere.example"]),
                try assertion(["iss": "basic-client"]), try assertion(["sub": "someone"]),
                try assertion(["exp": .number(now - 120)]), try assertion(["exp": .number(now + 7200)]),
            ] {
                let (status, json) = try await attempt(bad)
                // 401 when the assertion names a client registered for Basic (iss = basic-client).
                #expect(status == .badRequest || status == .unauthorized)
                #expect(json["error"] == "invalid_client")
            }
            let (_, wrongType) = try await attempt([
                ("client_assertion", try assertion([:])[1].1), ("client_assertion_type", "jwt"),
            ])
            #expect(wrongType["error"] == "invalid_client")

            let good = try assertion(["aud": .string(rp.provider.issuer)])
            let (status, _) = try await attempt(good)
            #expect(status == .ok)
            let replayForm = try await self.redeemable(rp, client: client)
            let (replay, replayBody) = try await rp.post(rp.provider.tokenEndpoint, form: replayForm + good)
            #expect(replay.status == .badRequest)
            #expect(try rp.json(replayBody)["error"] == "invalid_client")
            // The token endpoint URL is an accepted audience too, and client_id is optional.
            #expect(
                try await rp.post(rp.provider.tokenEndpoint, form: replayForm + (try assertion([:]))).0.status == .ok)
        }
    }
}
