// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import JOSE
import PKCE
import Testing

/// The whole front channel is checked before anything is redeemed.
@Suite struct CallbackValidatorTests {
    typealias F = TokenFactory

    func session(expiresAt: Double = F.now + 600, type: ResponseType = .codeIDToken) throws -> AuthorizationSession {
        AuthorizationSession(
            state: "state-123", nonce: "n-0S6_WzA2Mj", codeVerifier: try .init(), redirectURI: "https://a.example/cb",
            clientID: F.clientID, issuer: F.issuer, responseType: type, responseMode: .fragment, maxAge: nil, acrValues: nil,
            createdAt: F.now - 10, expiresAt: expiresAt)
    }

    func validator(requireIss: Bool = false) throws -> CallbackValidator {
        CallbackValidator(idTokens: try F.validator(), requireIssuerParameter: requireIss)
    }

    func fragment(_ parameters: [(String, String)]) -> String {
        "https://a.example/cb#" + FormEncoding.encode(parameters)
    }

    func goodParameters(code: String = "the-code") throws -> [(String, String)] {
        [("code", code), ("state", "state-123"), ("iss", F.issuer), ("id_token", try F.idToken(["c_hash": F.hash(code)]))]
    }

    @Test("a good hybrid response passes, from a fragment and from a form body")
    func good() async throws {
        let parameters = try self.goodParameters()
        let fromURL = try AuthorizationResponse(redirectURL: self.fragment(parameters), mode: .fragment)
        let validated = try await self.validator(requireIss: true).validate(fromURL, session: try self.session())
        #expect(validated.code == "the-code")
        #expect(validated.idToken?.subject == "alice")
        let fromForm = try AuthorizationResponse(formBody: Array(FormEncoding.encode(parameters).utf8))
        _ = try await self.validator().validate(fromForm, session: try self.session())
    }

    @Test("each front-channel failure is named", arguments: [
        "error", "state missing", "state wrong", "iss wrong", "iss missing", "code missing", "id_token missing",
        "c_hash wrong", "expired",
    ])
    func failures(_ label: String) async throws {
        var parameters = try self.goodParameters()
        var session = try self.session()
        var requireIss = false
        let expected: FlowsError.Code
        func drop(_ name: String) { parameters.removeAll { $0.0 == name } }
        func set(_ name: String, _ value: String) {
            drop(name)
            parameters.append((name, value))
        }
        switch label {
        case "error":
            parameters = [("error", "access_denied"), ("error_description", "user said no"), ("state", "state-123")]
            expected = .authorizationFailed
        case "state missing": drop("state"); expected = .stateMismatch
        case "state wrong": set("state", "state-124"); expected = .stateMismatch
        case "iss wrong": set("iss", "https://evil.example"); expected = .issuerParameterMismatch
        case "iss missing": drop("iss"); requireIss = true; expected = .issuerParameterMismatch
        case "code missing": drop("code"); expected = .malformedCallback
        case "id_token missing": drop("id_token"); expected = .malformedCallback
        case "c_hash wrong": set("code", "another-code"); expected = .idTokenInvalid
        default: session = try self.session(expiresAt: F.now - 1); expected = .sessionExpired
        }
        let response = try AuthorizationResponse(redirectURL: self.fragment(parameters), mode: .fragment)
        do {
            _ = try await self.validator(requireIss: requireIss).validate(response, session: session)
            Issue.record("\(label) was accepted")
        } catch let error as FlowsError {
            #expect(error.code == expected, "\(label): \(error)")
            if label == "c_hash wrong" { #expect(error.reason == "c_hash mismatch") }
            if label == "error" { #expect(error.oauthError == "access_denied") }
        }
    }

    @Test("a session with an absurd or NaN expiry is expired, not a crash")
    func absurdSessionExpiry() async throws {
        let response = try AuthorizationResponse(redirectURL: self.fragment(try self.goodParameters()), mode: .fragment)
        for expiresAt in [-1e300, Double.nan] {
            await #expect(throws: FlowsError.sessionExpired(reason: "")) {
                try await self.validator().validate(response, session: try self.session(expiresAt: expiresAt))
            }
        }
    }

    @Test("text from the callback reaches the error reason without control characters and bounded in bytes")
    func untrustedTextInReasons() async throws {
        let escape = "\u{1B}]0;owned\u{07}\u{1B}[2J\r\n\u{202E}"
        let huge = "e" + String(repeating: "\u{301}", count: 10_000)  // one Character of 20 001 bytes
        let response = try AuthorizationResponse(parameters: [
            (name: "error", value: "access_denied" + escape), (name: "error_description", value: escape + huge),
        ])
        let error = try await #require(throws: FlowsError.self) {
            try await self.validator().validate(response, session: try self.session())
        }
        #expect(error.code == .authorizationFailed)
        #expect(!error.reason.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{202E}" })
        #expect(error.reason.utf8.count < 1_000, "\(error.reason.utf8.count) bytes")
        #expect(error.oauthError?.unicodeScalars.contains { $0.properties.generalCategory == .control } == false)
        let issuer = try AuthorizationResponse(parameters: [
            (name: "code", value: "c"), (name: "state", value: "state-123"), (name: "iss", value: "https://evil" + escape + huge),
        ])
        let mismatch = try await #require(throws: FlowsError.self) {
            try await self.validator().validate(issuer, session: try self.session(type: .code))
        }
        #expect(mismatch.code == .issuerParameterMismatch)
        #expect(!mismatch.reason.unicodeScalars.contains { $0.properties.generalCategory == .control })
        #expect(mismatch.reason.utf8.count < 1_000, "\(mismatch.reason.utf8.count) bytes")
    }

    @Test("repeated parameters, bad escapes and oversize callbacks are malformed")
    func malformed() {
        #expect(throws: FlowsError.malformedCallback(reason: "")) {
            try AuthorizationResponse(redirectURL: "https://a.example/cb?code=a&code=b&state=s", mode: .query)
        }
        #expect(throws: FlowsError.malformedCallback(reason: "")) {
            try AuthorizationResponse(redirectURL: "https://a.example/cb?code=%zz", mode: .query)
        }
        #expect(throws: FlowsError.malformedCallback(reason: "")) {
            try AuthorizationResponse(formBody: Array(("code=" + String(repeating: "a", count: 70_000)).utf8))
        }
        #expect(throws: FlowsError.malformedCallback(reason: "")) {
            try AuthorizationResponse(formBody: [0x63, 0x3D, 0xFF])
        }
    }

    @Test("parameters split at the '&', '=', '?' and '#' bytes, as WHATWG decoding does, whatever follows them")
    func byteLevelSplitting() throws {
        // U+0301 is a combining mark: "&\u{301}" is one Character, and not equal to "&".
        let pairs = try FormEncoding.decode("a=1&\u{301}b=2&c\u{301}=\u{301}3")
        #expect(pairs.map { Array($0.0.unicodeScalars) } == [["a"], ["\u{301}", "b"], ["c", "\u{301}"]])
        #expect(pairs.map { Array($0.1.unicodeScalars) } == [["1"], ["2"], ["\u{301}", "3"]])
        let fragment = try AuthorizationResponse(redirectURL: "https://a.example/cb#\u{301}x=1&code=c", mode: .fragment)
        #expect(fragment.code == "c")
        let query = try AuthorizationResponse(redirectURL: "https://a.example/cb?\u{301}x=1&code=c", mode: .query)
        #expect(query.code == "c")
    }

    @Test("an error in the query of a fragment-mode callback is still reported")
    func errorInQuery() throws {
        let response = try AuthorizationResponse(redirectURL: "https://a.example/cb?error=invalid_request&state=s", mode: .fragment)
        #expect(response.error == "invalid_request")
    }
}
