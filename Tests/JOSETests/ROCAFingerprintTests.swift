// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE
import Testing

/// RSA keys with the ROCA fingerprint (CVE-2017-15361) are refused on every import path.
@Suite("ROCA fingerprint detection")
struct ROCAFingerprintTests {
    /// The ROCA-vulnerable key of Wycheproof json_web_key_test.json (group jws_rsa_roca_key, tcId 7), a
    /// private JWK with its CRT members.
    static func wycheproofROCAKey() throws -> JWK {
        let document = try TestVectors.object("wycheproof/json_web_key_test.json")
        let groups = try document.vectorObjects("testGroups")
        guard let group = groups.first(where: { $0["comment"]?.stringValue == "jws_rsa_roca_key" }),
            let first = try group.vectorObject("private").vectorObjects("keys").first
        else { throw TestVectors.FormatError(description: "no jws_rsa_roca_key group") }
        return try JWK(jsonObject: first)
    }

    @Test("The Wycheproof ROCA key is refused as a JWK, SPKI DER, PEM and signing key")
    func wycheproofKeyIsFlagged() throws {
        let jwk = try Self.wycheproofROCAKey()
        let modulus = try Base64URL.decode(try #require(jwk.n))
        let exponent = try Base64URL.decode(try #require(jwk.e))
        let spki = Self.subjectPublicKeyInfo(modulus: modulus, exponent: exponent)
        let pem =
            "-----BEGIN PUBLIC KEY-----\n"
            + Data(spki).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            + "\n-----END PUBLIC KEY-----\n"

        let attempts: [(String, () throws -> Void)] = [
            ("public JWK", { _ = try VerificationKey(jwk: jwk.publicKey) }),
            ("private JWK as verification key", { _ = try VerificationKey(jwk: jwk) }),
            ("private JWK as signing key", { _ = try SigningKey(jwk: jwk) }),
            ("SPKI DER", { _ = try VerificationKey(subjectPublicKeyInfo: spki) }),
            ("PEM", { _ = try VerificationKey(pem: pem) }),
        ]
        for (path, attempt) in attempts {
            let error = #expect(throws: JOSEError.self, "\(path)") { try attempt() }
            #expect(error?.code == .invalidKey, "\(path)")
            #expect(error?.reason.contains("ROCA") == true, "\(path): \(error?.reason ?? "no error")")
        }

        // The same modulus with one bit changed no longer has the fingerprint; only the key pair breaks.
        var changed = modulus
        changed[changed.count - 1] ^= 0x02
        let spkiChanged = Self.subjectPublicKeyInfo(modulus: changed, exponent: exponent)
        #expect(throws: Never.self) { try VerificationKey(subjectPublicKeyInfo: spkiChanged) }
    }

    @Test("A freshly generated 2048-bit RSA key is not flagged")
    func randomKeyIsNotFlagged() throws {
        let signingKey = try SigningKey.generate(.rsa(bits: 2048), keyID: "fresh")
        let key = try VerificationKey(jwk: signingKey.publicJWK)
        #expect(key.kind == .rsa(bits: 2048))
        let modulus = try Base64URL.decode(try #require(signingKey.publicJWK.n))
        let exponent = try Base64URL.decode(try #require(signingKey.publicJWK.e))
        #expect(throws: Never.self) {
            try VerificationKey(subjectPublicKeyInfo: Self.subjectPublicKeyInfo(modulus: modulus, exponent: exponent))
        }
    }

    @Test("No RSA key of the RFC examples or of Wycheproof's RSA files is flagged")
    func vectorKeysAreNotFlagged() throws {
        var checked = 0
        for file in WycheproofSignatureTests.rsaFiles + WycheproofSignatureTests.pssFiles {
            let document = try TestVectors.object("wycheproof/\(file)")
            for group in try document.vectorObjects("testGroups") {
                let der = try TestVectors.hex(try group.vectorString("publicKeyDer"))
                #expect(throws: Never.self, "\(file)") { try VerificationKey(subjectPublicKeyInfo: der) }
                checked += 1
            }
        }
        let a2 = try TestVectors.object("rfc/rfc7515_a2_rs256.json")
        #expect(throws: Never.self) { try VerificationKey(jwk: try JWK(jsonObject: try a2.vectorObject("jwk_public"))) }
        #expect(checked == 20)
    }

    // MARK: DER

    /// A DER SubjectPublicKeyInfo for an RSA key (RFC 8017 A.1.1 inside RFC 5280 §4.1.2.7).
    static func subjectPublicKeyInfo(modulus: [UInt8], exponent: [UInt8]) -> [UInt8] {
        let rsaPublicKey = self.der(tag: 0x30, self.derInteger(modulus) + self.derInteger(exponent))
        let algorithm = self.der(
            tag: 0x30, [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00])
        return self.der(tag: 0x30, algorithm + self.der(tag: 0x03, [0x00] + rsaPublicKey))
    }

    private static func derInteger(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if bytes.isEmpty || bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return self.der(tag: 0x02, bytes)
    }

    private static func der(tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        var count = content.count
        if count < 0x80 {
            length = [UInt8(count)]
        } else {
            while count > 0 {
                length.insert(UInt8(count & 0xFF), at: 0)
                count >>= 8
            }
            length.insert(0x80 | UInt8(length.count), at: 0)
        }
        return [tag] + length + content
    }
}
