// SPDX-License-Identifier: Apache-2.0
import JOSE
import Testing

/// Wycheproof's JSON Web Signature, JSON Web Key and JSON Web Crypto vectors (`Vectors/wycheproof/`,
/// the older testvectors/ format), run end to end: key or key set from the group, then ``JWSVerifier``.
///
/// A throw anywhere (JWK parsing, key creation, verifier creation, verification) counts as rejection.
/// The tests with `"jwe"` instead of `"jws"` (json_web_crypto_test.json tcId 50-83) are skipped: this
/// library does not implement JWE. JSON-serialization JWS must be refused as not compact.
@Suite("Wycheproof JWS, JWK and JWCrypto vectors")
struct WycheproofJOSETests {
    static let files = ["json_web_signature_test.json", "json_web_key_test.json", "json_web_crypto_test.json"]

    /// The only tests where this library's result differs from Wycheproof's, each with the reason.
    ///
    /// The test requires the mismatches to be exactly these: an entry that starts to agree must be
    /// removed, and any other mismatch fails.
    static let expectedDeviations: [String: [Int: String]] = [
        "json_web_signature_test.json": [
            346: """
            valid in Wycheproof, rejected here: the JWK says alg PS256 but the header says PS384 (RFC 7520 \
            Figure 20 with the RS256 figure's key). A key's "alg" restricts it to that algorithm.
            """,
            347: """
            valid in Wycheproof, rejected here: the JWK says alg "ES521" (not a JWS algorithm; the header \
            says ES512), so the key is refused at creation.
            """,
            350: "valid in Wycheproof, rejected here: as 346 (key_ops variant), key alg PS256 vs header PS384.",
            351: "valid in Wycheproof, rejected here: same data as 347 (key_ops variant), key alg \"ES521\".",
            367: """
            invalid in Wycheproof ("invalidBase64Padding"), accepted here: the string is byte-for-byte the \
            JWS of tcId 357 ("ValidMac", valid), so it is a correct token.
            """,
            370: """
            invalid in Wycheproof ("invalidBase64PaddingInPayload"), accepted here: again byte-for-byte \
            the valid JWS of tcId 357.
            """,
            372: """
            valid in Wycheproof ("InvalidCharacterInsertedInHeader"), rejected here: a '?' inside the \
            header is not base64url, and RFC 7515 §2 requires strict base64url.
            """,
            373: """
            valid in Wycheproof ("InvalidCharacterInsertedInPayload"), rejected here: a '?' inside the \
            payload is not base64url.
            """,
        ],
        "json_web_key_test.json": [
            4: """
            invalid in Wycheproof ("rejectsDuplicateKid"), accepted here: the second key's "k" ends in a \
            character with non-zero unused bits (non-canonical base64url), so the strict decoder refuses \
            that key and the set holds one usable key with that kid; the token verifies with it. With both \
            keys usable, the duplicate kid is refused as ambiguous (see duplicateKidWithCanonicalKeys).
            """
        ],
    ]

    /// How one JWS test ended.
    enum Outcome {
        case accepted
        case rejected(any Error)

        var isAccepted: Bool { if case .accepted = self { true } else { false } }
    }

    @Test("Every compact JWS test gives Wycheproof's result, except the listed deviations", arguments: files)
    func vectors(file: String) throws {
        let document = try TestVectors.object("wycheproof/\(file)")
        let allowed = Self.expectedDeviations[file] ?? [:]
        var mismatches: [Int: String] = [:]
        var counts = (checked: 0, valid: 0, invalid: 0, jsonSerialization: 0, jweSkipped: 0)

        for group in try document.vectorObjects("testGroups") {
            // The public key (or key set) when there is one, else the private one (oct keys).
            guard let keyMaterial = (group["public"] ?? group["private"])?.objectValue else {
                throw TestVectors.FormatError(description: "group without a key")
            }
            for test in try group.vectorObjects("tests") {
                let tcID = try test.vectorInt("tcId")
                guard let jws = test["jws"] else {
                    guard test["jwe"] != nil else { throw TestVectors.FormatError(description: "tcId \(tcID): no jws") }
                    counts.jweSkipped += 1  // JWE is out of scope: this library does not implement it.
                    continue
                }
                counts.checked += 1
                let isJSONSerialization = test.vectorStrings("flags").contains("JsonSerialization")
                let text: String
                switch jws {
                case .string(let string): text = string
                case .object(let object) where isJSONSerialization: text = JSONValue.object(object).jsonText
                default: throw TestVectors.FormatError(description: "tcId \(tcID): unexpected jws member")
                }

                let outcome = Self.verify(text, with: keyMaterial)
                let result = try test.vectorString("result")
                switch result {
                case "valid": counts.valid += 1
                case "invalid": counts.invalid += 1
                default: break
                }
                if isJSONSerialization {
                    counts.jsonSerialization += 1
                    guard case .rejected(let error as JOSEError) = outcome, error.code == .malformedCompactSerialization
                    else {
                        mismatches[tcID] = "JSON serialization not refused as non-compact: \(outcome)"
                        continue
                    }
                }
                if result == "valid" && !outcome.isAccepted {
                    mismatches[tcID] = "valid but rejected: \(outcome)"
                } else if result == "invalid" && outcome.isAccepted {
                    mismatches[tcID] = "invalid but accepted"
                }
            }
        }

        let summary = """
            \(file): \(counts.checked) JWS tests checked (\(counts.valid) valid, \(counts.invalid) invalid, \
            \(counts.jsonSerialization) JSON serialization), \(counts.jweSkipped) JWE tests skipped
            """
        #expect(counts.checked + counts.jweSkipped == (try document.vectorInt("numberOfTests")), "\(summary)")
        let unexpected = mismatches.filter { allowed[$0.key] == nil }.sorted { $0.key < $1.key }
        #expect(
            unexpected.isEmpty,
            "\(summary); mismatches outside the allow-list: \(unexpected.map { "tcId \($0.key) \($0.value)" })")
        let stale = allowed.keys.filter { mismatches[$0] == nil }.sorted()
        #expect(stale.isEmpty, "\(summary); allow-listed tcIds that now agree with Wycheproof (remove them): \(stale)")
    }

    /// Builds a verifier from a JWK or a JWK Set and verifies `compact`; any throw is a rejection.
    static func verify(_ compact: String, with keyMaterial: JSONObject) -> Outcome {
        do {
            let verifier: JWSVerifier
            if keyMaterial["keys"] != nil {
                verifier = try JWSVerifier(keySet: try JWKSet(jsonBytes: keyMaterial.serialized()))
            } else {
                verifier = try JWSVerifier(keys: [try VerificationKey(jwk: try JWK(jsonObject: keyMaterial))])
            }
            _ = try verifier.verify(compact)
            return .accepted
        } catch {
            return .rejected(error)
        }
    }

    // MARK: Companions to the allow-list

    @Test("json_web_key tcId 4 with canonical key encodings: the duplicate kid is refused as ambiguous")
    func duplicateKidWithCanonicalKeys() throws {
        let document = try TestVectors.object("wycheproof/json_web_key_test.json")
        let group = try #require(
            try document.vectorObjects("testGroups").first { $0["comment"]?.stringValue == "jws_duplicate_kid" })
        let test = try #require(try group.vectorObjects("tests").first)
        #expect(try test.vectorInt("tcId") == 4)
        var set = try JWKSet(jsonBytes: try group.vectorObject("private").serialized())
        try #require(set.keys.count == 2)
        #expect(set.keys[0].keyID == set.keys[1].keyID)

        // As published, the second key is refused and the first verifies alone (the allow-listed deviation).
        #expect(set.verificationKeys().keys.count == 1)

        // Re-encode the second key's bytes canonically: both keys are usable, and the kid is ambiguous.
        let secret = try #require(set.keys[1].k)
        var canonical = Array(secret.utf8)
        #expect(canonical.last == UInt8(ascii: "e"))
        canonical[canonical.count - 1] = UInt8(ascii: "c")  // 'e' = 0b011110 -> 'c' = 0b011100: same bytes
        set.keys[1].k = String(decoding: canonical, as: UTF8.self)
        #expect(set.verificationKeys().keys.count == 2)
        let verifier = try JWSVerifier(keySet: set)
        #expect(throws: JOSEError.invalidKey(reason: "")) { try verifier.verify(try test.vectorString("jws")) }
    }

    @Test("RFC 7520 Figures 20 and 27 verify once the key's alg matches the header (tcIds 346, 347)")
    func rfc7520FiguresWithMatchingAlg() throws {
        let document = try TestVectors.object("wycheproof/json_web_signature_test.json")
        var checked = 0
        for group in try document.vectorObjects("testGroups") {
            for test in try group.vectorObjects("tests") {
                guard [346, 347, 350, 351].contains(try test.vectorInt("tcId")) else { continue }
                var jwk = try JWK(jsonObject: try group.vectorObject("public"))
                let compact = try test.vectorString("jws")
                jwk.algorithm = try CompactJWS(compact).header.algorithm
                _ = try JWSVerifier(keys: [try VerificationKey(jwk: jwk)]).verify(compact)
                checked += 1
            }
        }
        #expect(checked == 4)
    }
}
