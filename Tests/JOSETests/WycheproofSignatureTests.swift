// SPDX-License-Identifier: Apache-2.0
import JOSE
import Testing

/// Wycheproof's raw signature and MAC vectors (`Vectors/wycheproof/`, testvectors_v1), checked through
/// ``VerificationKey/isValidSignature(_:for:algorithm:)``.
///
/// Every asymmetric group's key is built three ways (its JWK, its DER SubjectPublicKeyInfo and its
/// PEM) and all three must agree with each other and with the expected result. Mismatches are
/// collected per file and reported at once, with their tcIds.
@Suite("Wycheproof signature and MAC primitives")
struct WycheproofSignatureTests {
    static let rsaFiles = [
        "rsa_signature_2048_sha256_test.json", "rsa_signature_2048_sha384_test.json",
        "rsa_signature_2048_sha512_test.json", "rsa_signature_3072_sha256_test.json",
        "rsa_signature_3072_sha384_test.json", "rsa_signature_3072_sha512_test.json",
        "rsa_signature_4096_sha256_test.json", "rsa_signature_4096_sha384_test.json",
        "rsa_signature_4096_sha512_test.json",
    ]
    static let pssFiles = [
        "rsa_pss_2048_sha256_mgf1_32_test.json", "rsa_pss_2048_sha384_mgf1_48_test.json",
        "rsa_pss_3072_sha256_mgf1_32_test.json", "rsa_pss_4096_sha256_mgf1_32_test.json",
        "rsa_pss_4096_sha384_mgf1_48_test.json", "rsa_pss_4096_sha512_mgf1_64_test.json",
    ]
    static let ecdsaFiles = [
        "ecdsa_secp256r1_sha256_p1363_test.json", "ecdsa_secp384r1_sha384_p1363_test.json",
        "ecdsa_secp521r1_sha512_p1363_test.json",
    ]
    static let eddsaFiles = ["ed25519_test.json"]
    static let hmacFiles = ["hmac_sha256_test.json", "hmac_sha384_test.json", "hmac_sha512_test.json"]

    /// What happened to one file's vectors; its description is the failure message.
    struct Tally: CustomStringConvertible {
        var file: String
        var tests = 0
        var valid = 0
        var invalid = 0
        var acceptableAccepted: [Int] = []
        var acceptableRejected: [Int] = []
        var rejectedAtKeyCreation = 0
        var truncatedTagsRejected = 0
        var mismatches: [String] = []

        var description: String {
            var text = "\(self.file): \(self.tests) tests (\(self.valid) valid, \(self.invalid) invalid"
            text += ", acceptable accepted \(self.acceptableAccepted) rejected \(self.acceptableRejected))"
            if self.rejectedAtKeyCreation > 0 { text += ", \(self.rejectedAtKeyCreation) refused at key creation" }
            if self.truncatedTagsRejected > 0 { text += ", \(self.truncatedTagsRejected) truncated tags rejected" }
            text += "; \(self.mismatches.count) mismatches"
            if !self.mismatches.isEmpty { text += ": " + self.mismatches.joined(separator: "; ") }
            return text
        }

        /// Records one verification against Wycheproof's `result`.
        mutating func record(tcID: Int, result: String, accepted: Bool) {
            switch result {
            case "valid":
                self.valid += 1
                if !accepted { self.mismatches.append("tcId \(tcID) valid but rejected") }
            case "invalid":
                self.invalid += 1
                if accepted { self.mismatches.append("tcId \(tcID) invalid but accepted") }
            case "acceptable":
                if accepted { self.acceptableAccepted.append(tcID) } else { self.acceptableRejected.append(tcID) }
            default:
                self.mismatches.append("tcId \(tcID) has unknown result \"\(result)\"")
            }
        }
    }

    // MARK: Asymmetric signatures

    @Test(
        "RSASSA-PKCS1-v1_5, RSASSA-PSS, ECDSA (P1363) and Ed25519 vectors",
        arguments: rsaFiles + pssFiles + ecdsaFiles + eddsaFiles)
    func asymmetric(file: String) throws {
        let document = try TestVectors.object("wycheproof/\(file)")
        var tally = Tally(file: file)
        for (index, group) in try document.vectorObjects("testGroups").enumerated() {
            let algorithm = try Self.algorithm(for: group)
            let tests = try group.vectorObjects("tests")
            tally.tests += tests.count
            guard let keys = try Self.keys(for: group, algorithm: algorithm, groupIndex: index, tally: &tally) else {
                continue
            }
            for test in tests {
                let tcID = try test.vectorInt("tcId")
                let message = try TestVectors.hex(try test.vectorString("msg"))
                let signature = try TestVectors.hex(try test.vectorString("sig"))
                let verdicts = keys.map { $0.key.isValidSignature(signature, for: message, algorithm: algorithm) }
                if Set(verdicts).count > 1 {
                    let shown = zip(keys, verdicts).map { "\($0.source) \($1 ? "accepts" : "rejects")" }
                    tally.mismatches.append("tcId \(tcID): keys disagree (\(shown.joined(separator: ", ")))")
                }
                tally.record(tcID: tcID, result: try test.vectorString("result"), accepted: verdicts.allSatisfy { $0 })
            }
        }
        #expect(tally.tests == (try document.vectorInt("numberOfTests")), "\(tally)")
        #expect(tally.mismatches.isEmpty, "\(tally)")
    }

    /// The JWS algorithm a Wycheproof group exercises; a group that no JWS algorithm describes (another
    /// salt length, MGF hash or curve/hash pairing) is a vector-selection error.
    static func algorithm(for group: JSONObject) throws -> JWSAlgorithm {
        let type = try group.vectorString("type")
        let hash = group["sha"]?.stringValue
        func byHash(_ sha256: JWSAlgorithm, _ sha384: JWSAlgorithm, _ sha512: JWSAlgorithm) throws -> JWSAlgorithm {
            switch hash {
            case "SHA-256": return sha256
            case "SHA-384": return sha384
            case "SHA-512": return sha512
            default: throw TestVectors.FormatError(description: "\(type) group with hash \(hash ?? "(none)")")
            }
        }
        switch type {
        case "RsassaPkcs1Verify":
            return try byHash(.rs256, .rs384, .rs512)
        case "RsassaPssVerify":
            // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
            let algorithm = try byHash(.ps256, .ps384, .ps512)
            let hashBytes = algorithm == .ps256 ? 32 : algorithm == .ps384 ? 48 : 64
            guard try group.vectorString("mgf") == "MGF1", try group.vectorString("mgfSha") == hash,
                try group.vectorInt("sLen") == hashBytes
            else { throw TestVectors.FormatError(description: "PSS group with parameters no PS* algorithm uses") }
            return algorithm
        case "EcdsaP1363Verify":
            let curve = try group.vectorObject("publicKey").vectorString("curve")
            let algorithm = try byHash(.es256, .es384, .es512)
            let expected: [String: JWSAlgorithm] = ["secp256r1": .es256, "secp384r1": .es384, "secp521r1": .es512]
            guard expected[curve] == algorithm else {
                throw TestVectors.FormatError(description: "ECDSA group on \(curve) with \(hash ?? "(none)")")
            }
            return algorithm
        case "EddsaVerify":
            let curve = try group.vectorObject("publicKey").vectorString("curve")
            guard curve == "edwards25519" else { throw TestVectors.FormatError(description: "EdDSA on \(curve)") }
            return .edDSA
        default:
            throw TestVectors.FormatError(description: "unexpected group type \(type)")
        }
    }

    /// The group's key from its JWK, DER SPKI and PEM. RSA keys under 2048 bits must be refused by all
    /// three; their tests then count as rejected at key creation and `nil` is returned.
    static func keys(
        for group: JSONObject, algorithm: JWSAlgorithm, groupIndex: Int, tally: inout Tally
    ) throws -> [(source: String, key: VerificationKey)]? {
        // rsa_signature_* calls the member keyJwk, the other families publicKeyJwk.
        let jwkObject = try group.vectorObject(group["publicKeyJwk"] == nil ? "keyJwk" : "publicKeyJwk")
        let der = try TestVectors.hex(try group.vectorString("publicKeyDer"))
        let pem = try group.vectorString("publicKeyPem")
        let attempts: [(String, Result<VerificationKey, any Error>)] = [
            ("jwk", Result { try VerificationKey(jwk: try JWK(jsonObject: jwkObject)) }),
            ("der", Result { try VerificationKey(subjectPublicKeyInfo: der) }),
            ("pem", Result { try VerificationKey(pem: pem) }),
        ]
        let isRSA = ["RsassaPkcs1Verify", "RsassaPssVerify"].contains(try group.vectorString("type"))
        let mustRefuse = try isRSA && group.vectorInt("keySize") < 2048
        if mustRefuse {
            for (source, attempt) in attempts {
                if case .success = attempt {
                    tally.mismatches.append("group \(groupIndex): \(source) key under 2048 bits was accepted")
                }
            }
            tally.rejectedAtKeyCreation += try group.vectorObjects("tests").count
            return nil
        }
        var keys: [(source: String, key: VerificationKey)] = []
        for (source, attempt) in attempts {
            switch attempt {
            case .success(let key):
                if !key.fits(algorithm) {
                    tally.mismatches.append("group \(groupIndex): \(source) key does not fit \(algorithm)")
                }
                keys.append((source, key))
            case .failure(let error):
                tally.mismatches.append("group \(groupIndex): \(source) key refused: \(error)")
            }
        }
        return keys.isEmpty ? nil : keys
    }

    // MARK: HMAC

    @Test("HMAC vectors as HS256/HS384/HS512: full-length tags only, short keys refused", arguments: hmacFiles)
    func hmac(file: String) throws {
        let document = try TestVectors.object("wycheproof/\(file)")
        let (algorithm, hashBits): (JWSAlgorithm, Int) =
            switch try document.vectorString("algorithm") {
            case "HMACSHA256": (.hs256, 256)
            case "HMACSHA384": (.hs384, 384)
            case "HMACSHA512": (.hs512, 512)
            case let other: throw TestVectors.FormatError(description: "unexpected algorithm \(other)")
            }
        var tally = Tally(file: file)
        for group in try document.vectorObjects("testGroups") {
            let isFullLength = try group.vectorInt("tagSize") == hashBits
            for test in try group.vectorObjects("tests") {
                tally.tests += 1
                let tcID = try test.vectorInt("tcId")
                let secret = try TestVectors.hex(try test.vectorString("key"))
                let message = try TestVectors.hex(try test.vectorString("msg"))
                let tag = try TestVectors.hex(try test.vectorString("tag"))
                let result = try test.vectorString("result")

                // RFC 7518 §3.2: a key shorter than the hash output must not be used.
                if secret.count * 8 < hashBits {
                    let verificationRefused = (try? VerificationKey(hmacSecret: secret, algorithm: algorithm)) == nil
                    let signingRefused = (try? SigningKey(hmacSecret: secret, algorithm: algorithm)) == nil
                    if verificationRefused && signingRefused {
                        tally.rejectedAtKeyCreation += 1
                    } else {
                        tally.mismatches.append("tcId \(tcID): \(secret.count)-byte key accepted for \(algorithm)")
                    }
                    continue
                }
                let key: VerificationKey
                do {
                    key = try VerificationKey(hmacSecret: secret, algorithm: algorithm)
                } catch {
                    tally.mismatches.append("tcId \(tcID): \(secret.count)-byte key refused: \(error)")
                    continue
                }
                let accepted = key.isValidSignature(tag, for: message, algorithm: algorithm)
                guard isFullLength else {
                    // A truncated tag is never a valid JWS HS* signature, whatever Wycheproof's MAC result.
                    if accepted {
                        tally.mismatches.append("tcId \(tcID): truncated tag accepted")
                    } else {
                        tally.truncatedTagsRejected += 1
                    }
                    continue
                }
                tally.record(tcID: tcID, result: result, accepted: accepted)
                if result == "valid" {
                    let signingKey = try SigningKey(hmacSecret: secret, algorithm: algorithm)
                    if try signingKey.sign(message, algorithm: algorithm) != tag {
                        tally.mismatches.append("tcId \(tcID): SigningKey computes a different tag")
                    }
                }
            }
        }
        #expect(tally.tests == (try document.vectorInt("numberOfTests")), "\(tally)")
        #expect(tally.mismatches.isEmpty, "\(tally)")
    }
}
