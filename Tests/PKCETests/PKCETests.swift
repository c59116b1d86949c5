// SPDX-License-Identifier: Apache-2.0
import Foundation
import PKCE
import Testing

@Suite struct PKCETests {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    private static let base64url = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    @Test("RFC 7636 Appendix B: the S256 challenge of the example verifier")
    func appendixB() throws {
        // RFC 7636, Appendix B ("Example for the S256 code_challenge_method").
        let verifier = try PKCECodeVerifier(validating: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(verifier.challenge.value == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(verifier.challenge.method == .s256)
        #expect(verifier.challenge(method: .s256) == verifier.challenge)
        #expect(PKCEChallengeMethod.s256.rawValue == "S256")
    }

    @Test("generated verifiers are 43 to 128 unreserved characters", arguments: [32, 33, 34, 35, 48, 64, 95, 96])
    func generatedLengths(byteCount: Int) throws {
        let verifier = try PKCECodeVerifier(byteCount: byteCount)
        #expect(verifier.value.count == (byteCount * 4 + 2) / 3)
        #expect((43...128).contains(verifier.value.count))
        #expect(verifier.value.allSatisfy { Self.unreserved.contains($0) })
        #expect(try PKCECodeVerifier(validating: verifier.value) == verifier)
    }

    @Test("the default verifier is 43 characters and verifiers are unique")
    func defaultAndUnique() throws {
        let verifiers = try (0..<200).map { _ in try PKCECodeVerifier() }
        #expect(verifiers.allSatisfy { $0.value.count == 43 })
        #expect(Set(verifiers.map(\.value)).count == verifiers.count)
        #expect(try PKCECodeVerifier(byteCount: 96).value.count == 128)
        // Challenges are unpadded base64url of 32 bytes.
        #expect(
            verifiers.allSatisfy {
                $0.challenge.value.count == 43 && $0.challenge.value.allSatisfy(Self.base64url.contains)
            })
    }

    @Test("a byte count outside 32...96 throws invalidLength", arguments: [-1, 0, 16, 31, 97, 128, 1 << 20])
    func byteCountOutOfRange(byteCount: Int) {
        #expect(throws: PKCEError.invalidLength(reason: "")) { try PKCECodeVerifier(byteCount: byteCount) }
    }

    @Test("validation accepts exactly 43 to 128 characters")
    func validationLengths() throws {
        #expect(throws: PKCEError.invalidVerifier(reason: "")) {
            try PKCECodeVerifier(validating: String(repeating: "a", count: 42))
        }
        #expect(throws: PKCEError.invalidVerifier(reason: "")) {
            try PKCECodeVerifier(validating: String(repeating: "a", count: 129))
        }
        #expect(throws: PKCEError.invalidVerifier(reason: "")) { try PKCECodeVerifier(validating: "") }
        #expect(try PKCECodeVerifier(validating: String(repeating: "a", count: 43)).value.count == 43)
        #expect(try PKCECodeVerifier(validating: String(repeating: "~", count: 128)).value.count == 128)
        #expect(throws: Never.self) {
            try PKCECodeVerifier(validating: "AZaz09-._~" + String(repeating: "x", count: 33))
        }
    }

    @Test(
        "validation rejects characters outside [A-Za-z0-9-._~]",
        arguments: ["+", "/", "=", " ", "%", "é", "\n", "\u{0}", "!", "*", "'", "(", "\"", "😀", "\u{7F}"])
    func validationCharacters(character: String) {
        let value = String(repeating: "a", count: 21) + character + String(repeating: "a", count: 21)
        let error = #expect(throws: PKCEError.invalidVerifier(reason: "")) { try PKCECodeVerifier(validating: value) }
        #expect(error.map { !"\($0)".contains(value) } == true, "the error must not echo the verifier")
    }

    @Test("description and debug description are redacted")
    func redacted() throws {
        let verifier = try PKCECodeVerifier()
        #expect(!verifier.description.contains(verifier.value))
        #expect(!"\(verifier)".contains(verifier.value))
        #expect(!String(reflecting: verifier).contains(verifier.value))
        #expect(verifier.description.contains("redacted"))
    }

    @Test("Codable round trip, and decoding an invalid stored verifier throws")
    func codable() throws {
        let verifier = try PKCECodeVerifier()
        let data = try JSONEncoder().encode(verifier)
        #expect(String(decoding: data, as: UTF8.self) == "\"\(verifier.value)\"")
        #expect(try JSONDecoder().decode(PKCECodeVerifier.self, from: data) == verifier)

        for stored in [
            "\"short\"", "\"\(String(repeating: "a", count: 42))+\"", "\"\(String(repeating: "a", count: 129))\"",
        ] {
            #expect(throws: PKCEError.invalidVerifier(reason: "")) {
                try JSONDecoder().decode(PKCECodeVerifier.self, from: Data(stored.utf8))
            }
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PKCECodeVerifier.self, from: Data("42".utf8)) }

        let challenge = verifier.challenge
        #expect(
            try JSONDecoder().decode(PKCECodeChallenge.self, from: try JSONEncoder().encode(challenge)) == challenge)
    }

    @Test("the plain method sends the verifier itself")
    func plain() throws {
        let verifier = try PKCECodeVerifier()
        let challenge = verifier.challenge(method: .plain)
        #expect(challenge.method == .plain)
        #expect(challenge.method.rawValue == "plain")
        #expect(challenge.value == verifier.value)
        #expect(verifier.challenge.value != verifier.value)
    }

    @Test("state and nonce are 43 URL-safe characters and unique")
    func stateAndNonce() throws {
        let states = try (0..<100).map { _ in try RandomString.makeState() }
        let nonces = try (0..<100).map { _ in try RandomString.makeNonce() }
        for value in states + nonces {
            #expect(value.count == 43)
            #expect(value.allSatisfy(Self.base64url.contains))
        }
        #expect(Set(states + nonces).count == 200)
    }

    @Test("RandomString.make accepts 16...512 bytes and refuses the rest")
    func randomStringLengths() throws {
        #expect(try RandomString.make(byteCount: 16).count == 22)
        #expect(try RandomString.make(byteCount: 512).count == 683)
        for count in [-1, 0, 15, 513] {
            #expect(throws: PKCEError.invalidLength(reason: "")) { try RandomString.make(byteCount: count) }
        }
    }

    @Test("errors compare by code and describe themselves")
    func errors() {
        #expect(PKCEError.invalidVerifier(reason: "a") == PKCEError.invalidVerifier(reason: "b"))
        #expect(PKCEError.invalidVerifier(reason: "a") != PKCEError.invalidLength(reason: "a"))
        #expect(PKCEError.randomFailure(reason: "x").description == "randomFailure: x")
    }
}
