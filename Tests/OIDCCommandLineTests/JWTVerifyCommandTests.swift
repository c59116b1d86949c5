// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE
import Testing

/// `oidc jwt verify` exactly as documented: exit 0/1/2, `error:` lines, `--json` output.
@Suite struct JWTVerifyCommandTests {
    static let now = 1_767_225_600.0
    static let rsaKey = try! SigningKey.generate(.rsa(bits: 2048), keyID: "rsa-1")
    static let ecKey = try! SigningKey.generate(.ec(.p256), keyID: "ec-1")

    static func claims(exp: Double = now + 300, extra: JSONObject = [:]) -> JSONObject {
        var claims: JSONObject = [
            "iss": "https://op.example.com", "sub": "merchant-4711", "aud": ["demo-client", "other"],
            "iat": .number(now - 10), "exp": .number(exp),
        ]
        for member in extra { claims[member.key] = member.value }
        return claims
    }

    static func token(_ key: SigningKey = rsaKey, algorithm: JWSAlgorithm? = nil, claims: JSONObject = claims())
        throws -> String
    {
        try JWSSigner(key: key, algorithm: algorithm).sign(claims: claims)
    }

    func jwksFile(_ directory: TemporaryDirectory, keys: [JWK] = [rsaKey.publicJWK, ecKey.publicJWK]) async throws -> String {
        try directory.write("jwks.json", JWKSet(keys: keys).jsonText)
    }

    func verify(_ extra: [String], token: String, jwks: String) async throws -> CommandRunner.Result {
        try await CommandRunner.run(["jwt", "verify", "--jwks", jwks, "--now", "\(Int(Self.now))"] + extra + [token])
    }

    @Test("a valid token exits 0 and --json prints header and claims")
    func valid() async throws {
        let directory = try TemporaryDirectory()
        let jwks = try await self.jwksFile(directory)
        let result = try await self.verify(
            ["--json", "--issuer", "https://op.example.com", "--audience", "demo-client"], token: try Self.token(),
            jwks: jwks)
        #expect(result.exitCode == 0, "\(result.standardError)")
        let output = try JSONParser().parseObject(Array(result.standardOutput.utf8))
        #expect(output.keys == ["header", "claims"])
        #expect(output["header"]?["kid"] == "rsa-1")
        #expect(output["header"]?["alg"] == "RS256")
        #expect(output["claims"]?["sub"] == "merchant-4711")
        #expect(result.standardError.isEmpty)
    }

    @Test("the token can come from standard input, and ES256 works")
    func standardInput() async throws {
        let directory = try TemporaryDirectory()
        let result = try await CommandRunner.run(
            ["jwt", "verify", "--jwks", try await self.jwksFile(directory), "--now", "\(Int(Self.now))", "-"],
            standardInput: try Self.token(Self.ecKey) + "\n")
        #expect(result.exitCode == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("valid: ES256 signature by kid \"ec-1\""))
    }

    @Test("an expired token exits 1 naming the check")
    func expired() async throws {
        let directory = try TemporaryDirectory()
        let token = try Self.token(claims: Self.claims(exp: Self.now - 133))
        let result = try await self.verify([], token: token, jwks: try await self.jwksFile(directory))
        #expect(result.exitCode == 1)
        #expect(result.standardError == "error: token expired 133 s ago\n")
        #expect(result.standardOutput.isEmpty)
        // Within the leeway it is accepted.
        let lenient = try await self.verify(["--leeway", "200"], token: token, jwks: try await self.jwksFile(directory))
        #expect(lenient.exitCode == 0, "\(lenient.standardError)")
    }

    @Test("issuer and audience mismatches exit 1")
    func issuerAudience() async throws {
        let directory = try TemporaryDirectory()
        let jwks = try await self.jwksFile(directory)
        let token = try Self.token()
        let issuer = try await self.verify(["--issuer", "https://evil.example.com"], token: token, jwks: jwks)
        #expect(issuer.exitCode == 1)
        #expect(issuer.standardError.hasPrefix("error: iss "))
        let audience = try await self.verify(["--audience", "someone-else"], token: token, jwks: jwks)
        #expect(audience.exitCode == 1)
        #expect(audience.standardError.hasPrefix("error: aud "))
    }

    @Test("--alg restricts and never widens")
    func algorithmRestriction() async throws {
        let directory = try TemporaryDirectory()
        let jwks = try await self.jwksFile(directory)
        let restricted = try await self.verify(["--alg", "PS256,ES256"], token: try Self.token(), jwks: jwks)
        #expect(restricted.exitCode == 1)
        #expect(restricted.standardError.contains("RS256 is not allowed"))
        // An RSA key never becomes an HMAC secret, even when the caller allows HS256.
        let secret = Array(try #require(Self.rsaKey.publicJWK.n).utf8)
        var forged = try SigningKey(hmacSecret: secret)
        forged.keyID = "rsa-1"
        let confused = try await self.verify(
            ["--alg", "HS256,RS256"], token: try Self.token(forged, algorithm: .hs256), jwks: jwks)
        #expect(confused.exitCode == 1)
        #expect(confused.standardError.hasPrefix("error: alg HS256 does not fit key"))
    }

    @Test("a JWK's own alg restricts that key")
    func keyAlgorithm() async throws {
        let directory = try TemporaryDirectory()
        var jwk = Self.rsaKey.publicJWK
        jwk.algorithm = .rs256
        let jwks = try await self.jwksFile(directory, keys: [jwk])
        let result = try await self.verify([], token: try Self.token(algorithm: .ps256), jwks: jwks)
        #expect(result.exitCode == 1)
        #expect(result.standardError.hasPrefix("error: alg PS256 does not fit key"))
    }

    @Test("kid not in the JWKS exits 1; without kid every fitting key is tried")
    func keySelection() async throws {
        let directory = try TemporaryDirectory()
        let other = try SigningKey.generate(.ec(.p256), keyID: "unknown")
        let unknown = try await self.verify([], token: try Self.token(other), jwks: try await self.jwksFile(directory))
        #expect(unknown.exitCode == 1)
        #expect(unknown.standardError == "error: kid \"unknown\" not in JWKS\n")
        var anonymous = Self.ecKey
        anonymous.keyID = nil
        let second = try SigningKey.generate(.ec(.p256))
        let jwks = try await self.jwksFile(directory, keys: [second.publicJWK, anonymous.publicJWK])
        let tried = try await self.verify([], token: try Self.token(anonymous), jwks: jwks)
        #expect(tried.exitCode == 0, "\(tried.standardError)")
    }

    @Test("alg none exits 1 and --alg none is bad usage")
    func none() async throws {
        let directory = try TemporaryDirectory()
        let jwks = try await self.jwksFile(directory)
        let header = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8))
        let payload = Base64URL.encode(Self.claims().serialized())
        let result = try await self.verify([], token: "\(header).\(payload).", jwks: jwks)
        #expect(result.exitCode == 1)
        #expect(result.standardError.contains("none"))
        let usage = try await self.verify(["--alg", "none"], token: "\(header).\(payload).", jwks: jwks)
        #expect(usage.exitCode == 2)
    }

    @Test("malformed tokens exit 1: padding, +, DER ECDSA, payload not an object, two parts")
    func malformed() async throws {
        let directory = try TemporaryDirectory()
        let jwks = try await self.jwksFile(directory)
        let valid = try Self.token(Self.ecKey)
        let parts = valid.split(separator: ".").map(String.init)
        let signature = try Base64URL.decode(parts[2])
        let derSignature = Self.der(rawSignature: signature)
        let cases: [(String, String)] = [
            (parts[0] + "=." + parts[1] + "." + parts[2], "padding"),
            (parts[0] + "." + parts[1] + "." + parts[2].replacingOccurrences(of: "-", with: "+") + "+", "base64"),
            (parts[0] + "." + parts[1] + "." + Base64URL.encode(derSignature), "DER signature"),
            (parts[0] + "." + parts[1], "two parts"),
        ]
        for (token, label) in cases {
            let result = try await self.verify([], token: token, jwks: jwks)
            #expect(result.exitCode == 1, "\(label): \(result.standardError)")
            #expect(result.standardError.hasPrefix("error: "), "\(label)")
            #expect(!result.standardError.contains(parts[2]), "\(label): the signature must not be echoed")
        }
        let array = try JWSSigner(key: Self.ecKey).sign(payload: Array("[1,2]".utf8))
        let notObject = try await self.verify([], token: array, jwks: jwks)
        #expect(notObject.exitCode == 1)
        #expect(notObject.standardError.contains("not a JSON object"))
    }

    @Test("unreadable JWKS and bad usage exit 2")
    func usage() async throws {
        let directory = try TemporaryDirectory()
        let token = try Self.token()
        #expect(try await self.verify([], token: token, jwks: directory.url.appendingPathComponent("missing").path).exitCode == 2)
        #expect(try await self.verify([], token: token, jwks: try directory.write("bad.json", "{not json")).exitCode == 2)
        #expect(try await self.verify([], token: token, jwks: try directory.write("arr.json", "[]")).exitCode == 2)
        #expect(try await self.verify(["--alg", "XS999"], token: token, jwks: try await self.jwksFile(directory)).exitCode == 2)
        #expect(try await CommandRunner.run(["jwt", "verify", token]).exitCode == 2)
        #expect(try await CommandRunner.run(["jwt", "verify", "--jwks"]).exitCode == 2)
    }

    @Test("a lone JWK file is a set of one")
    func loneJWK() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("key.json", Self.rsaKey.publicJWK.jsonText)
        #expect(try await self.verify([], token: try Self.token(), jwks: file).exitCode == 0)
    }

    /// DER-encodes a P-256 raw signature, as a non-JWS library would.
    static func der(rawSignature: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop(while: { $0 == 0 }))
            if value.first.map({ $0 & 0x80 != 0 }) ?? true { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(rawSignature[0..<32]) + integer(rawSignature[32..<64])
        return [0x30, UInt8(body.count)] + body
    }
}
