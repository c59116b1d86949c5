// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Differential tests against an independent implementation: Python's `joserfc` on `cryptography`,
/// driven through `Peers/jose_peer.py`.
///
/// Direction 1: tokens, keys and known-bad tokens made by Python are verified (or rejected) here.
/// Direction 2: keys generated and tokens signed here are verified by Python.
/// The peer is required: when `python3`, `joserfc` or `cryptography` is missing, these tests fail.
@Suite("Differential tests against joserfc", .timeLimit(.minutes(3)))
struct DifferentialTests {
    /// Every algorithm under test, in both directions.
    static let algorithms: [JWSAlgorithm] = [
        .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .es256, .es384, .es512, .edDSA, .ed25519,
        .hs256, .hs384, .hs512,
    ]

    /// The key each algorithm is tested with, on both sides (kept in step with `jose_peer.py`).
    static func keyKind(for algorithm: JWSAlgorithm) -> KeyKind {
        switch algorithm {
        case .rs384: return .rsa(bits: 3072)
        case .ps512: return .rsa(bits: 4096)
        case .rs256, .rs512, .ps256, .ps384: return .rsa(bits: 2048)
        case .es256: return .ec(.p256)
        case .es384: return .ec(.p384)
        case .es512: return .ec(.p521)
        case .hs256: return .symmetric(bytes: 32)
        case .hs384: return .symmetric(bytes: 48)
        case .hs512: return .symmetric(bytes: 64)
        default: return .ed25519
        }
    }

    /// How Swift must reject each known-bad token made by the peer (`negatives[].case`).
    static let expectedRejections: [String: JOSEError.Code] = [
        "tampered_payload/RS256": .invalidSignature,
        "tampered_payload/PS384": .invalidSignature,
        "tampered_payload/ES256": .invalidSignature,
        "tampered_payload/ES512": .invalidSignature,
        "tampered_payload/EdDSA": .invalidSignature,
        "tampered_payload/Ed25519": .invalidSignature,
        "tampered_payload/HS256": .invalidSignature,
        "flipped_signature_bit/RS512": .invalidSignature,
        "flipped_signature_bit/PS256": .invalidSignature,
        "flipped_signature_bit/ES384": .invalidSignature,
        "flipped_signature_bit/EdDSA": .invalidSignature,
        "flipped_signature_bit/HS512": .invalidSignature,
        "other_key/RS256": .invalidSignature,
        "other_key/PS512": .invalidSignature,
        "other_key/ES256": .invalidSignature,
        "other_key/ES384": .invalidSignature,
        "other_key/ES512": .invalidSignature,
        "other_key/Ed25519": .invalidSignature,
        "other_key/HS384": .invalidSignature,
        // The verifier allows only RS256; the header now claims RS512.
        "alg_changed/RS256->RS512,allow_RS256": .algorithmNotAllowed,
        // Allowed and fitting, but an RS256 signature is not an RS512 one.
        "alg_changed/RS256->RS512,allow_RS512": .invalidSignature,
        "alg_changed/PS256->RS256,allow_RS256": .invalidSignature,
        // The kid names a P-256 key, which never fits ES384.
        "alg_changed/ES256->ES384,allow_ES384": .algorithmNotAllowed,
        // The kid names a 32-byte secret, too short for HS512.
        "alg_changed/HS256->HS512,allow_HS512": .algorithmNotAllowed,
        "alg_changed/EdDSA->Ed25519,allow_EdDSA": .algorithmNotAllowed,
        "alg_none/empty_signature": .algorithmNotAllowed,
        // JWS ECDSA signatures are raw r || s (RFC 7518 §3.4), never DER.
        "ecdsa_der_signature/ES256": .invalidSignature,
        // RFC 7518 §3.5: the PSS salt is exactly the hash length.
        "pss_max_salt/PS256": .invalidSignature,
        // The remaining ones fail when the key is imported.
        "ec_point_off_curve/ES256": .invalidKey,
        "rsa_1024_key/RS256": .invalidKey,
        "hmac_short_secret/HS256": .invalidKey,
    ]

    /// The peer's `sign` output, produced once per test run and shared by the tests that read it.
    private static let peerSigned = Task { try await JOSEPeer.run("sign") }

    // MARK: - Direction 1: Python signs, Swift verifies

    @Test("joserfc tokens verify in Swift and their claims round-trip", arguments: Self.algorithms)
    func pythonTokenVerifiesInSwift(algorithm: JWSAlgorithm) async throws {
        let output = try await Self.peerSigned.value
        let items = try Self.objects(output, "tokens").filter { $0["alg"]?.stringValue == algorithm.rawValue }
        // One per algorithm, plus tokens whose ECDSA r or s starts with a zero byte, a DER->raw control,
        // and RSA keys of 2056 bits and with exponent 3.
        let expectedCount = algorithm == .es256 ? 3 : [.es384, .es512, .rs256, .ps256].contains(algorithm) ? 2 : 1
        #expect(items.count == expectedCount, "peer tokens for \(algorithm)")
        for item in items {
            let note = item["note"]?.stringValue ?? "?"
            let jwk = try JWK(jsonObject: try #require(item["public_jwk"]?.objectValue))
            let token = try #require(item["token"]?.stringValue)
            let sentClaims = try #require(item["claims"]?.objectValue)

            let key = try VerificationKey(jwk: jwk)
            if note == "fresh key" {
                #expect(key.kind == Self.keyKind(for: algorithm), "\(algorithm) (\(note)): key kind")
            }
            if let bits = item["rsa_bits"]?.numberValue {
                #expect(key.kind == .rsa(bits: Int(bits)), "\(algorithm) (\(note)): RSA size")
                #expect(try CompactJWS(token).signature.count == (Int(bits) + 7) / 8)
            }
            if let thumbprint = item["thumbprint"]?.stringValue {
                #expect(try jwk.thumbprint() == thumbprint, "\(algorithm): RFC 7638 thumbprint differs from joserfc")
            }
            let verified = try JWSVerifier(keys: [key], algorithms: [algorithm]).verify(token)
            #expect(verified.header.algorithm == algorithm)
            #expect(verified.header.keyID == jwk.keyID)
            #expect(verified.header.type == "JWT")

            let claims = try JWTClaims(payload: verified.payload)
            #expect(claims.all == sentClaims, "\(algorithm) (\(note)): claims differ after the round trip")
            #expect(claims["test_alg"] == .string(algorithm.rawValue))
            // Literal values, so the comparison above does not rest on one JSON parser alone.
            #expect(claims.issuer == "https://login.example.com/tenant-42/v2.0")
            #expect(claims.audience == ["swift-oidc-client", "https://api.example.com"])
            #expect(claims["name"] == JSONValue.string("José Müller-Łukasiewicz 🔐"))
            #expect(claims["address"]?["street_address"] == JSONValue.string("1 Rue de l'Église\nBât. \"B\""))
            #expect(claims["address"]?["postal_code"] == JSONValue.null)
            #expect(claims["scores"] == JSONValue.array([0, -1, 2.5, 0.001, 12_345_678_901]))
            #expect(claims["email_verified"] == JSONValue.bool(true))
            let expiresAt = try #require(claims.expiresAt)
            let issuedAt = try #require(claims.issuedAt)
            #expect(expiresAt - issuedAt == 3605)
            try JWTClaimsValidator(
                issuer: "https://login.example.com/tenant-42/v2.0", audience: "swift-oidc-client",
                requiredClaims: ["exp", "iat", "nbf"]
            ).validate(claims)
        }
    }

    @Test("joserfc private JWKs and PEMs import into Swift as the same keys, and sign tokens joserfc accepts")
    func pythonPrivateKeysImportIntoSwift() async throws {
        let output = try await Self.peerSigned.value
        let fresh = try Self.objects(output, "tokens").filter { $0["note"]?.stringValue == "fresh key" }
        #expect(fresh.count == Self.algorithms.count)
        let now = Int(Date().timeIntervalSince1970)
        var items: [JSONValue] = []
        for item in fresh {
            let algorithm = JWSAlgorithm(rawValue: try #require(item["alg"]?.stringValue))
            let publicJWK = try JWK(jsonObject: try #require(item["public_jwk"]?.objectValue))
            let privateJWK = try JWK(jsonObject: try #require(item["private_jwk"]?.objectValue))
            let token = try #require(item["token"]?.stringValue)
            let kid = publicJWK.keyID

            let fromJWK = try SigningKey(jwk: privateJWK)
            #expect(fromJWK.kind == Self.keyKind(for: algorithm))
            var keys = [("jwk", fromJWK)]
            if let pem = item["public_pem"]?.stringValue {
                let verificationKey = try VerificationKey(pem: pem, keyID: kid)
                #expect(Self.keyMembers(verificationKey.jwk) == Self.keyMembers(publicJWK), "\(algorithm) SPKI PEM")
                _ = try JWSVerifier(keys: [verificationKey], algorithms: [algorithm]).verify(token)
                for format in ["private_pem_pkcs8", "private_pem_traditional"] {
                    guard let pem = item[format]?.stringValue else { continue }
                    let key = try SigningKey(pem: pem, keyID: kid)
                    // The JWK is rebuilt from OpenSSL's parameters, so this checks every exported member.
                    #expect(
                        Self.keyMembers(key.privateJWK, includePrivate: true)
                            == Self.keyMembers(privateJWK, includePrivate: true), "\(algorithm) \(format)")
                    #expect(Self.keyMembers(key.publicJWK) == Self.keyMembers(publicJWK), "\(algorithm) \(format)")
                    keys.append((format, key))
                }
            }
            #expect(keys.count == (algorithm.isSymmetric ? 1 : [.edDSA, .ed25519].contains(algorithm) ? 2 : 3))
            for (source, key) in keys {
                let signed = try JWSSigner(key: key, algorithm: algorithm)
                    .sign(claims: Self.swiftClaims(algorithm: algorithm, now: now))
                let publicKey = try VerificationKey(jwk: publicJWK)
                _ = try JWSVerifier(keys: [publicKey], algorithms: [algorithm]).verify(signed)
                items.append([
                    "id": .string("\(algorithm)/\(source)"), "alg": .string(algorithm.rawValue),
                    "public_jwk": .object(publicJWK.jsonObject), "token": .string(signed),
                ])
            }
        }
        let results = try await JOSEPeer.verify(items)
        #expect(results.count == items.count)
        for result in results {
            let id = result["id"]?.stringValue ?? "?"
            let error = result["error"]?.stringValue ?? ""
            #expect(result["ok"]?.boolValue == true, "\(id): joserfc rejected a token made with its key: \(error)")
        }
    }

    @Test("joserfc made every known-bad case Swift expects")
    func peerNegativeCasesAreComplete() async throws {
        let output = try await Self.peerSigned.value
        let cases = Set(try Self.objects(output, "negatives").compactMap { $0["case"]?.stringValue })
        #expect(cases == Set(Self.expectedRejections.keys))
    }

    @Test(
        "known-bad joserfc tokens are rejected with the right code",
        arguments: Self.expectedRejections.keys.sorted())
    func pythonNegativeIsRejected(name: String) async throws {
        let output = try await Self.peerSigned.value
        let expected = try #require(Self.expectedRejections[name])
        let negatives = try Self.objects(output, "negatives")
        let item = try #require(negatives.first { $0["case"]?.stringValue == name }, "peer lacks case \(name)")
        let algorithm = JWSAlgorithm(rawValue: try #require(item["alg"]?.stringValue))
        let jwk = try JWK(jsonObject: try #require(item["public_jwk"]?.objectValue))
        let token = try #require(item["token"]?.stringValue)
        do {
            let key = try VerificationKey(jwk: jwk)
            let verified = try JWSVerifier(keys: [key], algorithms: [algorithm]).verify(token)
            _ = try JWTClaims(payload: verified.payload)
            Issue.record("\(name): accepted, expected \(expected)")
        } catch let error as JOSEError {
            #expect(error.code == expected, "\(name): \(error)")
        }
    }

    @Test("RS256 token re-MACed as HS256 with the RSA public key's bytes is rejected")
    func algorithmConfusionIsRejected() async throws {
        let output = try await Self.peerSigned.value
        let cases = try Self.objects(output, "confusion")
        #expect(cases.count == 4)
        for item in cases {
            let name = try #require(item["case"]?.stringValue)
            let rsaJWK = try JWK(jsonObject: try #require(item["public_jwk"]?.objectValue))
            let pem = try #require(item["public_pem"]?.stringValue)
            let secret = try Base64URL.decode(try #require(item["secret_b64u"]?.stringValue))
            let token = try #require(item["token"]?.stringValue)
            let jws = try CompactJWS(token)
            #expect(jws.header.algorithm == .hs256)

            // Control: the forged MAC is genuine for those bytes, so only key typing can stop it.
            let hmacKey = try VerificationKey(hmacSecret: secret)
            #expect(hmacKey.isValidSignature(jws.signature, for: jws.signingInput, algorithm: .hs256), "\(name)")

            let fromJWK = try VerificationKey(jwk: rsaJWK)
            let fromPEM = try VerificationKey(pem: pem, keyID: rsaJWK.keyID)
            #expect(fromPEM.kind == fromJWK.kind)
            // With a kid the named RSA key does not fit HS256; without one, no key fits it.
            let expected: JOSEError.Code = jws.header.keyID == nil ? .keyNotFound : .algorithmNotAllowed
            for key in [fromJWK, fromPEM] {
                #expect(!key.fits(.hs256))
                #expect(!key.isValidSignature(jws.signature, for: jws.signingInput, algorithm: .hs256))
                let allowLists: [Set<JWSAlgorithm>?] = [[.hs256], [.rs256, .hs256], nil]
                for allowed in allowLists {
                    let verifier = try JWSVerifier(keys: [key], algorithms: allowed)
                    do {
                        _ = try verifier.verify(token)
                        Issue.record("\(name): accepted with allow-list \(String(describing: allowed))")
                    } catch let error as JOSEError {
                        #expect(error.code == expected, "\(name): \(error)")
                    }
                }
                // An allow-list of RS256 alone stops it before any key is looked at.
                #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) {
                    _ = try JWSVerifier(keys: [key], algorithms: [.rs256]).verify(token)
                }
            }
            // A key set mixing that RSA key with an HMAC key made of its bytes cannot even be built.
            #expect(throws: JOSEError.invalidKey(reason: "")) {
                _ = try JWSVerifier(keys: [fromJWK, hmacKey])
            }
        }
    }

    // MARK: - Direction 2: Swift signs, Python verifies

    @Test("Swift keys and tokens verify in joserfc; Swift private JWKs import there and sign back")
    func swiftTokensVerifyInPython() async throws {
        let now = Int(Date().timeIntervalSince1970)
        var keys: [JWSAlgorithm: SigningKey] = [:]
        var items: [JSONValue] = []
        var sent: [String: (algorithm: JWSAlgorithm, claims: JSONObject, key: SigningKey)] = [:]
        for algorithm in Self.algorithms {
            let key = try Self.generateKey(for: algorithm)
            #expect(key.kind == Self.keyKind(for: algorithm))
            keys[algorithm] = key
            let claims = Self.swiftClaims(algorithm: algorithm, now: now)
            let token = try JWSSigner(key: key, algorithm: algorithm).sign(claims: claims)
            try Self.checkSignatureSize(token, algorithm: algorithm)
            let id = "swift/\(algorithm)"
            sent[id] = (algorithm, claims, key)
            var item = try #require(Self.peerItem(id: id, algorithm: algorithm, key: key, token: token).objectValue)
            item["private_jwk"] = .object(key.privateJWK.jsonObject)  // joserfc signs `token_back` with it
            items.append(.object(item))
        }

        // Controls, so a peer that accepts everything cannot pass: each of these must fail in Python.
        let rsa = try #require(keys[.rs256])
        let good = try JWSSigner(key: rsa, algorithm: .rs256)
            .sign(claims: Self.swiftClaims(algorithm: .rs256, now: now))
        let parts = good.split(separator: ".").map(String.init)
        var forged = Self.swiftClaims(algorithm: .rs256, now: now)
        forged["sub"] = "admin"
        let tampered = "\(parts[0]).\(Base64URL.encode(forged.serialized())).\(parts[2])"
        items.append(Self.peerItem(id: "control/tampered_payload", algorithm: .rs256, key: rsa, token: tampered))

        let ps = try #require(keys[.ps256])
        let psToken = try JWSSigner(key: ps, algorithm: .ps256)
            .sign(claims: Self.swiftClaims(algorithm: .ps256, now: now))
        let psParts = psToken.split(separator: ".").map(String.init)
        var relabelled = try CompactJWS(psToken).header.members
        relabelled["alg"] = "RS256"
        let relabelledToken = "\(Base64URL.encode(relabelled.serialized())).\(psParts[1]).\(psParts[2])"
        items.append(
            Self.peerItem(id: "control/ps256_relabelled_rs256", algorithm: .rs256, key: ps, token: relabelledToken))

        let signer = try #require(keys[.edDSA])
        let stranger = try SigningKey.generate(.ed25519, keyID: signer.keyID)
        let edToken = try JWSSigner(key: signer, algorithm: .edDSA)
            .sign(claims: Self.swiftClaims(algorithm: .edDSA, now: now))
        items.append(Self.peerItem(id: "control/other_key", algorithm: .edDSA, key: stranger, token: edToken))

        let results = try await JOSEPeer.verify(items)
        #expect(results.count == items.count)
        for result in results {
            let id = result["id"]?.stringValue ?? "?"
            let verdict = result["ok"]?.boolValue
            if id.hasPrefix("control/") {
                #expect(verdict == false, "\(id): joserfc accepted a bad token")
                continue
            }
            let error = result["error"]?.stringValue ?? ""
            #expect(verdict == true, "\(id): joserfc rejected a Swift token: \(error)")
            guard verdict == true, let entry = sent[id] else { continue }
            #expect(result["claims"] == JSONValue.object(entry.claims), "\(id): claims differ after the round trip")
            #expect(result["header"]?["alg"] == JSONValue.string(entry.algorithm.rawValue))
            #expect(result["header"]?["kid"] == entry.key.keyID.map { JSONValue.string($0) })
            #expect(result["header"]?["typ"] == JSONValue.string("JWT"))
            let jwk = entry.algorithm.isSymmetric ? entry.key.privateJWK : entry.key.publicJWK
            let thumbprint = try jwk.thumbprint()
            #expect(result["thumbprint"] == JSONValue.string(thumbprint), "\(id): RFC 7638 thumbprint differs")

            // joserfc read the private JWK as the same key, and what it signed with it verifies here.
            let derived = try JWK(jsonObject: try #require(result["public_from_private"]?.objectValue))
            #expect(Self.keyMembers(derived) == Self.keyMembers(jwk), "\(id): public part of the private JWK")
            let tokenBack = try #require(result["token_back"]?.stringValue)
            let verifier = try JWSVerifier(keys: [entry.key.verificationKey], algorithms: [entry.algorithm])
            let back = try verifier.verify(tokenBack)
            #expect(try JWTClaims(payload: back.payload)["sub"] == JSONValue.string("signed-back"))
        }
    }

    @Test("Swift ECDSA signatures are raw r||s, left-padded, and joserfc accepts short components")
    func swiftECDSASignaturesAreRawAndPadded() async throws {
        let now = Int(Date().timeIntervalSince1970)
        var items: [JSONValue] = []
        for algorithm in [JWSAlgorithm.es256, .es384, .es512] {
            guard case .ec(let curve) = Self.keyKind(for: algorithm) else { continue }
            let key = try Self.generateKey(for: algorithm)
            let signer = try JWSSigner(key: key, algorithm: algorithm)
            var claims = Self.swiftClaims(algorithm: algorithm, now: now)
            var found = false
            // A leading zero byte in r or s occurs about once in 128 signatures (P-521: almost always).
            for attempt in 0..<20_000 {
                claims["jti"] = .string("pad-\(attempt)")
                let token = try signer.sign(claims: claims)
                let signature = try CompactJWS(token).signature
                #expect(signature.count == 2 * curve.componentSize, "\(algorithm) signature size")
                guard signature.count == 2 * curve.componentSize else { break }
                if attempt < 4 {
                    items.append(
                        Self.peerItem(id: "\(algorithm)/\(attempt)", algorithm: algorithm, key: key, token: token))
                }
                if signature[0] == 0 || signature[curve.componentSize] == 0 {
                    items.append(
                        Self.peerItem(id: "\(algorithm)/padded", algorithm: algorithm, key: key, token: token))
                    found = true
                    break
                }
            }
            #expect(found, "\(algorithm): no signature with a short r or s in 20000 attempts")
        }
        let results = try await JOSEPeer.verify(items)
        #expect(results.count == items.count)
        #expect(results.filter { $0["id"]?.stringValue?.hasSuffix("/padded") == true }.count == 3)
        for result in results {
            let id = result["id"]?.stringValue ?? "?"
            let error = result["error"]?.stringValue ?? ""
            #expect(result["ok"]?.boolValue == true, "\(id): joserfc rejected it: \(error)")
        }
    }

    // MARK: - Helpers

    static func generateKey(for algorithm: JWSAlgorithm) throws -> SigningKey {
        let keyID = "swift-\(algorithm.rawValue.lowercased())-\(UUID().uuidString.prefix(8))"
        switch Self.keyKind(for: algorithm) {
        case .rsa(let bits): return try SigningKey.generate(.rsa(bits: bits), keyID: keyID)
        case .ec(let curve): return try SigningKey.generate(.ec(curve), keyID: keyID)
        case .ed25519: return try SigningKey.generate(.ed25519, keyID: keyID)
        case .symmetric(let bytes): return try SigningKey.generate(.hmac(bytes: bytes), keyID: keyID)
        }
    }

    /// A realistic ID token payload with the awkward parts: unicode, escapes, nesting, floats, 2^53 - 1.
    static func swiftClaims(algorithm: JWSAlgorithm, now: Int) -> JSONObject {
        [
            "iss": "https://op.example.org",
            "sub": .string("248289761001-\(UUID().uuidString)"),
            "aud": "python-peer",
            "exp": .number(Double(now + 600)),
            "nbf": .number(Double(now - 10)),
            "iat": .number(Double(now)),
            "jti": .string(UUID().uuidString),
            "nonce": "n-0S6_WzA2Mj",
            "given_name": "Zoë 李 😀",
            "escapes": "tab\t newline\n quote\" backslash\\ slash/ control\u{01} del\u{7F}",
            "roles": ["admin", "user"],
            "ratio": 0.25,
            "max_safe_integer": 9_007_199_254_740_991,
            "negative": -42,
            "nested": ["a": ["b": [true, false, .null]], "empty_object": [:], "empty_array": []],
            "test_alg": .string(algorithm.rawValue),
        ]
    }

    /// `{id, alg, public_jwk, token}`; for an HMAC key, the JWK with `k` (it has no public part).
    static func peerItem(id: String, algorithm: JWSAlgorithm, key: SigningKey, token: String) -> JSONValue {
        let jwk = key.kind.isSymmetric ? key.privateJWK : key.publicJWK
        return [
            "id": .string(id), "alg": .string(algorithm.rawValue), "public_jwk": .object(jwk.jsonObject),
            "token": .string(token),
        ]
    }

    static func checkSignatureSize(_ token: String, algorithm: JWSAlgorithm) throws {
        let signature = try CompactJWS(token).signature
        switch Self.keyKind(for: algorithm) {
        case .rsa(let bits): #expect(signature.count == bits / 8, "\(algorithm) signature size")
        case .ec(let curve):
            // RFC 7518 §3.4: raw r || s, each left-padded to the curve size; never DER.
            let expected: [ECCurve: Int] = [.p256: 64, .p384: 96, .p521: 132]
            #expect(signature.count == expected[curve], "\(algorithm) signature is not raw r||s")
        case .ed25519: #expect(signature.count == 64)
        case .symmetric: #expect(signature.count == algorithm.hashSize)
        }
    }

    /// The key material of a JWK (`kty`, `crv`, `n`, `e`, `x`, `y`; with the private members when asked),
    /// ignoring metadata such as `kid` and `use`.
    static func keyMembers(_ jwk: JWK, includePrivate: Bool = false) -> [String: String] {
        var members: [(String, String?)] = [
            ("kty", jwk.keyType), ("crv", jwk.curve), ("n", jwk.n), ("e", jwk.e), ("x", jwk.x), ("y", jwk.y),
        ]
        if includePrivate || jwk.keyType == "oct" {
            members += [("d", jwk.d), ("p", jwk.p), ("q", jwk.q), ("dp", jwk.dp), ("dq", jwk.dq), ("qi", jwk.qi)]
            members.append(("k", jwk.k))
        }
        return Dictionary(uniqueKeysWithValues: members.compactMap { name, value in value.map { (name, $0) } })
    }

    static func objects(_ output: JSONValue, _ name: String) throws -> [JSONObject] {
        let array = try #require(output[name]?.arrayValue, "peer output lacks \"\(name)\"")
        return try array.map { try #require($0.objectValue, "\"\(name)\" holds a non-object") }
    }
}

extension KeyKind {
    fileprivate var isSymmetric: Bool { if case .symmetric = self { true } else { false } }
}

extension JWSAlgorithm {
    fileprivate var hashSize: Int { self == .hs256 ? 32 : self == .hs384 ? 48 : 64 }
}

/// Runs `Peers/jose_peer.py` with `/usr/bin/env python3`, bounded by a timeout.
enum JOSEPeer {
    /// The peer script, found next to this file (not a bundle resource: Package.swift stays as it is).
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Peers/jose_peer.py")

    /// The longest a peer run may take before it is killed.
    static let timeout: Duration = .seconds(60)

    static let installHint =
        "The differential tests need python3 on PATH with joserfc and cryptography: "
        + "run `pip install joserfc cryptography`."

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `verify` and returns its per-item results.
    static func verify(_ items: [JSONValue]) async throws -> [JSONObject] {
        let output = try await self.run("verify", input: JSONValue.array(items).serialized())
        let results = try #require(output.arrayValue, "peer verify output is not an array")
        return try results.map { try #require($0.objectValue, "peer verify result is not an object") }
    }

    /// Kills the peer with SIGKILL and reaps it. `Process.terminate()` sends SIGTERM, which the child
    /// inherits blocked from the test runner's threads on Linux, so it would never arrive.
    private static func killAndReap(_ process: Process) {
        _ = kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs the peer with `command`, feeding `input` on stdin, and parses its JSON stdout.
    static func run(_ command: String, input: [UInt8] = []) async throws -> JSONValue {
        let files = FileManager.default
        guard files.fileExists(atPath: self.script.path) else {
            throw Failure(description: "peer script missing at \(self.script.path)")
        }
        // Files rather than pipes: no pipe buffer can fill up and deadlock either side.
        let directory = files.temporaryDirectory.appendingPathComponent("jose-peer-\(UUID().uuidString)")
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? files.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("stdin.json")
        let outputURL = directory.appendingPathComponent("stdout.json")
        let errorURL = directory.appendingPathComponent("stderr.txt")
        try Data(input).write(to: inputURL)
        try Data().write(to: outputURL)
        try Data().write(to: errorURL)
        let standardInput = try FileHandle(forReadingFrom: inputURL)
        let standardOutput = try FileHandle(forWritingTo: outputURL)
        let standardError = try FileHandle(forWritingTo: errorURL)
        defer {
            try? standardInput.close()
            try? standardOutput.close()
            try? standardError.close()
        }

        let process = Process()
        // The test virtualenv (Tests/FlowsTests/Provider/setup_venv.sh) pins joserfc; else python3 on PATH.
        let environmentVariables = ProcessInfo.processInfo.environment
        let venv = environmentVariables["OIDC_TEST_VENV"] ?? ((environmentVariables["HOME"] ?? "/root") + "/.cache/swift-oidc-test-venv")
        if FileManager.default.isExecutableFile(atPath: venv + "/bin/python") {
            process.executableURL = URL(fileURLWithPath: venv + "/bin/python")
            process.arguments = [self.script.path, command]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", self.script.path, command]
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONIOENCODING"] = "utf-8"
        environment["PYTHONUTF8"] = "1"
        process.environment = environment
        process.standardInput = standardInput
        process.standardOutput = standardOutput
        process.standardError = standardError
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot launch /usr/bin/env python3 (\(error)). \(self.installHint)")
        }

        let deadline = ContinuousClock.now + self.timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                self.killAndReap(process)
                throw Failure(description: "jose_peer.py \(command) did not finish within \(self.timeout); killed")
            }
            do {
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                self.killAndReap(process)
                throw error
            }
        }
        process.waitUntilExit()

        let stderr = String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
        let stderrTail = String(stderr.suffix(2000))
        let status = process.terminationStatus
        guard process.terminationReason == .exit, status == 0 else {
            let why: String
            switch (process.terminationReason, status) {
            case (.exit, 127): why = "python3 was not found on PATH"
            case (.exit, 3): why = "python3 lacks joserfc or cryptography"
            case (.exit, _): why = "jose_peer.py \(command) exited with status \(status)"
            default: why = "jose_peer.py \(command) was killed by signal \(status)"
            }
            throw Failure(description: "\(why). \(self.installHint)\nstderr:\n\(stderrTail)")
        }
        let stdout = [UInt8](try Data(contentsOf: outputURL))
        do {
            return try JSONParser(limits: .document).parse(stdout)
        } catch {
            throw Failure(
                description: "jose_peer.py \(command) printed unreadable JSON (\(error))\nstderr:\n\(stderrTail)")
        }
    }
}
