// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import OIDCTestProvider
import Testing
import Transport

@Suite struct DiscoveryAndKeysTests {
    @Test("the discovery document names the issuer, every endpoint and what the provider supports")
    func discoveryDocument() async throws {
        try await TestRelyingParty.run { rp in
            let document = try await rp.discovery()
            let issuer = rp.provider.issuer
            #expect(issuer.hasPrefix("http://127.0.0.1:"))
            #expect(issuer == "http://127.0.0.1:\(rp.provider.port)")
            #expect(document["issuer"] == .string(issuer))
            #expect(document["authorization_endpoint"] == .string(issuer + "/authorize"))
            #expect(document["token_endpoint"] == .string(issuer + "/token"))
            #expect(document["userinfo_endpoint"] == .string(issuer + "/userinfo"))
            #expect(document["revocation_endpoint"] == .string(issuer + "/revoke"))
            #expect(document["jwks_uri"] == .string(issuer + "/jwks"))
            #expect(document["response_types_supported"] == ["code", "code id_token"])
            #expect(document["response_modes_supported"] == ["query", "fragment", "form_post"])
            #expect(document["code_challenge_methods_supported"] == ["S256"])
            #expect(document["grant_types_supported"] == ["authorization_code", "refresh_token"])
            #expect(document["subject_types_supported"] == ["public"])
            #expect(document["id_token_signing_alg_values_supported"] == ["RS256", "ES256"])
            #expect(
                document["token_endpoint_auth_methods_supported"]
                    == ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"])
            #expect(document["authorization_response_iss_parameter_supported"] == true)
            #expect(document["scopes_supported"]?.arrayValue?.contains("openid") == true)
        }
    }

    @Test("the JWKS publishes an RS256 and an ES256 public key with kid, use and alg, and nothing private")
    func jwks() async throws {
        try await TestRelyingParty.run { rp in
            let (response, body) = try await rp.get(rp.provider.jwksURI)
            #expect(response.headerFields[.contentType] == "application/json")
            let set = try JWKSet(jsonBytes: body)
            #expect(set.keys.map(\.algorithm) == [.rs256, .es256])
            #expect(set.keys.allSatisfy { $0.use == "sig" && $0.keyID != nil && !$0.isPrivate })
            #expect(!String(decoding: body, as: UTF8.self).contains("\"d\""))
            #expect(set.keys.map(\.keyType) == ["RSA", "EC"])
        }
    }

    @Test("rotateKeys publishes and signs with new keys; retireOldKeys unpublishes the old ones")
    func keyRotation() async throws {
        try await TestRelyingParty.run { rp in
            let before = try await rp.jwks().keys.compactMap(\.keyID)
            let first = try await rp.runFlow(client: Fixtures.basicClient)
            let firstKeyID = try CompactJWS(try #require(first.idToken)).header.keyID
            #expect(firstKeyID == before[0])

            try await rp.provider.rotateKeys()
            let during = try await rp.jwks().keys.compactMap(\.keyID)
            #expect(during.count == 4)
            #expect(Array(during.prefix(2)) == before)
            let second = try await rp.runFlow(client: Fixtures.es256Client)
            let secondKeyID = try CompactJWS(try #require(second.idToken)).header.keyID
            #expect(secondKeyID == during[3])  // the new ES256 key
            #expect(
                try await rp.failedChecks(
                    try #require(first.idToken),
                    IDTokenExpectation(client: first.session.client, nonce: first.session.nonce)) == [])

            await rp.provider.retireOldKeys()
            let after = try await rp.jwks().keys.compactMap(\.keyID)
            #expect(after == Array(during.suffix(2)))
            #expect(await rp.provider.publishedKeys.keys.compactMap(\.keyID) == after)
            // A token signed before the rotation no longer finds its key.
            #expect(
                try await rp.failedChecks(
                    try #require(first.idToken),
                    IDTokenExpectation(client: first.session.client, nonce: first.session.nonce)) == ["unpublished-key"]
            )
        }
    }

    @Test("responses carry a Date header; unknown paths are 404 and wrong methods 405")
    func httpBasics() async throws {
        try await TestRelyingParty.run { rp in
            let (response, _) = try await rp.get(rp.provider.issuer + "/nowhere")
            #expect(response.status == .notFound)
            let date = try #require(response.headerFields[.date])
            #expect(date.hasSuffix(" GMT") && date.utf8.count == 29)
            let (tokenByGET, _) = try await rp.get(rp.provider.tokenEndpoint)
            #expect(tokenByGET.status == .methodNotAllowed)
            #expect(tokenByGET.headerFields[.allow] == "POST")
        }
    }

    @Test("an invalid configuration is refused at start")
    func invalidConfiguration() async throws {
        let bad: [OIDCTestProvider.Client] = [
            .init(id: "no-secret", redirectURIs: [Fixtures.redirectURI], authenticationMethod: .clientSecretPost),
            .init(id: "no-key", redirectURIs: [Fixtures.redirectURI], authenticationMethod: .privateKeyJWT),
            .init(id: "private-key", redirectURIs: [Fixtures.redirectURI], publicKey: Fixtures.clientKey.privateJWK),
            .init(id: "no-redirect", secret: "x", redirectURIs: []),
            .init(id: "fragment", secret: "x", redirectURIs: ["http://127.0.0.1/cb#x"]),
            .init(id: "hs256", secret: "x", redirectURIs: [Fixtures.redirectURI], idTokenSigningAlgorithm: .hs256),
        ]
        for client in bad {
            await #expect(throws: OIDCTestProviderError.invalidConfiguration(reason: "")) {
                _ = try await OIDCTestProvider.start(
                    configuration: .init(clients: [client], signingKeys: Fixtures.providerKeys))
            }
        }
        await #expect(throws: OIDCTestProviderError.invalidConfiguration(reason: "")) {
            _ = try await OIDCTestProvider.start(
                configuration: .init(
                    clients: [Fixtures.basicClient, Fixtures.basicClient], signingKeys: Fixtures.providerKeys))
        }
    }
}
