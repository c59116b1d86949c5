// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import JOSE
import PKCE
import Testing

/// Every ID token check, each with a failing case (OIDC Core §3.1.3.7, §3.3.2.12, §3.3.3.7, §12.2).
@Suite struct IDTokenValidatorTests {
    typealias F = TokenFactory

    func validate(_ token: String, _ expectations: IDTokenExpectations = IDTokenExpectations(nonce: "n-0S6_WzA2Mj"), now: Double = F.now)
        async throws -> IDToken
    {
        try await F.validator(now: now).validate(token, expectations: expectations)
    }

    func expectFailure(_ token: String, _ expectations: IDTokenExpectations = IDTokenExpectations(nonce: "n-0S6_WzA2Mj"), reason: String,
        now: Double = F.now, sourceLocation: SourceLocation = #_sourceLocation) async
    {
        do {
            _ = try await self.validate(token, expectations, now: now)
            Issue.record("accepted a token that should fail with \(reason)", sourceLocation: sourceLocation)
        } catch let error as FlowsError {
            #expect(error.reason.contains(reason), "\(error.reason)", sourceLocation: sourceLocation)
        } catch let error as JOSEError {
            #expect(error.reason.contains(reason), "\(error.reason)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a valid token passes and exposes its claims")
    func valid() async throws {
        let token = try await self.validate(try F.idToken())
        #expect(token.subject == "alice")
        #expect(token.issuer == F.issuer)
        #expect(token.nonce == "n-0S6_WzA2Mj")
    }

    @Test("iss, aud, azp, sub and time claims are checked")
    func standardClaims() async throws {
        await self.expectFailure(try F.idToken(["iss": "https://evil.example"]), reason: "iss \"https://evil.example\"")
        await self.expectFailure(try F.idToken(["aud": "other-app"]), reason: "does not contain \"merchant-app\"")
        await self.expectFailure(try F.idToken(["aud": [.string(F.clientID), "other-app"]]), reason: "untrusted audience \"other-app\"")
        await self.expectFailure(try F.idToken(["azp": "other-app"]), reason: "azp")
        await self.expectFailure(try F.idToken(["sub": .null]), reason: "no sub")
        await self.expectFailure(try F.idToken(["exp": .number(F.now - 133)]), reason: "token expired 133 s ago")
        await self.expectFailure(try F.idToken(["iat": .null]), reason: "required claim \"iat\" is missing")
        await self.expectFailure(try F.idToken(["iat": .number(F.now + 600)]), reason: "in the future")
        await self.expectFailure(try F.idToken(["nbf": .number(F.now + 600)]), reason: "not valid for another")
        // Two audiences are fine when the other is trusted and azp names the client.
        var validator = try F.validator()
        validator.trustedAudiences = ["api"]
        let both = try F.idToken(["aud": [.string(F.clientID), "api"], "azp": .string(F.clientID)])
        _ = try await validator.validate(both, expectations: IDTokenExpectations(nonce: "n-0S6_WzA2Mj"))
        let noAZP = try F.idToken(["aud": [.string(F.clientID), "api"]])
        await #expect(throws: FlowsError.idTokenInvalid(reason: "")) {
            try await validator.validate(noAZP, expectations: IDTokenExpectations(nonce: "n-0S6_WzA2Mj"))
        }
    }

    @Test("nonce must be present and equal")
    func nonce() async throws {
        await self.expectFailure(try F.idToken(["nonce": .null]), reason: "nonce missing")
        await self.expectFailure(try F.idToken(["nonce": "other"]), reason: "nonce mismatch")
    }

    @Test("c_hash is required and checked in the hybrid flow, with the token's own hash")
    func codeHash() async throws {
        let code = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"
        let expectations = IDTokenExpectations(nonce: "n-0S6_WzA2Mj", code: code, requireCodeHash: true)
        _ = try await self.validate(try F.idToken(["c_hash": F.hash(code)]), expectations)
        await self.expectFailure(try F.idToken(["c_hash": F.hash(code + "x")]), expectations, reason: "c_hash mismatch")
        await self.expectFailure(try F.idToken(), expectations, reason: "c_hash missing")
        await self.expectFailure(try F.idToken(["c_hash": .null]), expectations, reason: "c_hash missing")
        // EdDSA (Ed25519) uses SHA-512: a SHA-256 c_hash is a mismatch.
        let ed = try F.idToken(["c_hash": F.hash(code, .edDSA)], key: F.ed)
        _ = try await self.validate(ed, expectations)
        await self.expectFailure(try F.idToken(["c_hash": F.hash(code, .rs256)], key: F.ed), expectations, reason: "c_hash mismatch")
    }

    @Test("at_hash is checked when present and required when asked")
    func accessTokenHash() async throws {
        let accessToken = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
        let optional = IDTokenExpectations(nonce: "n-0S6_WzA2Mj", accessToken: accessToken)
        _ = try await self.validate(try F.idToken(), optional)
        _ = try await self.validate(try F.idToken(["at_hash": F.hash(accessToken)]), optional)
        await self.expectFailure(try F.idToken(["at_hash": F.hash("other")]), optional, reason: "at_hash mismatch")
        var required = optional
        required.requireAccessTokenHash = true
        await self.expectFailure(try F.idToken(), required, reason: "at_hash missing")
    }

    @Test("auth_time with max_age, and acr when requested")
    func authTimeAndACR() async throws {
        var maxAge = IDTokenExpectations(nonce: "n-0S6_WzA2Mj", maxAge: 60)
        _ = try await self.validate(try F.idToken(), maxAge)
        await self.expectFailure(try F.idToken(["auth_time": .number(F.now - 500)]), maxAge, reason: "authentication is 500 s old, max_age is 60 s")
        await self.expectFailure(try F.idToken(["auth_time": .null]), maxAge, reason: "auth_time missing")
        maxAge.maxAge = nil
        maxAge.acrValues = ["urn:mace:incommon:iap:silver"]
        await self.expectFailure(try F.idToken(), maxAge, reason: "acr missing")
        await self.expectFailure(try F.idToken(["acr": "0"]), maxAge, reason: "acr \"0\"")
        _ = try await self.validate(try F.idToken(["acr": "urn:mace:incommon:iap:silver"]), maxAge)
    }

    @Test("an auth_time far in the past is a named failure, not a crash")
    func ancientAuthTime() async throws {
        let maxAge = IDTokenExpectations(nonce: "n-0S6_WzA2Mj", maxAge: 60)
        await self.expectFailure(try F.idToken(["auth_time": .number(-1e300)]), maxAge, reason: "max_age is 60 s")
    }

    @Test("the token endpoint's ID token must have the front channel's iss and sub")
    func sameSubject() async throws {
        let first = try await self.validate(try F.idToken())
        let expectations = IDTokenExpectations(nonce: "n-0S6_WzA2Mj", previous: first)
        _ = try await self.validate(try F.idToken(), expectations)
        await self.expectFailure(try F.idToken(["sub": "mallory"]), expectations, reason: "sub \"mallory\" differs")
    }

    @Test("a refreshed ID token keeps sub, aud, azp, auth_time and (if any) nonce (§12.2)")
    func refreshRules() async throws {
        let original = try await self.validate(try F.idToken())
        let refresh = IDTokenExpectations(previous: original, isRefresh: true)
        _ = try await self.validate(try F.idToken(["nonce": .null]), refresh)
        _ = try await self.validate(try F.idToken(), refresh)
        await self.expectFailure(try F.idToken(["nonce": "other"]), refresh, reason: "nonce of the refreshed")
        await self.expectFailure(try F.idToken(["auth_time": .number(F.now)]), refresh, reason: "auth_time of the refreshed")
        await self.expectFailure(try F.idToken(["sub": "bob"]), refresh, reason: "sub \"bob\" differs")
        await self.expectFailure(try F.idToken(["azp": .string(F.clientID)]), refresh, reason: "azp of the refreshed")
    }

    @Test("signature: unknown kid, HMAC alg, alg none, tampered token")
    func signature() async throws {
        let stranger = try SigningKey.generate(.ec(.p256), keyID: "unknown")
        await #expect(throws: JOSEError.keyNotFound(reason: "")) { try await self.validate(try F.idToken(key: stranger)) }
        let hmac = try SigningKey(hmacSecret: Array(repeating: 7, count: 32), keyID: "rsa-1")
        await #expect(throws: JOSEError.self) { try await self.validate(try F.idToken(key: hmac)) }
        let parts = try F.idToken().split(separator: ".")
        let none = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + parts[1] + "."
        await #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) { try await self.validate(none) }
        let forgedPayload = Base64URL.encode(F.claims(["sub": "mallory"]).serialized())
        await #expect(throws: JOSEError.invalidSignature(reason: "")) {
            try await self.validate("\(parts[0]).\(forgedPayload).\(parts[2])")
        }
    }

    @Test("a wrong local clock is corrected by the learned offset")
    func clockOffset() async throws {
        let token = try F.idToken()
        // The local clock is 2 hours behind: iat lies in the future.
        await self.expectFailure(token, reason: "in the future", now: F.now - 7200)
        var validator = try F.validator(now: F.now - 7200)
        validator.clockOffset = 7200
        _ = try await validator.validate(token, expectations: IDTokenExpectations(nonce: "n-0S6_WzA2Mj"))
        #expect(ClockOffset.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(ClockOffset.parse("Thu, 01 Jan 2026 00:00:00 GMT") == 1_767_225_600)
        #expect(ClockOffset.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
    }
}
