// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE
import Testing

@Suite struct JWTDecodeAndPKCECommandTests {
    @Test("decode prints header and claims without verifying, and warns")
    func decode() async throws {
        let key = try SigningKey.generate(.ed25519, keyID: "ed")
        let token = try JWSSigner(key: key).sign(claims: ["sub": "abc", "n": 5])
        let json = try await CommandRunner.run(["jwt", "decode", "--json", token])
        #expect(json.exitCode == 0)
        let output = try JSONParser().parseObject(Array(json.standardOutput.utf8))
        #expect(output["header"]?["alg"] == "EdDSA")
        #expect(output["claims"]?["sub"] == "abc")
        let human = try await CommandRunner.run(["jwt", "decode", "-"], standardInput: token)
        #expect(human.exitCode == 0)
        #expect(human.standardError.contains("NOT verified"))
        let broken = try await CommandRunner.run(["jwt", "decode", "abc.def"])
        #expect(broken.exitCode == 1)
        #expect(broken.standardError.hasPrefix("error: "))
    }

    @Test("pkce reproduces RFC 7636 Appendix B and generates fresh values")
    func pkce() async throws {
        // RFC 7636 Appendix B.
        let vector = try await CommandRunner.run(["pkce", "--json", "--verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"])
        #expect(vector.exitCode == 0)
        let output = try JSONParser().parseObject(Array(vector.standardOutput.utf8))
        #expect(output["code_challenge"] == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(output["code_challenge_method"] == "S256")
        let first = try await CommandRunner.run(["pkce", "--json"])
        let second = try await CommandRunner.run(["pkce", "--json", "--bytes", "96"])
        let a = try JSONParser().parseObject(Array(first.standardOutput.utf8))
        let b = try JSONParser().parseObject(Array(second.standardOutput.utf8))
        #expect(a["code_verifier"]?.stringValue?.count == 43)
        #expect(b["code_verifier"]?.stringValue?.count == 128)
        #expect(a["state"] != b["state"])
        #expect(a["nonce"] != a["state"])
        #expect(try await CommandRunner.run(["pkce", "--bytes", "8"]).exitCode == 2)
        #expect(try await CommandRunner.run(["pkce", "--verifier", "short"]).exitCode == 2)
        #expect(try await CommandRunner.run(["pkce", "--method", "S512"]).exitCode == 2)
    }
}
