// SPDX-License-Identifier: Apache-2.0
import Flows
import Foundation
import JOSE
import PKCE
import Testing

@Suite struct AuthorizationRequestTests {
    func parameters(_ url: String) throws -> [String: String] {
        let query = try #require(url.split(separator: "?", maxSplits: 1).last)
        return Dictionary(uniqueKeysWithValues: try FormEncoding.decode(query))
    }

    @Test("the hybrid request carries PKCE S256, state, nonce and MobilePay's extra parameter")
    func hybrid() throws {
        var request = AuthorizationRequest(clientID: "app", redirectURI: "https://shop.example/callback")
        request.scopes = ["openid", "invoice"]
        request.responseMode = .formPost
        request.extraParameters = [("merchant_vat", "DK12345678")]
        request.maxAge = 600
        let prepared = try request.prepare(authorizationEndpoint: "https://op.example/authorize", issuer: "https://op.example", now: 1000)
        let query = try self.parameters(prepared.url)
        #expect(prepared.url.hasPrefix("https://op.example/authorize?"))
        #expect(query["response_type"] == "code id_token")
        #expect(query["response_mode"] == "form_post")
        #expect(query["code_challenge_method"] == "S256")
        #expect(query["code_challenge"] == prepared.session.codeVerifier.challenge.value)
        #expect(query["state"] == prepared.session.state)
        #expect(query["nonce"] == prepared.session.nonce)
        #expect(query["merchant_vat"] == "DK12345678")
        #expect(query["max_age"] == "600")
        #expect(query["scope"] == "openid invoice")
        #expect(query["prompt"] == nil)
        #expect(query["code_verifier"] == nil)
        #expect(prepared.session.expiresAt == 1600)
        #expect(prepared.session.responseMode == .formPost)
    }

    @Test("offline_access adds prompt=consent (OIDC Core §11)")
    func offlineAccess() throws {
        let request = AuthorizationRequest(clientID: "app", redirectURI: "https://a.example/cb", scopes: ["openid", "offline_access"])
        let prepared = try request.prepare(authorizationEndpoint: "https://op.example/authorize?tenant=x", issuer: "https://op.example")
        let query = try self.parameters(prepared.url)
        #expect(query["prompt"] == "consent")
        #expect(query["tenant"] == "x")
    }

    @Test("query mode is refused when tokens come back in the front channel")
    func queryRefused() {
        var request = AuthorizationRequest(clientID: "app", redirectURI: "https://a.example/cb")
        request.responseMode = .query
        #expect(throws: FlowsError.invalidRequest(reason: "")) {
            try request.prepare(authorizationEndpoint: "https://op.example/a", issuer: "https://op.example")
        }
        var code = AuthorizationRequest(clientID: "app", redirectURI: "https://a.example/cb", responseType: .code)
        code.responseMode = .query
        #expect(throws: Never.self) { try code.prepare(authorizationEndpoint: "https://op.example/a", issuer: "https://op.example") }
    }

    @Test("invalid configurations are refused", arguments: [
        "no openid", "fragment in redirect", "reserved extra", "relative redirect",
    ])
    func invalid(_ label: String) {
        var request = AuthorizationRequest(clientID: "app", redirectURI: "https://a.example/cb")
        switch label {
        case "no openid": request.scopes = ["profile"]
        case "fragment in redirect": request.redirectURI = "https://a.example/cb#x"
        case "reserved extra": request.extraParameters = [("state", "fixed")]
        default: request.redirectURI = "/cb"
        }
        #expect(throws: FlowsError.invalidRequest(reason: "")) {
            try request.prepare(authorizationEndpoint: "https://op.example/a", issuer: "https://op.example")
        }
    }

    @Test("plain http redirect URIs only on loopback hosts (RFC 6749 §3.1.2.1, RFC 8252 §7.3)", arguments: [
        ("http://127.0.0.1:8080/cb", true), ("http://localhost/cb", true), ("http://[::1]:53123/cb", true),
        ("http://shop.example/cb", false), ("http://127.0.0.1@shop.example/cb", false), ("http://127.0.0.1.nip.io/cb", false),
        ("https://shop.example/cb", true),
    ])
    func httpRedirect(_ redirectURI: String, _ accepted: Bool) {
        let request = AuthorizationRequest(clientID: "app", redirectURI: redirectURI)
        let prepare = { try request.prepare(authorizationEndpoint: "https://op.example/a", issuer: "https://op.example") }
        if accepted {
            #expect(throws: Never.self) { _ = try prepare() }
        } else {
            #expect(throws: FlowsError.invalidRequest(reason: "")) { _ = try prepare() }
        }
    }

    @Test("request and request_uri cannot come in as extra parameters: they would replace state, nonce and PKCE",
        arguments: ["request", "request_uri"])
    func requestObjectExtras(_ name: String) {
        var request = AuthorizationRequest(clientID: "app", redirectURI: "https://a.example/cb")
        request.extraParameters = [(name, "eyJhbGciOiJub25lIn0.e30.")]
        #expect(throws: FlowsError.invalidRequest(reason: "")) {
            try request.prepare(authorizationEndpoint: "https://op.example/a", issuer: "https://op.example")
        }
    }

    @Test("each request gets fresh secrets; the session survives Codable and hides them")
    func session() throws {
        let request = AuthorizationRequest(clientID: "app", redirectURI: "https://a.example/cb")
        let first = try request.prepare(authorizationEndpoint: "https://op.example/a", issuer: "https://op.example")
        let second = try request.prepare(authorizationEndpoint: "https://op.example/a", issuer: "https://op.example")
        #expect(first.session.state != second.session.state)
        #expect(first.session.nonce != second.session.nonce)
        #expect(first.session.codeVerifier != second.session.codeVerifier)
        let data = try JSONEncoder().encode(first.session)
        #expect(try JSONDecoder().decode(AuthorizationSession.self, from: data) == first.session)
        let text = "\(first.session)"
        #expect(!text.contains(first.session.state) && !text.contains(first.session.nonce))
        #expect(!text.contains(first.session.codeVerifier.value))
    }
}
