// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import OIDCTestProvider
import Testing
import Transport

@Suite struct AuthorizationEndpointTests {
    @Test("an unregistered redirect_uri gets a 400 page, never a redirect")
    func unregisteredRedirectURI() async throws {
        try await TestRelyingParty.run { rp in
            let attacker = "http://127.0.0.1:9/callback/../evil"
            for redirectURI in [
                attacker, Fixtures.redirectURI + "/", "http://127.0.0.1:9/CALLBACK", Fixtures.redirectURI + "?x=1",
            ] {
                let session = try rp.makeSession(client: Fixtures.postClient, redirectURI: redirectURI)
                let url = rp.authorizationURL(session)
                let (response, body) = try await rp.get(url)
                #expect(response.status == .badRequest)
                #expect(response.headerFields[.location] == nil)
                #expect(String(decoding: body, as: UTF8.self).contains("redirect_uri is not registered"))
                await #expect(throws: OIDCTestProviderError.authorizationRefused(reason: "")) {
                    _ = try await rp.provider.authorize(url: url)
                }
            }
            // A redirect URI registered for another client does not count either.
            let session = try rp.makeSession(client: Fixtures.postClient, redirectURI: Fixtures.otherRedirectURI)
            #expect(try await rp.get(rp.authorizationURL(session)).0.status == .badRequest)
        }
    }

    @Test("a missing or unknown client_id, a missing redirect_uri or a repeated parameter get a 400 page")
    func refusedWithoutRedirect() async throws {
        try await TestRelyingParty.run { rp in
            let session = try rp.makeSession(client: Fixtures.basicClient)
            let urls = [
                rp.authorizationURL(session, overrides: [("client_id", nil)]),
                rp.authorizationURL(session, overrides: [("client_id", "nobody")]),
                rp.authorizationURL(session, overrides: [("redirect_uri", nil)]),
                rp.authorizationURL(session) + "&state=second",
                rp.authorizationURL(session) + "&bad=%zz",
            ]
            for url in urls {
                let (response, _) = try await rp.get(url)
                #expect(response.status == .badRequest)
                #expect(response.headerFields[.location] == nil)
                await #expect(throws: OIDCTestProviderError.authorizationRefused(reason: "")) {
                    _ = try await rp.provider.authorize(url: url)
                }
            }
        }
    }

    @Test("errors after the redirect URI is trusted come back as OAuth error responses with state and iss")
    func errorRedirects() async throws {
        try await TestRelyingParty.run { rp in
            let session = try rp.makeSession(client: Fixtures.basicClient)
            let cases: [(overrides: [(String, String?)], responseType: String, mode: String?, error: String)] = [
                ([("code_challenge", nil)], "code", nil, "invalid_request"),
                ([("code_challenge_method", "plain")], "code", nil, "invalid_request"),
                ([("code_challenge_method", nil)], "code", nil, "invalid_request"),
                ([("code_challenge", "too-short")], "code", nil, "invalid_request"),
                ([("nonce", nil)], "code id_token", nil, "invalid_request"),
                ([], "code id_token", "query", "invalid_request"),
                ([], "token", nil, "unsupported_response_type"),
                ([], "code", "web_message", "invalid_request"),
                ([("scope", "profile")], "code", nil, "invalid_scope"),
                ([("request", "eyJ")], "code", nil, "request_not_supported"),
            ]
            for item in cases {
                let url = rp.authorizationURL(
                    session, responseType: item.responseType, responseMode: item.mode, overrides: item.overrides)
                let landing = try await rp.provider.authorize(url: url)
                #expect(landing["error"] == item.error, "\(item.overrides) \(item.responseType)")
                #expect(landing["error_description"] != nil)
                #expect(landing["code"] == nil)
                #expect(landing["state"] == session.state)
                #expect(landing["iss"] == rp.provider.issuer)
            }
            // The hybrid query-mode error goes back in the fragment, never the query.
            let hybridInQuery = try await rp.provider.authorize(
                url: rp.authorizationURL(session, responseType: "code id_token", responseMode: "query"))
            #expect(hybridInQuery.url.hasPrefix(Fixtures.redirectURI + "#"))
        }
    }

    @Test("the headless user agent only accepts this provider's authorization endpoint")
    func authorizeHelperChecksTheURL() async throws {
        try await TestRelyingParty.run { rp in
            let session = try rp.makeSession(client: Fixtures.basicClient)
            let url = rp.authorizationURL(session)
            let query = String(url[try #require(url.firstIndex(of: "?"))...])
            for wrong in [
                "http://127.0.0.2:\(rp.provider.port)/authorize" + query, rp.provider.issuer + "/token" + query,
                "https://127.0.0.1:\(rp.provider.port)/authorize" + query, url + String(repeating: "x", count: 9000),
            ] {
                await #expect(throws: OIDCTestProviderError.invalidURL(reason: "")) {
                    _ = try await rp.provider.authorize(url: wrong)
                }
            }
            #expect(try await rp.provider.authorize(url: url + "#ignored")["code"] != nil)
        }
    }
}
