// SPDX-License-Identifier: Apache-2.0
import JOSE
import Testing

/// The worked examples of RFC 7515, 7517, 7638, 8037 and OpenID Connect Core (`Vectors/rfc/`).
@Suite("RFC and OpenID Connect worked examples")
struct RFCVectorTests {
    // MARK: RFC 7515 Appendix A

    @Test(
        "RFC 7515 A.1-A.4: the published compact JWS verifies",
        arguments: ["rfc7515_a1_hs256", "rfc7515_a2_rs256", "rfc7515_a3_es256", "rfc7515_a4_es512"])
    func rfc7515Verifies(name: String) throws {
        let vector = try TestVectors.object("rfc/\(name).json")
        let algorithm = JWSAlgorithm(rawValue: try vector.vectorString("alg"))
        // HS256 has no public part: the oct key verifies.
        let member = vector["jwk_public"] == nil ? "jwk" : "jwk_public"
        let key = try VerificationKey(jwk: try JWK(jsonObject: try vector.vectorObject(member)))
        #expect(key.fits(algorithm))
        let verifier = try JWSVerifier(keys: [key], algorithms: [algorithm])

        let compact = try vector.vectorString("compact")
        let verified = try verifier.verify(compact)
        #expect(verified.header.algorithm == algorithm)
        #expect(verified.payload == Array(try vector.vectorString("payload_utf8").utf8))

        // The parts are the published octets, used exactly as encoded (A.1-A.3 contain CR LF).
        let jws = try CompactJWS(compact)
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        #expect(try Base64URL.decode(parts[0]) == vector.vectorOctets("protected_header_octets"))
        #expect(jws.signingInput == Array(try vector.vectorString("signing_input").utf8))
        #expect(jws.payload == (try Base64URL.decode(try vector.vectorString("payload_b64u"))))
        #expect(jws.signature == (try Base64URL.decode(try vector.vectorString("signature_b64u"))))
        #expect(key.isValidSignature(jws.signature, for: jws.signingInput, algorithm: algorithm))

        // One changed payload character breaks the signature.
        let tampered = "\(parts[0]).\(Base64URL.encode(Array("{\"iss\":\"eve\"}".utf8))).\(parts[2])"
        #expect(throws: JOSEError.invalidSignature(reason: "")) { try verifier.verify(tampered) }
    }

    @Test(
        "RFC 7515 A.1 and A.2: re-signing the signing input reproduces the signature byte for byte",
        arguments: ["rfc7515_a1_hs256", "rfc7515_a2_rs256"])
    func rfc7515DeterministicSignature(name: String) throws {
        let vector = try TestVectors.object("rfc/\(name).json")
        let algorithm = JWSAlgorithm(rawValue: try vector.vectorString("alg"))
        let signingKey = try SigningKey(jwk: try JWK(jsonObject: try vector.vectorObject("jwk")))
        let signature = try signingKey.sign(Array(try vector.vectorString("signing_input").utf8), algorithm: algorithm)
        #expect(signature == (try Base64URL.decode(try vector.vectorString("signature_b64u"))))
    }

    @Test("RFC 7515 A.2: JWSSigner reproduces the whole compact serialization")
    func rfc7515RS256Signer() throws {
        let vector = try TestVectors.object("rfc/rfc7515_a2_rs256.json")
        let signingKey = try SigningKey(jwk: try JWK(jsonObject: try vector.vectorObject("jwk")))
        let signer = try JWSSigner(key: signingKey, algorithm: .rs256)
        // The header is {"alg":"RS256"}, exactly what the signer writes for a key without kid.
        let compact = try signer.sign(payload: try Base64URL.decode(try vector.vectorString("payload_b64u")))
        #expect(compact == (try vector.vectorString("compact")))
    }

    @Test(
        "RFC 7515 A.3 and A.4: ECDSA re-signing gives a different, valid, fixed-length signature",
        arguments: ["rfc7515_a3_es256", "rfc7515_a4_es512"])
    func rfc7515ECDSAResign(name: String) throws {
        let vector = try TestVectors.object("rfc/\(name).json")
        let algorithm = JWSAlgorithm(rawValue: try vector.vectorString("alg"))
        let signingKey = try SigningKey(jwk: try JWK(jsonObject: try vector.vectorObject("jwk")))
        let signingInput = Array(try vector.vectorString("signing_input").utf8)
        let signature = try signingKey.sign(signingInput, algorithm: algorithm)
        let published = try Base64URL.decode(try vector.vectorString("signature_b64u"))
        #expect(signature.count == published.count)
        let publicKey = try VerificationKey(jwk: try JWK(jsonObject: try vector.vectorObject("jwk_public")))
        #expect(publicKey.isValidSignature(signature, for: signingInput, algorithm: algorithm))
        #expect(signingKey.verificationKey.isValidSignature(published, for: signingInput, algorithm: algorithm))
    }

    // MARK: RFC 7517 Appendices A and B

    @Test("RFC 7517 A.1: public keys parse; the encryption key is refused for signatures")
    func rfc7517PublicKeys() throws {
        let vector = try TestVectors.object("rfc/rfc7517_appendix_a_b_keys.json")
        let set = try JWKSet(jsonBytes: try vector.vectorObject("A.1_public_keys").serialized())
        try #require(set.keys.count == 2)
        let ec = set.keys[0]
        #expect(ec.keyType == "EC" && ec.curve == "P-256" && ec.use == "enc" && ec.keyID == "1")
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: ec) }

        let rsa = try VerificationKey(jwk: set.keys[1])
        #expect(rsa.kind == .rsa(bits: 2048))
        #expect(rsa.algorithms == [.rs256])
        #expect(rsa.keyID == "2011-04-29")

        let (keys, skipped) = set.verificationKeys()
        #expect(keys.map(\.keyID) == ["2011-04-29"])
        #expect(skipped.map(\.keyID) == ["1"])

        let thumbprints = try vector.vectorObject("derived_not_in_rfc").vectorObject("thumbprints_by_kid")
        for jwk in set.keys {
            #expect(try jwk.thumbprint() == thumbprints.vectorString(try #require(jwk.keyID)))
        }
    }

    @Test("RFC 7517 A.2: private keys parse as signing keys that match their public halves")
    func rfc7517PrivateKeys() throws {
        let vector = try TestVectors.object("rfc/rfc7517_appendix_a_b_keys.json")
        let privateSet = try JWKSet(jsonBytes: try vector.vectorObject("A.2_private_keys").serialized())
        let publicSet = try JWKSet(jsonBytes: try vector.vectorObject("A.1_public_keys").serialized())
        try #require(privateSet.keys.count == 2 && publicSet.keys.count == 2)

        // The EC key is marked `use: enc`: refused for signing and for verification.
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: privateSet.keys[0]) }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: privateSet.keys[0]) }
        #expect(privateSet.keys[0].publicKey == publicSet.keys[0])

        let rsa = try SigningKey(jwk: privateSet.keys[1])
        #expect(rsa.kind == .rsa(bits: 2048))
        #expect(rsa.algorithms == [.rs256])
        #expect(rsa.publicJWK.n == publicSet.keys[1].n && rsa.publicJWK.e == publicSet.keys[1].e)
        #expect(rsa.publicJWK.d == nil && rsa.publicJWK.p == nil && rsa.publicJWK.qi == nil)
        #expect(privateSet.keys[1].publicKey == publicSet.keys[1])

        // A private JWK given as a verification key contributes only its public part.
        let verificationKey = try VerificationKey(jwk: privateSet.keys[1])
        #expect(verificationKey.jwk.d == nil)
        let message = Array("RFC 7517 A.2".utf8)
        let signature = try rsa.sign(message, algorithm: .rs256)
        #expect(verificationKey.isValidSignature(signature, for: message, algorithm: .rs256))
        #expect(
            try VerificationKey(jwk: publicSet.keys[1]).isValidSignature(signature, for: message, algorithm: .rs256))
    }

    @Test("RFC 7517 A.3: the 128-bit key-wrap key is refused; the RFC 7515 A.1 HMAC key works")
    func rfc7517SymmetricKeys() throws {
        let vector = try TestVectors.object("rfc/rfc7517_appendix_a_b_keys.json")
        let set = try JWKSet(jsonBytes: try vector.vectorObject("A.3_symmetric_keys").serialized())
        try #require(set.keys.count == 2)

        // 16 bytes with alg A128KW: too short for any HS* and not a JWS algorithm.
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: set.keys[0]) }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: set.keys[0]) }

        let hmac = try VerificationKey(jwk: set.keys[1])
        #expect(hmac.kind == .symmetric(bytes: 64))
        #expect(hmac.algorithms == [.hs256, .hs384, .hs512])
        #expect(hmac.jwk.k == nil)
        let a1 = try TestVectors.object("rfc/rfc7515_a1_hs256.json")
        #expect(set.keys[1].k == (try a1.vectorObject("jwk").vectorString("k")))
        let verified = try JWSVerifier(keys: [hmac]).verify(try a1.vectorString("compact"))
        #expect(verified.key.keyID == "HMAC key used in JWS spec Appendix A.1 example")
    }

    @Test("RFC 7517 B: the x5c member is kept and the RSA key verifies")
    func rfc7517X5C() throws {
        let vector = try TestVectors.object("rfc/rfc7517_appendix_a_b_keys.json")
        let object = try vector.vectorObject("B_x5c_example")
        let jwk = try JWK(jsonObject: object)
        #expect(jwk.otherMembers["x5c"]?.arrayValue?.count == 1)
        #expect(try JWK(json: jwk.jsonText) == jwk)
        let key = try VerificationKey(jwk: jwk)
        #expect(key.kind == .rsa(bits: 2048))
        #expect(key.keyID == "1b94c")
        #expect(key.algorithms == [.rs256, .rs384, .rs512, .ps256, .ps384, .ps512])
    }

    // MARK: RFC 7638

    @Test("RFC 7638 3.1: canonical input, SHA-256 and base64url thumbprint")
    func rfc7638Thumbprint() throws {
        let vector = try TestVectors.object("rfc/rfc7638_thumbprint.json")
        let jwk = try JWK(jsonObject: try vector.vectorObject("jwk"))
        #expect(try jwk.thumbprintInput() == Array(vector.vectorString("canonical_json_hash_input").utf8))
        let thumbprint = try jwk.thumbprint()
        #expect(thumbprint == (try vector.vectorString("thumbprint_sha256_b64u")))
        #expect(try Base64URL.decode(thumbprint) == vector.vectorOctets("sha256_octets"))
        #expect(
            "urn:ietf:params:oauth:jwk-thumbprint:sha-256:\(thumbprint)"
                == (try vector.vectorString("thumbprint_uri_rfc9278")))
        // Members outside the required set (alg, kid) do not change the thumbprint.
        var bare = JWK(keyType: "RSA")
        bare.n = jwk.n
        bare.e = jwk.e
        #expect(try bare.thumbprint() == thumbprint)
    }

    // MARK: RFC 8037

    @Test("RFC 8037 A.1-A.3: Ed25519 keys and thumbprint")
    func rfc8037Keys() throws {
        let vector = try TestVectors.object("rfc/rfc8037_ed25519.json")
        let privateJWK = try JWK(jsonObject: try vector.vectorObject("A.1_private_jwk"))
        let publicJWK = try JWK(jsonObject: try vector.vectorObject("A.2_public_jwk"))
        let signingKey = try SigningKey(jwk: privateJWK)
        #expect(signingKey.kind == .ed25519)
        #expect(signingKey.publicJWK == publicJWK)
        #expect(privateJWK.publicKey == publicJWK)
        let key = try VerificationKey(jwk: publicJWK)
        #expect(key.kind == .ed25519)
        #expect(key.algorithms == [.edDSA, .ed25519])

        #expect(try publicJWK.thumbprintInput() == Array(vector.vectorString("A.3_thumbprint_hash_input").utf8))
        #expect(try publicJWK.thumbprint() == vector.vectorString("A.3_thumbprint_sha256_b64u"))
        #expect(
            try Base64URL.decode(publicJWK.thumbprint())
                == TestVectors.hex(vector.vectorString("A.3_thumbprint_sha256_hex")))
    }

    @Test("RFC 8037 A.4-A.5: Ed25519 signing is deterministic and the JWS verifies")
    func rfc8037Signature() throws {
        let vector = try TestVectors.object("rfc/rfc8037_ed25519.json")
        let signingKey = try SigningKey(jwk: try JWK(jsonObject: try vector.vectorObject("A.1_private_jwk")))
        let signingInput = Array(try vector.vectorString("A.4_signing_input").utf8)
        let published = try Base64URL.decode(try vector.vectorString("A.4_signature_b64u"))
        #expect(try signingKey.sign(signingInput, algorithm: .edDSA) == published)

        let compact = try vector.vectorString("A.4_compact")
        let signer = try JWSSigner(key: signingKey, algorithm: .edDSA)
        #expect(try signer.sign(payload: Array(vector.vectorString("A.4_payload_utf8").utf8)) == compact)

        let key = try VerificationKey(jwk: try JWK(jsonObject: try vector.vectorObject("A.2_public_jwk")))
        let verified = try JWSVerifier(keys: [key]).verify(compact)
        #expect(verified.header.algorithm == .edDSA)
        #expect(verified.payload == Array(try vector.vectorString("A.4_payload_utf8").utf8))
        // Only Ed25519 keys: the ES256 key of RFC 7515 A.3 must not verify it.
        let es256 = try TestVectors.object("rfc/rfc7515_a3_es256.json")
        let ecKey = try VerificationKey(jwk: try JWK(jsonObject: try es256.vectorObject("jwk_public")))
        #expect(throws: JOSEError.keyNotFound(reason: "")) { try JWSVerifier(keys: [ecKey]).verify(compact) }
    }

    // MARK: OpenID Connect Core 1.0 Appendix A

    /// The examples expired in 2011: the validator runs on jose4j's fixed clock.
    private static let oidcNow: Double = 1_311_280_978

    @Test("OIDC Core A: at_hash and c_hash of the examples")
    func oidcTokenHashes() throws {
        let vector = try TestVectors.object("rfc/oidc_core_at_hash_c_hash.json")
        let examples = try vector.vectorObjects("examples")
        var checked = 0
        for example in examples {
            if let accessToken = example["access_token"]?.stringValue {
                let expected = try example.vectorString("at_hash")
                #expect(try TokenHash.compute(for: accessToken, algorithm: .rs256) == expected)
                #expect(TokenHash.matches(expected, value: accessToken, algorithm: .rs256))
                #expect(!TokenHash.matches(expected, value: accessToken + "x", algorithm: .rs256))
                checked += 1
            }
            if let code = example["code"]?.stringValue {
                let expected = try example.vectorString("c_hash")
                #expect(try TokenHash.compute(for: code, algorithm: .rs256) == expected)
                #expect(TokenHash.matches(expected, value: code, algorithm: .rs256))
                checked += 1
            }
        }
        #expect(checked == 2)
    }

    @Test("OIDC Core A.7: the example ID tokens verify with a fixed clock")
    func oidcIDTokens() throws {
        let vector = try TestVectors.object("rfc/oidc_core_at_hash_c_hash.json")
        let context = try vector.vectorObject("validation_context")
        let key = try VerificationKey(jwk: try JWK(jsonObject: try vector.vectorObject("a7_rsa_public_jwk")))
        #expect(key.keyID == "1e9gdk7")
        let claims = JWTClaimsValidator(
            issuer: try context.vectorString("iss"), audience: try context.vectorString("aud"),
            requiredClaims: ["exp", "iat"], now: { Self.oidcNow })
        let verifier = JWTVerifier(signatures: try JWSVerifier(keys: [key], algorithms: [.rs256]), claims: claims)

        let examples = try vector.vectorObjects("examples")
        #expect(examples.count == 3)
        for example in examples {
            let idToken = try example.vectorString("id_token")
            let verified = try verifier.verify(idToken)
            #expect(verified.header.keyID == "1e9gdk7")
            #expect(verified.claims["nonce"]?.stringValue == (try context.vectorString("nonce")))
            #expect(verified.claims.issuedAt == Double(try context.vectorInt("iat")))
            #expect(verified.claims.expiresAt == Double(try context.vectorInt("exp")))
            #expect(try CompactJWS(idToken).payload == Array(example.vectorString("id_token_payload_utf8").utf8))
            // The hash claims in the token are those of the example's access token and code.
            if let accessToken = example["access_token"]?.stringValue {
                let claim = try #require(verified.claims["at_hash"]?.stringValue)
                #expect(TokenHash.matches(claim, value: accessToken, algorithm: verified.header.algorithm))
            }
            if let code = example["code"]?.stringValue {
                let claim = try #require(verified.claims["c_hash"]?.stringValue)
                #expect(TokenHash.matches(claim, value: code, algorithm: verified.header.algorithm))
            }

            // On today's clock the tokens have expired.
            var current = verifier
            current.claims.now = { WallClock.secondsSinceEpoch() }
            #expect(throws: JOSEError.tokenExpired(reason: "")) { try current.verify(idToken) }
        }
    }
}
