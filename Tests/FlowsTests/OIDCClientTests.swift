// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import HTTPTypes
import JOSE
import PKCE
import Testing

/// The composed client: what it checks beyond its parts.
@Suite struct OIDCClientTests {
    typealias F = TokenFactory

    func client(_ transport: RecordingTransport) throws -> OIDCClient {
        let metadata = try ProviderMetadata(jsonObject: [
            "issuer": .string(F.issuer), "authorization_endpoint": .string(F.issuer + "/authorize"),
            "token_endpoint": .string(F.issuer + "/token"), "jwks_uri": .string(F.issuer + "/jwks"),
            "response_types_supported": ["code", "code id_token"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        ])
        return OIDCClient(
            metadata: metadata, keys: try F.keys(), transport: transport,
            configuration: .init(
                clientID: F.clientID, authentication: .none(clientID: F.clientID), redirectURI: "https://a.example/cb"),
            now: { F.now })
    }

    @Test("a session made at another issuer or for another client is refused before its code is redeemed (RFC 9207)",
        arguments: [("https://attacker.example", F.clientID), (F.issuer, "other-app"), (F.issuer + "/", F.clientID)])
    func foreignSession(issuer: String, clientID: String) async throws {
        let transport = RecordingTransport { _, _ in RecordingTransport.json(["error": "invalid_grant"], status: .badRequest) }
        let session = AuthorizationSession(
            state: "state-123", nonce: "n-0S6_WzA2Mj", codeVerifier: try .init(), redirectURI: "https://a.example/cb",
            clientID: clientID, issuer: issuer, responseType: .code, responseMode: .query, maxAge: nil, acrValues: nil,
            createdAt: F.now - 10, expiresAt: F.now + 600)
        // The iss parameter is the session's: the callback alone looks consistent.
        let response = try AuthorizationResponse(parameters: [
            (name: "code", value: "code-from-\(issuer)"), (name: "state", value: "state-123"), (name: "iss", value: issuer),
        ])
        let error = try await #require(throws: FlowsError.self) {
            try await self.client(transport).completeAuthorization(response, session: session)
        }
        #expect(error.code == .invalidRequest, "\(error)")
        #expect(transport.requests.isEmpty, "the code went to \(F.issuer)'s token endpoint")
    }

    @Test("a discovered client accepts only the ID token algorithms the provider advertises")
    func advertisedAlgorithms() async throws {
        let transport = RecordingTransport { request, _ in
            switch request.path {
            case "/.well-known/openid-configuration":
                return RecordingTransport.json([
                    "issuer": .string(F.issuer), "authorization_endpoint": .string(F.issuer + "/authorize"),
                    "token_endpoint": .string(F.issuer + "/token"), "jwks_uri": .string(F.issuer + "/jwks"),
                    "response_types_supported": ["code"], "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["PS256"],
                ])
            default:
                return RecordingTransport.json(["keys": [.object(F.rsa.publicJWK.jsonObject)]])
            }
        }
        let client = try await OIDCClient.discover(
            issuer: F.issuer,
            configuration: .init(clientID: F.clientID, authentication: .none(clientID: F.clientID), redirectURI: "https://a.example/cb"),
            transport: transport)
        var validator = client.idTokenValidator()
        validator.now = { F.now }
        // The RSA key signs RS256 as well as PS256, but the provider only ever uses PS256.
        let rs256 = try F.idToken(algorithm: .rs256)
        await #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) {
            try await validator.validate(rs256, expectations: IDTokenExpectations(nonce: "n-0S6_WzA2Mj"))
        }
        _ = try await validator.validate(try F.idToken(algorithm: .ps256), expectations: IDTokenExpectations(nonce: "n-0S6_WzA2Mj"))
    }
}
