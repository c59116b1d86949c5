// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import JOSE
import PKCE
import Testing

/// Identifiers (`iss`, `aud`, `azp`, `sub`, the RFC 9207 `iss` parameter) are compared code point for code
/// point (RFC 7519 §2, RFC 9207 §2.4). Swift's `==` applies Unicode canonical equivalence, under which the
/// Kelvin sign U+212A equals "K": two audiences, or two issuers, that differ must never pass for one.
@Suite struct IdentifierComparisonTests {
    typealias F = TokenFactory

    /// A client whose id holds a "K", so that a look-alike with the Kelvin sign exists.
    static let clientID = "app-K"
    static let lookalike = "app-\u{212A}"

    func validator() throws -> IDTokenValidator {
        IDTokenValidator(issuer: F.issuer, clientID: Self.clientID, keys: try F.keys(), now: { F.now })
    }

    func expectInvalid(
        _ changes: JSONObject, _ expectations: IDTokenExpectations = IDTokenExpectations(), reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let token = try F.idToken(changes)
        do {
            _ = try await self.validator().validate(token, expectations: expectations)
            Issue.record("a look-alike identifier was accepted", sourceLocation: sourceLocation)
        } catch let error as FlowsError {
            #expect(error.code == .idTokenInvalid, sourceLocation: sourceLocation)
            #expect(error.reason.contains(reason), "\(error.reason)", sourceLocation: sourceLocation)
        }
    }

    @Test("Swift's == calls the look-alikes equal; the validator must not")
    func premise() throws {
        #expect(Self.clientID == Self.lookalike)
        #expect(!Self.clientID.unicodeScalars.elementsEqual(Self.lookalike.unicodeScalars))
    }

    @Test("a second audience that only looks like the client is untrusted, and azp must be the client exactly")
    func audienceAndAuthorizedParty() async throws {
        _ = try await self.validator().validate(
            try F.idToken(["aud": .string(Self.clientID)]), expectations: IDTokenExpectations())
        try await self.expectInvalid(
            ["aud": .array([.string(Self.clientID), .string(Self.lookalike)]), "azp": .string(Self.clientID)],
            reason: "untrusted audience")
        try await self.expectInvalid(
            ["aud": .string(Self.clientID), "azp": .string(Self.lookalike)], reason: "azp")
    }

    @Test("the token endpoint's ID token must have the front channel's sub exactly")
    func subject() async throws {
        let first = try await self.validator().validate(
            try F.idToken(["aud": .string(Self.clientID), "sub": "K"]), expectations: IDTokenExpectations())
        let expectations = IDTokenExpectations(previous: first)
        _ = try await self.validator().validate(
            try F.idToken(["aud": .string(Self.clientID), "sub": "K"]), expectations: expectations)
        try await self.expectInvalid(
            ["aud": .string(Self.clientID), "sub": "\u{212A}"], expectations, reason: "differs from the first")
    }

    @Test("a trusted audience trusts only itself, not its look-alikes")
    func trustedAudience() async throws {
        var trusting = try self.validator()
        trusting.trustedAudiences = ["K"]
        let azp: JSONValue = .string(Self.clientID)
        _ = try await trusting.validate(
            try F.idToken(["aud": .array([.string(Self.clientID), "K"]), "azp": azp]),
            expectations: IDTokenExpectations())
        let lookalike = try F.idToken(["aud": .array([.string(Self.clientID), "\u{212A}"]), "azp": azp])
        let error = try await #require(throws: FlowsError.self) {
            try await trusting.validate(lookalike, expectations: IDTokenExpectations())
        }
        #expect(error.reason.contains("untrusted audience"), "\(error.reason)")
    }

    @Test("the iss parameter must be the session's issuer code point for code point (mix-up defence)")
    func issuerParameter() async throws {
        let issuer = "https://op.example.com/tenant-K"
        let session = AuthorizationSession(
            state: "state-123", nonce: "n-0S6_WzA2Mj", codeVerifier: try .init(), redirectURI: "https://a.example/cb",
            clientID: F.clientID, issuer: issuer, responseType: .code, responseMode: .query, maxAge: nil,
            acrValues: nil, createdAt: F.now - 10, expiresAt: F.now + 600)
        let validator = CallbackValidator(idTokens: try F.validator(), requireIssuerParameter: true)
        func response(iss: String) throws -> AuthorizationResponse {
            let query = FormEncoding.encode([("code", "c"), ("state", "state-123"), ("iss", iss)])
            return try AuthorizationResponse(redirectURL: "https://a.example/cb?" + query, mode: .query)
        }
        #expect(try await validator.validate(try response(iss: issuer), session: session).code == "c")
        let error = try await #require(throws: FlowsError.self) {
            try await validator.validate(try response(iss: "https://op.example.com/tenant-\u{212A}"), session: session)
        }
        #expect(error.code == .issuerParameterMismatch)
    }
}
