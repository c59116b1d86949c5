// SPDX-License-Identifier: Apache-2.0
import Discovery
import JOSE
import Testing

/// Parsing and validating provider metadata, without any network.
@Suite struct ProviderMetadataTests {
    static func parse(_ object: JSONObject) throws -> ProviderMetadata {
        try ProviderMetadata(json: object.serialized())
    }

    @Test("every registered member is typed, unknown members are kept, and the document round-trips")
    func typedMembers() throws {
        let document = Fixtures.metadata(extra: [
            "registration_endpoint": "https://op.example.com/register",
            "revocation_endpoint": "https://op.example.com/revoke",
            "introspection_endpoint": "https://op.example.com/introspect",
            "end_session_endpoint": "https://op.example.com/logout",
            "pushed_authorization_request_endpoint": "https://op.example.com/par",
            "mtls_endpoint_aliases": ["token_endpoint": "https://mtls.op.example.com/token"],
            "scopes_supported": ["openid", "profile"],
            "response_modes_supported": ["query", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["PS256"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "authorization_response_iss_parameter_supported": true,
            "request_parameter_supported": false,
            "require_pushed_authorization_requests": true,
            "x-vendor-feature": ["nested": 1],
        ])
        let metadata = try Self.parse(document)
        #expect(metadata.issuer == Fixtures.issuer)
        #expect(metadata.authorizationEndpoint == "https://op.example.com/authorize")
        #expect(metadata.tokenEndpoint == "https://op.example.com/token")
        #expect(metadata.jwksURI == "https://op.example.com/jwks")
        #expect(metadata.endSessionEndpoint == "https://op.example.com/logout")
        #expect(metadata.pushedAuthorizationRequestEndpoint == "https://op.example.com/par")
        #expect(metadata.mtlsEndpointAliases == ["token_endpoint": "https://mtls.op.example.com/token"])
        #expect(metadata.responseTypesSupported == ["code"])
        #expect(metadata.responseModesSupported == ["query", "form_post"])
        #expect(metadata.codeChallengeMethodsSupported == ["S256"])
        #expect(metadata.tokenEndpointAuthSigningAlgValuesSupported == ["PS256"])
        #expect(metadata.authorizationResponseIssParameterSupported)
        #expect(metadata.requestParameterSupported == false)
        #expect(metadata.requestURIParameterSupported == nil)
        #expect(metadata.requirePushedAuthorizationRequests == true)
        #expect(metadata.otherMembers.keys == ["x-vendor-feature"])
        #expect(metadata.idTokenSigningAlgorithms == [.es256, .rs256])
        // Every member survives a round trip through jsonObject.
        let reparsed = try ProviderMetadata(json: metadata.serialized())
        #expect(reparsed == metadata)
        #expect(Set(metadata.jsonObject.keys) == Set(document.keys))
        #expect(ProviderMetadata.registeredMemberNames.count > 60)
    }

    @Test("iss parameter support defaults to false; null members count as absent")
    func defaults() throws {
        let metadata = try Self.parse(
            Fixtures.metadata(extra: ["end_session_endpoint": .null, "scopes_supported": .null]))
        #expect(!metadata.authorizationResponseIssParameterSupported)
        #expect(metadata.endSessionEndpoint == nil)
        #expect(metadata.scopesSupported == nil)
        #expect(metadata.jsonObject["end_session_endpoint"] == nil)
    }

    @Test(
        "a member of the wrong type is named",
        arguments: [
            ("issuer", .number(1)), ("token_endpoint", ["https://x"]), ("scopes_supported", "openid"),
            ("claims_supported", [1, 2]), ("request_parameter_supported", "true"),
            ("authorization_response_iss_parameter_supported", 1), ("mtls_endpoint_aliases", ["a": 1]),
            ("response_types_supported", "code"),
        ] as [(String, JSONValue)])
    func wrongType(name: String, value: JSONValue) throws {
        var document = Fixtures.metadata()
        document[name] = value
        let error = try #require(throws: DiscoveryError.self) { try Self.parse(document) }
        #expect(error.code == .invalidField)
        #expect(error.reason.contains("\"\(name)"), "\(error)")
    }

    @Test("issuer and response_types_supported are required to parse at all")
    func parseRequired() throws {
        for name in ["issuer", "response_types_supported"] {
            var document = Fixtures.metadata()
            document[name] = nil
            let error = try #require(throws: DiscoveryError.self) { try Self.parse(document) }
            #expect(error.code == .missingField)
            #expect(error.reason == "\"\(name)\" is missing")
        }
    }

    @Test("a body that is not a JSON object, or is too large, is an invalid document")
    func invalidDocument() throws {
        for body in ["[]", "{\"issuer\": ", "{\"issuer\":\"a\",\"issuer\":\"b\"}", "<html>"] {
            #expect(throws: DiscoveryError.invalidDocument(reason: "")) { try ProviderMetadata(json: Array(body.utf8)) }
        }
        let huge = Fixtures.metadata(extra: ["padding": .string(String(repeating: "x", count: 1 << 20))])
        let error = try #require(throws: DiscoveryError.self) { try Self.parse(huge) }
        #expect(error.code == .invalidDocument)
        #expect(error.reason.contains("exceeds"))
    }

    @Test("the issuer must equal the expected issuer exactly")
    func issuerMismatch() throws {
        let metadata = try Self.parse(Fixtures.metadata())
        #expect(try metadata.validated(expectedIssuer: Fixtures.issuer) == metadata)
        for expected in [
            "https://op.example.com/", "https://OP.example.com", "https://op.example.co", "https://evil.example",
        ] {
            let error = try #require(throws: DiscoveryError.self) { try metadata.validated(expectedIssuer: expected) }
            #expect(error.code == .issuerMismatch)
            #expect(error.reason == "\"issuer\" is \"https://op.example.com\" but \"\(expected)\" was expected")
        }
        // No Unicode normalization: é precomposed is not e + combining acute, although Swift's == says so.
        let composed = try Self.parse(Fixtures.metadata(issuer: "https://op.example.com/caf\u{E9}"))
        #expect("https://op.example.com/caf\u{E9}" == "https://op.example.com/cafe\u{301}")
        #expect(throws: DiscoveryError.issuerMismatch(reason: "")) {
            try composed.validated(expectedIssuer: "https://op.example.com/cafe\u{301}")
        }
    }

    @Test("http endpoints are rejected unless they are loopback and loopback is allowed")
    func insecureEndpoints() throws {
        let plain = try Self.parse(Fixtures.metadata(extra: ["token_endpoint": "http://op.example.com/token"]))
        let error = try #require(throws: DiscoveryError.self) { try plain.validated(expectedIssuer: Fixtures.issuer) }
        #expect(error.code == .insecureEndpoint)
        #expect(error.reason.contains("\"token_endpoint\" is \"http://op.example.com/token\""), "\(error)")

        let alias = try Self.parse(
            Fixtures.metadata(extra: ["mtls_endpoint_aliases": ["token_endpoint": "http://mtls.example/t"]]))
        #expect(throws: DiscoveryError.insecureEndpoint(reason: "")) {
            try alias.validated(expectedIssuer: Fixtures.issuer)
        }

        let insecureIssuer = try Self.parse(Fixtures.metadata(issuer: "http://op.example.com"))
        #expect(throws: DiscoveryError.insecureEndpoint(reason: "")) {
            try insecureIssuer.validated(expectedIssuer: "http://op.example.com")
        }
        for base in ["http://127.0.0.1:8080", "http://localhost:9000", "http://[::1]:8443", "http://127.1.2.3"] {
            let local = try Self.parse(Fixtures.metadata(issuer: base))
            #expect(try local.validated(expectedIssuer: base) == local)
            #expect(throws: DiscoveryError.insecureEndpoint(reason: "")) {
                try local.validated(expectedIssuer: base, allowInsecureLoopback: false)
            }
        }
        // Not loopback, whatever it looks like.
        for base in ["http://127.0.0.1.evil.example", "http://localhost.evil.example", "http://128.0.0.1"] {
            let remote = try Self.parse(Fixtures.metadata(issuer: base))
            #expect(throws: DiscoveryError.insecureEndpoint(reason: "")) { try remote.validated(expectedIssuer: base) }
        }
        // Human-readable pages are not endpoints.
        let policy = try Self.parse(Fixtures.metadata(extra: ["op_policy_uri": "http://op.example.com/policy"]))
        #expect(try policy.validated(expectedIssuer: Fixtures.issuer) == policy)
    }

    @Test("malformed URLs are named")
    func malformedURLs() throws {
        for (name, url) in [
            ("jwks_uri", "/jwks"), ("token_endpoint", "https://user@op.example.com/token"),
            ("authorization_endpoint", "https://op.example.com/a#frag"),
            ("userinfo_endpoint", "https://op.example.com:99999/u"),
            ("token_endpoint", "ftp://op.example.com/token"), ("jwks_uri", "https://op.example.com/a b"),
        ] {
            let metadata = try Self.parse(Fixtures.metadata(extra: [name: .string(url)]))
            let error = try #require(throws: DiscoveryError.self) {
                try metadata.validated(expectedIssuer: Fixtures.issuer)
            }
            #expect(error.code == .invalidField, "\(url)")
            #expect(error.reason.hasPrefix("\"\(name)\""), "\(error)")
        }
        let query = try Self.parse(Fixtures.metadata(issuer: "https://op.example.com?tenant=1"))
        #expect(throws: DiscoveryError.invalidField(reason: "")) {
            try query.validated(expectedIssuer: "https://op.example.com?tenant=1")
        }
    }

    @Test(
        "each field OpenID Connect requires is named when missing",
        arguments: ProviderMetadata.RequiredFields.openIDConnect.names.filter {
            $0 != "issuer" && $0 != "response_types_supported"
        })
    func missingRequired(name: String) throws {
        var document = Fixtures.metadata()
        document[name] = nil
        let metadata = try Self.parse(document)
        let error = try #require(throws: DiscoveryError.self) {
            try metadata.validated(expectedIssuer: Fixtures.issuer)
        }
        #expect(error.code == .missingField)
        #expect(error.reason == "\"\(name)\" is missing")
    }

    @Test("an RFC 8414 document without OIDC members passes with the authorization-server requirements")
    func authorizationServer() throws {
        var document = Fixtures.metadata()
        for name in ["id_token_signing_alg_values_supported", "subject_types_supported", "jwks_uri"] {
            document[name] = nil
        }
        let metadata = try Self.parse(document)
        #expect(throws: DiscoveryError.missingField(reason: "")) {
            try metadata.validated(expectedIssuer: Fixtures.issuer)
        }
        #expect(
            try metadata.validated(expectedIssuer: Fixtures.issuer, requiredFields: .authorizationServer) == metadata)
        #expect(metadata.idTokenSigningAlgorithms == nil)
    }

    @Test("advertised algorithms ignore none and unknown names")
    func advertisedAlgorithms() throws {
        let metadata = try Self.parse(
            Fixtures.metadata(extra: ["id_token_signing_alg_values_supported": ["none", "RS256", "XX999"]]))
        #expect(metadata.idTokenSigningAlgorithms == [.rs256])
    }
}
