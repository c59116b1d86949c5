// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import OIDCTestProvider
import PKCE
import Synchronization
import Testing
import Transport

@Suite struct TokenEndpointTests {
    @Test("PKCE: a wrong, malformed or missing code_verifier is refused; the right one still works")
    func pkceEnforced() async throws {
        try await TestRelyingParty.run { rp in
            let flow = try await rp.runFlow(responseType: "code", responseMode: nil, redeem: false)
            let code = try #require(flow.code)
            let wrong = try await rp.redeem(flow.session, code: code, verifier: try PKCECodeVerifier().value)
            #expect(wrong.status == .badRequest)
            #expect(wrong.json["error"] == "invalid_grant")
            #expect(wrong.response.headerFields[.cacheControl] == "no-store")
            #expect(try await rp.redeem(flow.session, code: code, verifier: "short").json["error"] == "invalid_grant")
            let missing = try await rp.token(
                client: Fixtures.basicClient,
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Fixtures.redirectURI)])
            #expect(missing.json["error"] == "invalid_request")
            #expect(try await rp.redeem(flow.session, code: code).status == .ok)
        }
    }

    @Test("a code is redeemed once; a second redemption fails and revokes what the first issued")
    func codeReuse() async throws {
        try await TestRelyingParty.run { rp in
            let flow = try await rp.runFlow()
            #expect(flow.tokenStatus == .ok)
            let accessToken = try #require(flow.accessToken)
            #expect(try await rp.userInfo(accessToken).0.status == .ok)
            let again = try await rp.redeem(flow.session, code: try #require(flow.code))
            #expect(again.status == .badRequest)
            #expect(again.json["error"] == "invalid_grant")
            #expect(try await rp.userInfo(accessToken).0.status == .unauthorized)
            #expect(
                try await rp.refresh(client: Fixtures.basicClient, try #require(flow.refreshToken)).json["error"]
                    == "invalid_grant")
        }
    }

    @Test("codes expire after five minutes")
    func codeExpiry() async throws {
        let clock = Mutex(WallClock.secondsSinceEpoch())
        try await TestRelyingParty.run(Fixtures.configuration(now: { clock.withLock { $0 } })) { rp in
            let flow = try await rp.runFlow(responseType: "code", responseMode: nil, redeem: false)
            clock.withLock { $0 += 301 }
            let late = try await rp.redeem(flow.session, code: try #require(flow.code))
            #expect(late.json["error"] == "invalid_grant")
        }
    }

    @Test("the redirect_uri must be exactly the authorization request's, and the code this client's")
    func codeBinding() async throws {
        try await TestRelyingParty.run { rp in
            let flow = try await rp.runFlow(responseType: "code", responseMode: nil, redeem: false)
            let code = try #require(flow.code)
            #expect(
                try await rp.redeem(flow.session, code: code, redirectURI: Fixtures.otherRedirectURI).json["error"]
                    == "invalid_grant")
            let stolen = try await rp.token(
                client: Fixtures.postClient,
                [
                    ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Fixtures.redirectURI),
                    ("code_verifier", flow.session.verifier.value),
                ])
            #expect(stolen.json["error"] == "invalid_grant")
            #expect(try await rp.redeem(flow.session, code: code).status == .ok)
        }
    }

    @Test("refresh tokens rotate: the old one is refused, and its reuse revokes the whole grant")
    func refreshRotation() async throws {
        try await TestRelyingParty.run { rp in
            let flow = try await rp.runFlow()
            let first = try #require(flow.refreshToken)
            let refreshed = try await rp.refresh(client: Fixtures.basicClient, first)
            #expect(refreshed.status == .ok)
            let second = try #require(refreshed.json["refresh_token"]?.stringValue)
            let reuse = try await rp.refresh(client: Fixtures.basicClient, first)
            #expect(reuse.status == .badRequest)
            #expect(reuse.json["error"] == "invalid_grant")
            #expect(try await rp.refresh(client: Fixtures.basicClient, second).json["error"] == "invalid_grant")
            let newAccess = try #require(refreshed.json["access_token"]?.stringValue)
            #expect(try await rp.userInfo(newAccess).0.status == .unauthorized)
        }
    }

    @Test("refresh tokens are bound to their client, and only issued with offline_access")
    func refreshBinding() async throws {
        try await TestRelyingParty.run { rp in
            let flow = try await rp.runFlow()
            let token = try #require(flow.refreshToken)
            #expect(try await rp.refresh(client: Fixtures.postClient, token).json["error"] == "invalid_grant")
            let narrower = try await rp.token(
                client: Fixtures.basicClient,
                [("grant_type", "refresh_token"), ("refresh_token", token), ("scope", "openid email-admin")])
            #expect(narrower.json["error"] == "invalid_scope")
            #expect(try await rp.refresh(client: Fixtures.basicClient, token).status == .ok)

            let session = try rp.makeSession(client: Fixtures.basicClient)
            let landing = try await rp.provider.authorize(url: rp.authorizationURL(session, scope: "openid profile"))
            let tokens = try await rp.redeem(session, code: try #require(landing["code"]))
            #expect(tokens.status == .ok)
            #expect(tokens.json["refresh_token"] == nil)
            #expect(tokens.json["scope"] == "openid profile")
        }
    }

    @Test("unsupported and missing grant types, and non-form bodies, are refused")
    func malformedRequests() async throws {
        try await TestRelyingParty.run { rp in
            #expect(
                try await rp.token(client: Fixtures.basicClient, [("grant_type", "password")]).json["error"]
                    == "unsupported_grant_type")
            #expect(try await rp.token(client: Fixtures.basicClient, []).json["error"] == "invalid_request")
            let request = try HTTPRequest(
                method: .post, url: rp.provider.tokenEndpoint, headerFields: [.contentType: "application/json"])
            let (response, body) = try await rp.http.send(request, body: Array("{}".utf8), deadline: .now + .seconds(5))
            #expect(response.status == .badRequest)
            #expect(try rp.json(body)["error"] == "invalid_request")
            let huge = [("grant_type", "authorization_code"), ("code", String(repeating: "a", count: 70_000))]
            let (hugeResponse, _) = try await rp.post(rp.provider.tokenEndpoint, form: huge)
            #expect(hugeResponse.status.code >= 400)
        }
    }

    @Test("revocation (RFC 7009): access tokens alone, refresh tokens with their grant, unknown tokens quietly")
    func revocation() async throws {
        try await TestRelyingParty.run { rp in
            let flow = try await rp.runFlow(client: Fixtures.postClient)
            let access = try #require(flow.accessToken)
            let refresh = try #require(flow.refreshToken)
            #expect(try await rp.revoke(client: Fixtures.postClient, access).status == .ok)
            #expect(try await rp.userInfo(access).0.status == .unauthorized)
            let refreshed = try await rp.refresh(client: Fixtures.postClient, refresh)
            #expect(refreshed.status == .ok)
            #expect(try await rp.revoke(client: Fixtures.postClient, "no-such-token").status == .ok)
            // Another client cannot revoke it.
            let newRefresh = try #require(refreshed.json["refresh_token"]?.stringValue)
            #expect(try await rp.revoke(client: Fixtures.basicClient, newRefresh).status == .ok)
            #expect(try await rp.refresh(client: Fixtures.postClient, newRefresh).status == .ok)
            // Revocation needs client authentication.
            let (unauthenticated, _) = try await rp.post(rp.provider.revocationEndpoint, form: [("token", access)])
            #expect(unauthenticated.status == .unauthorized)
        }
    }

    @Test("userinfo needs a live Bearer token")
    func userInfoErrors() async throws {
        try await TestRelyingParty.run { rp in
            let (none, _) = try await rp.get(rp.provider.userInfoEndpoint)
            #expect(none.status == .unauthorized)
            #expect(none.headerFields[.wwwAuthenticate] == "Bearer")
            let (unknown, body) = try await rp.userInfo("not-a-token")
            #expect(unknown.status == .unauthorized)
            #expect(unknown.headerFields[.wwwAuthenticate]?.hasPrefix("Bearer error=\"invalid_token\"") == true)
            #expect(body?["error"] == "invalid_token")
        }
    }
}
