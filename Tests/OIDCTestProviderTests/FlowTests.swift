// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import OIDCTestProvider
import Testing
import Transport

/// One combination of response type, response mode and client (auth method and ID token algorithm).
struct FlowCase: Sendable, CustomTestStringConvertible {
    let responseType: String
    let responseMode: String?
    let client: OIDCTestProvider.Client

    var testDescription: String {
        "\(self.responseType) / \(self.responseMode ?? "default mode") / \(self.client.authenticationMethod.rawValue)"
            + " / \(self.client.idTokenSigningAlgorithm)"
    }

    static let all: [FlowCase] = {
        let modes: [(String, String?)] = [
            ("code", nil), ("code", "query"), ("code", "fragment"), ("code", "form_post"),
            ("code id_token", nil), ("code id_token", "fragment"), ("code id_token", "form_post"),
        ]
        return modes.flatMap { mode in
            Fixtures.clients.map { FlowCase(responseType: mode.0, responseMode: mode.1, client: $0) }
        }
    }()
}

@Suite struct FlowTests {
    @Test("a full flow: authorize, redeem, userinfo, refresh, revoke", arguments: FlowCase.all)
    func fullFlow(_ flow: FlowCase) async throws {
        try await TestRelyingParty.run { rp in
            let isHybrid = flow.responseType == "code id_token"
            let result = try await rp.runFlow(
                client: flow.client, responseType: flow.responseType, responseMode: flow.responseMode)
            let session = result.session

            // Front channel: delivered the way the mode says, with state and iss (RFC 9207).
            let mode = flow.responseMode ?? (isHybrid ? "fragment" : "query")
            switch (mode, result.landing) {
            case ("form_post", .formPost(let url, _)): #expect(url == Fixtures.redirectURI)
            case ("fragment", .redirect(let url)): #expect(url.hasPrefix(Fixtures.redirectURI + "#"))
            case ("query", .redirect(let url)): #expect(url.hasPrefix(Fixtures.redirectURI + "?"))
            default: Issue.record("mode \(mode) delivered as \(result.landing)")
            }
            #expect(result.landing.parameters == result.parameters)
            #expect(result.parameters["state"] == session.state)
            #expect(result.parameters["iss"] == rp.provider.issuer)
            let code = try #require(result.code)
            if isHybrid {
                let front = try #require(result.frontChannelIDToken)
                #expect(
                    try await rp.failedChecks(
                        front, IDTokenExpectation(client: flow.client, nonce: session.nonce, code: code))
                        == [])
                #expect(try rp.claims(front)["at_hash"] == nil)
            } else {
                #expect(result.frontChannelIDToken == nil)
            }

            // Token endpoint.
            #expect(result.tokenStatus == .ok)
            #expect(result.tokenResponse?.headerFields[.cacheControl] == "no-store")
            #expect(result.tokenResponse?.headerFields[.date] != nil)
            #expect(result.tokens["token_type"] == "Bearer")
            #expect(result.tokens["expires_in"] == 300)
            let accessToken = try #require(result.accessToken)
            let idToken = try #require(result.idToken)
            #expect(
                try await rp.failedChecks(
                    idToken, IDTokenExpectation(client: flow.client, nonce: session.nonce, accessToken: accessToken))
                    == [])
            let authTime = try rp.claims(idToken)["auth_time"]
            if let front = result.frontChannelIDToken { #expect(try rp.claims(front)["auth_time"] == authTime) }

            // Userinfo.
            let (userInfoResponse, userInfo) = try await rp.userInfo(accessToken)
            #expect(userInfoResponse.status == .ok)
            #expect(userInfo?["sub"] == .string(OIDCTestProvider.User().subject))
            #expect(userInfo?["email"] == "test.user@example.com")

            // Refresh: new tokens, no nonce, the original auth_time and subject.
            let refreshToken = try #require(result.refreshToken)
            let refreshed = try await rp.refresh(client: flow.client, refreshToken)
            #expect(refreshed.status == .ok)
            let newRefreshToken = try #require(refreshed.json["refresh_token"]?.stringValue)
            let newAccessToken = try #require(refreshed.json["access_token"]?.stringValue)
            #expect(newRefreshToken != refreshToken && newAccessToken != accessToken)
            let refreshedIDToken = try #require(refreshed.json["id_token"]?.stringValue)
            #expect(
                try await rp.failedChecks(
                    refreshedIDToken, IDTokenExpectation(client: flow.client, nonce: nil, accessToken: newAccessToken))
                    == [])
            #expect(try rp.claims(refreshedIDToken)["auth_time"] == authTime)

            // Revocation ends the grant.
            #expect(try await rp.revoke(client: flow.client, newRefreshToken).status == .ok)
            #expect(try await rp.refresh(client: flow.client, newRefreshToken).json["error"] == "invalid_grant")
            #expect(try await rp.userInfo(newAccessToken).0.status == .unauthorized)
        }
    }

    @Test("over HTTP, /authorize answers 302 to the redirect URI with the parameters in the query")
    func authorizeOverHTTP() async throws {
        try await TestRelyingParty.run { rp in
            let session = try rp.makeSession(client: Fixtures.basicClient)
            let (response, _) = try await rp.get(rp.authorizationURL(session))
            #expect(response.status == .found)
            let location = try #require(response.headerFields[.location])
            #expect(location.hasPrefix(Fixtures.redirectURI + "?"))
            let parameters = Wire.redirectParameters(location)
            #expect(parameters["state"] == session.state)
            #expect(try await rp.redeem(session, code: try #require(parameters["code"])).status == .ok)
        }
    }

    @Test("over HTTP, form_post answers an auto-submitting page that posts the response to the redirect URI")
    func formPostPageOverHTTP() async throws {
        try await TestRelyingParty.run { rp in
            let session = try rp.makeSession(client: Fixtures.basicClient)
            let url = rp.authorizationURL(session, responseType: "code id_token", responseMode: "form_post")
            let (response, body) = try await rp.get(url)
            #expect(response.status == .ok)
            #expect(response.headerFields[.contentType] == "text/html; charset=utf-8")
            let page = String(decoding: body, as: UTF8.self)
            #expect(page.contains("<form method=\"post\" action=\"\(Fixtures.redirectURI)\">"))
            #expect(page.contains("onload=\"document.forms[0].submit()\""))
            var inputs: [String: String] = [:]
            for line in page.split(separator: "\n") where line.hasPrefix("<input type=\"hidden\"") {
                let parts = line.split(separator: "\"")
                inputs[String(parts[3])] = String(parts[5])
            }
            #expect(Set(inputs.keys) == ["code", "id_token", "state", "iss"])
            #expect(inputs["state"] == session.state)
            let code = try #require(inputs["code"])
            #expect(
                try await rp.failedChecks(
                    try #require(inputs["id_token"]),
                    IDTokenExpectation(client: Fixtures.basicClient, nonce: session.nonce, code: code)) == [])
            #expect(try await rp.redeem(session, code: code).status == .ok)
        }
    }

    @Test("authorization by POST with a form body works like GET")
    func authorizeByPOST() async throws {
        try await TestRelyingParty.run { rp in
            let session = try rp.makeSession(client: Fixtures.publicClient)
            let url = rp.authorizationURL(session)
            let query = String(url[url.index(after: try #require(url.firstIndex(of: "?")))...])
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            let request = try HTTPRequest(method: .post, url: rp.provider.authorizationEndpoint, headerFields: headers)
            let (response, _) = try await rp.http.send(request, body: Array(query.utf8), deadline: .now + .seconds(5))
            #expect(response.status == .found)
            let parameters = Wire.redirectParameters(try #require(response.headerFields[.location]))
            #expect(try await rp.redeem(session, code: try #require(parameters["code"])).status == .ok)
        }
    }
}
