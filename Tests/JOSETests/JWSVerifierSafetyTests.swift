// SPDX-License-Identifier: Apache-2.0
import JOSE
import Testing

/// Builds compact JWS by hand, so tests can produce headers the library's signer never would.
enum UnitTokens {
    /// A small JWT payload.
    static let payload = #"{"sub":"alice","iss":"https://idp.example"}"#

    /// `BASE64URL(UTF8(text))`.
    static func segment(_ text: String) -> String { Base64URL.encode(Array(text.utf8)) }

    /// `header.payload.signature` from header and payload JSON text and signature bytes.
    static func compact(header: String, payload: String = Self.payload, signature: [UInt8]) -> String {
        "\(self.segment(header)).\(self.segment(payload)).\(Base64URL.encode(signature))"
    }

    /// Signs the header JSON text exactly as given (no `alg` check beyond the key's own).
    static func signed(
        header: String, payload: String = Self.payload, key: SigningKey, algorithm: JWSAlgorithm
    ) throws -> String {
        let input = "\(self.segment(header)).\(self.segment(payload))"
        let signature = try key.sign(Array(input.utf8), algorithm: algorithm)
        return "\(input).\(Base64URL.encode(signature))"
    }

    /// The three dot-separated segments.
    static func parts(_ token: String) -> [String] {
        token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// The token with its signature replaced.
    static func replacingSignature(of token: String, with signature: [UInt8]) -> String {
        let parts = self.parts(token)
        return "\(parts[0]).\(parts[1]).\(Base64URL.encode(signature))"
    }

    /// The decoded signature.
    static func signature(of token: String) throws -> [UInt8] { try Base64URL.decode(self.parts(token)[2]) }
}

@Suite struct JWSVerifierSafetyTests {
    private static func hmacKey(keyID: String? = nil) throws -> SigningKey {
        try SigningKey(
            hmacSecret: Array("a shared secret that is long enough for HS512 ......... 64 bytes".utf8), keyID: keyID)
    }

    /// `a - b` for equal-length big-endian unsigned integers with `a >= b`.
    private static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: a.count)
        var borrow = 0
        for index in stride(from: a.count - 1, through: 0, by: -1) {
            var digit = Int(a[index]) - Int(b[index]) - borrow
            borrow = digit < 0 ? 1 : 0
            if digit < 0 { digit += 256 }
            result[index] = UInt8(digit)
        }
        return result
    }

    private static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8).map { $0 <= 0x39 ? $0 - 0x30 : ($0 | 0x20) - 0x61 + 10 }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// The order n of P-256 (SEC 2 §2.4.2).
    private static let p256Order = hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551")

    /// Raw `r || s` re-encoded as DER `SEQUENCE { INTEGER r, INTEGER s }`, as OpenSSL and Java emit.
    private static func derSignature(fromRaw raw: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop(while: { $0 == 0 }))
            if value.isEmpty { value = [0] }
            if value[0] & 0x80 != 0 { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let half = raw.count / 2
        let body = integer(raw[0..<half]) + integer(raw[half...])
        return [0x30, UInt8(body.count)] + body
    }

    // MARK: alg none

    @Test(
        "alg none is rejected in every spelling, with any allow-list and any keys",
        arguments: ["none", "NONE", "None", "nOnE"])
    func algNone(name: String) throws {
        let rsa = try UnitFixtures.rsaKey().verificationKey
        let hmac = try Self.hmacKey()
        let unsigned = UnitTokens.compact(header: #"{"alg":"\#(name)"}"#, signature: [])
        // A 'none' token carrying a MAC computed with the verifier's own secret must fail too.
        let macked = try UnitTokens.signed(header: #"{"alg":"\#(name)"}"#, key: hmac, algorithm: .hs256)
        let allowLists: [Set<JWSAlgorithm>?] = [
            nil, [], [.none], [JWSAlgorithm(rawValue: name)], Set(JWSAlgorithm.supported + [.none]),
        ]
        for algorithms in allowLists {
            for keys in [[rsa], [], [hmac.verificationKey]] {
                let verifier = try JWSVerifier(keys: keys, algorithms: algorithms)
                for token in [unsigned, macked] {
                    let error = #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) {
                        try verifier.verify(token)
                    }
                    #expect(error?.reason.contains("never accepted") == true)
                }
            }
        }
    }

    @Test("a caller listing none does not make the verifier accept it")
    func noneInAllowList() throws {
        let verifier = try JWSVerifier(keys: [try UnitFixtures.rsaKey().verificationKey], algorithms: [.none, .rs256])
        #expect(verifier.allowedAlgorithms == [.rs256])
    }

    @Test(
        "unknown or differently cased algorithm names are rejected",
        arguments: ["rs256", "HS1", "RS1", "ES256K", "", "EDDSA"])
    func unknownAlgorithm(name: String) throws {
        let verifier = try JWSVerifier(keys: [try UnitFixtures.rsaKey().verificationKey])
        let token = UnitTokens.compact(header: #"{"alg":"\#(name)"}"#, signature: [1, 2, 3])
        #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) { try verifier.verify(token) }
    }

    // MARK: Algorithm confusion

    @Test("HS256 keyed with the RSA public key (PEM text, DER, JWK) is rejected by a verifier holding that RSA key")
    func hmacWithRSAPublicKey() throws {
        let pem = UnitFixtures.rsaPublicPEM
        let rsaKey = try VerificationKey(pem: pem, keyID: "rsa-1")
        let secrets: [[UInt8]] = [
            Array(pem.utf8), Array(pem.utf8.dropLast()), try UnitFixtures.der(fromPEM: pem),
            Array(rsaKey.jwk.jsonText.utf8),
        ]
        for secret in secrets {
            let attacker = try SigningKey(hmacSecret: secret)
            for algorithm in [JWSAlgorithm.hs256, .hs384, .hs512] {
                let withoutKid = try UnitTokens.signed(
                    header: #"{"alg":"\#(algorithm)"}"#, key: attacker, algorithm: algorithm)
                let withKid = try UnitTokens.signed(
                    header: #"{"alg":"\#(algorithm)","kid":"rsa-1"}"#, key: attacker, algorithm: algorithm)
                // Sanity: the forgery is a correct MAC under that secret.
                #expect(try JWSVerifier(keys: [attacker.verificationKey]).verify(withoutKid).payload.isEmpty == false)

                let open = try JWSVerifier(keys: [rsaKey])
                #expect(throws: JOSEError.keyNotFound(reason: "")) { try open.verify(withoutKid) }
                #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) { try open.verify(withKid) }
                let permissive = try JWSVerifier(keys: [rsaKey], algorithms: Set(JWSAlgorithm.supported))
                #expect(throws: JOSEError.keyNotFound(reason: "")) { try permissive.verify(withoutKid) }
                #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) { try permissive.verify(withKid) }
                let rsaOnly = try JWSVerifier(keys: [rsaKey], algorithms: [.rs256])
                #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) { try rsaOnly.verify(withKid) }

                let jws = try CompactJWS(withoutKid)
                #expect(!rsaKey.isValidSignature(jws.signature, for: jws.signingInput, algorithm: algorithm))
            }
        }
        #expect(!rsaKey.fits(.hs256))
        var jwk = rsaKey.jwk
        jwk.algorithm = .hs256
        #expect(throws: JOSEError.invalidKey(reason: ""), "an RSA JWK cannot claim alg HS256") {
            try VerificationKey(jwk: jwk)
        }
    }

    @Test("an HMAC key never verifies RS256 (or any asymmetric algorithm)")
    func hmacNeverVerifiesRSA() throws {
        let rsa = try UnitFixtures.rsaKey()
        let hmac = try Self.hmacKey(keyID: "rsa-1")
        let token = try JWSSigner(key: rsa, algorithm: .rs256).sign(payload: [1])
        #expect(throws: JOSEError.algorithmNotAllowed(reason: ""), "kid names the HMAC key") {
            try JWSVerifier(keys: [hmac.verificationKey]).verify(token)
        }
        var anonymous = hmac
        anonymous.keyID = nil
        var anonymousRSA = rsa
        anonymousRSA.keyID = nil
        let tokenWithoutKid = try JWSSigner(key: anonymousRSA, algorithm: .rs256).sign(payload: [1])
        for candidate in [token, tokenWithoutKid] {
            #expect(throws: JOSEError.keyNotFound(reason: "")) {
                try JWSVerifier(keys: [anonymous.verificationKey], algorithms: Set(JWSAlgorithm.supported)).verify(
                    candidate)
            }
        }

        // An "RS256" token whose signature is the HMAC-SHA256 under the verifier's secret.
        let disguised = try UnitTokens.signed(header: #"{"alg":"HS256"}"#, key: hmac, algorithm: .hs256)
        let parts = UnitTokens.parts(disguised)
        let relabeled = "\(UnitTokens.segment(#"{"alg":"RS256"}"#)).\(parts[1]).\(parts[2])"
        #expect(throws: JOSEError.keyNotFound(reason: "")) {
            try JWSVerifier(keys: [anonymous.verificationKey]).verify(relabeled)
        }

        let jws = try CompactJWS(token)
        for algorithm in JWSAlgorithm.supported where !algorithm.isSymmetric {
            #expect(!hmac.verificationKey.fits(algorithm))
            #expect(!hmac.verificationKey.isValidSignature(jws.signature, for: jws.signingInput, algorithm: algorithm))
        }
    }

    @Test("an algorithm outside the caller's allow-list is rejected even though the key fits it")
    func callerAllowList() throws {
        let rsa = try UnitFixtures.rsaKey()
        let token = try JWSSigner(key: rsa, algorithm: .rs256).sign(payload: [1])
        #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) {
            try JWSVerifier(keys: [rsa.verificationKey], algorithms: [.ps256, .es256]).verify(token)
        }
        #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) {
            try JWSVerifier(keys: [rsa.verificationKey], algorithms: []).verify(token)
        }
        #expect(try JWSVerifier(keys: [rsa.verificationKey], algorithms: [.rs256]).verify(token).payload == [1])
    }

    @Test("a key's own alg restricts it: an RS256-only key rejects a valid PS256 token")
    func keyAlgorithmRestricts() throws {
        let rsa = try UnitFixtures.rsaKey()
        var jwk = rsa.publicJWK
        jwk.algorithm = .rs256
        let restricted = try VerificationKey(jwk: jwk)
        #expect(restricted.algorithms == [.rs256])

        let ps256 = try JWSSigner(key: rsa, algorithm: .ps256).sign(payload: [2])
        #expect(try JWSVerifier(keys: [rsa.verificationKey]).verify(ps256).payload == [2], "the token itself is valid")
        #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) { try JWSVerifier(keys: [restricted]).verify(ps256) }
        jwk.keyID = nil
        #expect(throws: JOSEError.keyNotFound(reason: "")) {
            try JWSVerifier(keys: [try VerificationKey(jwk: jwk)]).verify(ps256)
        }
        let rs256 = try JWSSigner(key: rsa, algorithm: .rs256).sign(payload: [3])
        #expect(try JWSVerifier(keys: [restricted]).verify(rs256).payload == [3])
    }

    @Test("EdDSA and Ed25519 both verify with an Ed25519 key, whichever name the key carries")
    func edDSANames() throws {
        let ed = try SigningKey.generate(.ed25519, keyID: "ed")
        for tokenAlgorithm in [JWSAlgorithm.edDSA, .ed25519] {
            let token = try JWSSigner(key: ed, algorithm: tokenAlgorithm).sign(payload: [4])
            #expect(try JWSVerifier(keys: [ed.verificationKey]).verify(token).header.algorithm == tokenAlgorithm)
            for keyAlgorithm in [JWSAlgorithm.edDSA, .ed25519] {
                var jwk = ed.publicJWK
                jwk.algorithm = keyAlgorithm
                let key = try VerificationKey(jwk: jwk)
                #expect(try JWSVerifier(keys: [key]).verify(token).payload == [4])
            }
        }
    }

    // MARK: crit

    @Test("crit naming an extension the caller does not understand is rejected")
    func unknownCritical() throws {
        let key = try SigningKey.generate(.ec(.p256))
        let token = try UnitTokens.signed(
            header: #"{"alg":"ES256","crit":["exp"],"exp":1}"#, key: key, algorithm: .es256)
        #expect(throws: JOSEError.unsupportedCriticalHeader(reason: "")) {
            try JWSVerifier(keys: [key.verificationKey]).verify(token)
        }
        #expect(throws: JOSEError.unsupportedCriticalHeader(reason: "")) {
            try JWSVerifier(keys: [key.verificationKey], understoodCriticalHeaders: ["b64"]).verify(token)
        }
    }

    @Test(
        "crit listing a registered header is rejected even if the caller claims to understand it",
        arguments: [
            "alg", "kid", "typ", "cty", "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256", "crit", "enc", "zip",
        ])
    func registeredCritical(name: String) throws {
        let key = try SigningKey.generate(.ec(.p256))
        let header = #"""
            {"alg":"ES256","typ":"JWT","kid":"k","cty":"x","jku":"u","jwk":{},"x5u":"u","x5c":[],"x5t":"t",\#
            "x5t#S256":"t","enc":"A128GCM","zip":"DEF","crit":["\#(name)"]}
            """#
        let token = try UnitTokens.signed(header: header, key: key, algorithm: .es256)
        var verifying = key
        verifying.keyID = "k"
        #expect(throws: JOSEError.unsupportedCriticalHeader(reason: "")) {
            try JWSVerifier(keys: [verifying.verificationKey], understoodCriticalHeaders: [name]).verify(token)
        }
    }

    @Test("crit understood by the caller and present in the header is accepted")
    func understoodCritical() throws {
        let key = try SigningKey.generate(.ec(.p256))
        let token = try UnitTokens.signed(
            header: #"{"alg":"ES256","crit":["urn:example:ext"],"urn:example:ext":true}"#, key: key, algorithm: .es256)
        let verified = try JWSVerifier(keys: [key.verificationKey], understoodCriticalHeaders: ["urn:example:ext"])
            .verify(token)
        #expect(verified.header.critical == ["urn:example:ext"])
        #expect(verified.header.members["urn:example:ext"] == true)
    }

    @Test("crit listing a member absent from the header is rejected")
    func absentCritical() throws {
        let key = try SigningKey.generate(.ec(.p256))
        let token = try UnitTokens.signed(
            header: #"{"alg":"ES256","crit":["urn:example:ext"]}"#, key: key, algorithm: .es256)
        let error = #expect(throws: JOSEError.unsupportedCriticalHeader(reason: "")) {
            try JWSVerifier(keys: [key.verificationKey], understoodCriticalHeaders: ["urn:example:ext"]).verify(token)
        }
        #expect(error?.reason.contains("absent") == true)
    }

    @Test("crit names compare exactly: an understood K-name is not met by a Kelvin-sign member")
    func criticalNamesCompareExactly() throws {
        let key = try SigningKey.generate(.ec(.p256))
        // "\u{212A}" (KELVIN SIGN) is canonically equivalent to "K", so String == would call them equal.
        let token = try UnitTokens.signed(
            header: #"{"alg":"ES256","crit":["Kx"],"\u212Ax":true}"#, key: key, algorithm: .es256)
        let error = #expect(throws: JOSEError.unsupportedCriticalHeader(reason: "")) {
            try JWSVerifier(keys: [key.verificationKey], understoodCriticalHeaders: ["Kx"]).verify(token)
        }
        #expect(error?.reason.contains("absent") == true)
        let kelvin = try UnitTokens.signed(
            header: #"{"alg":"ES256","crit":["\u212Ax"],"Kx":true}"#, key: key, algorithm: .es256)
        #expect(throws: JOSEError.unsupportedCriticalHeader(reason: "")) {
            try JWSVerifier(keys: [key.verificationKey], understoodCriticalHeaders: ["Kx"]).verify(kelvin)
        }
    }

    @Test("thousands of crit names against a large header cost linear time, before the signature is checked")
    func manyCriticalNames() throws {
        // Found in review: a lookup per crit name that re-read the whole header made this quadratic
        // (0.7 s per 21 KB token in a release build), all before the signature check.
        let padding = String(repeating: "a", count: 20_000)
        let names = Array(repeating: #""x""#, count: 4_000).joined(separator: ",")
        let header = #"{"alg":"HS256","x":1,"p":["\#(padding)"],"crit":[\#(names)]}"#
        let token = UnitTokens.compact(header: header, signature: [UInt8](repeating: 0, count: 32))
        let verifier = try JWSVerifier(
            keys: [try SigningKey.generate(.hmac(bytes: 32)).verificationKey], understoodCriticalHeaders: ["x"])
        let start = ContinuousClock.now
        for _ in 0..<20 {
            #expect(throws: JOSEError.invalidSignature(reason: "")) { try verifier.verify(token) }
        }
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    // MARK: Key selection

    @Test("a kid not in the set is keyNotFound and never falls back to a key that would verify")
    func unknownKidDoesNotFallBack() throws {
        var a = try SigningKey.generate(.ec(.p256))
        let aWithoutKid = a.verificationKey
        a.keyID = "a"
        let aWithKid = a.verificationKey
        let b = try SigningKey.generate(.ec(.p256), keyID: "b")

        var ghost = a
        ghost.keyID = "ghost"
        let token = try JWSSigner(key: ghost).sign(payload: [5])  // signed by A, kid "ghost"
        for keys in [[aWithoutKid], [aWithKid], [aWithoutKid, aWithKid], [b.verificationKey, aWithoutKid]] {
            let error = #expect(throws: JOSEError.keyNotFound(reason: "")) { try JWSVerifier(keys: keys).verify(token) }
            #expect(error?.reason.contains("ghost") == true)
        }
        // Positive control: without a kid, A's signature verifies against the kid-less A.
        var anonymous = a
        anonymous.keyID = nil
        let plain = try JWSSigner(key: anonymous).sign(payload: [5])
        #expect(try JWSVerifier(keys: [aWithoutKid]).verify(plain).payload == [5])
    }

    @Test("a kid naming another key fails even though a kid-less key in the set would verify")
    func kidNamesWrongKey() throws {
        var a = try SigningKey.generate(.ec(.p256))
        let aWithoutKid = a.verificationKey
        let b = try SigningKey.generate(.ec(.p256), keyID: "b")
        a.keyID = "b"
        let token = try JWSSigner(key: a).sign(payload: [6])  // signed by A, claims to be B
        #expect(throws: JOSEError.invalidSignature(reason: "")) {
            try JWSVerifier(keys: [aWithoutKid, b.verificationKey]).verify(token)
        }
    }

    @Test("a kid naming a key the set skipped is keyNotFound with the reason")
    func kidOfSkippedKey() throws {
        let a = try SigningKey.generate(.ec(.p256), keyID: "enc-key")
        var unusable = a.publicJWK
        unusable.use = "enc"
        var other = try SigningKey.generate(.ec(.p256)).publicJWK
        other.keyID = "other"
        let verifier = try JWSVerifier(keySet: JWKSet(keys: [unusable, other]))
        let token = try JWSSigner(key: a).sign(payload: [7])
        let error = #expect(throws: JOSEError.keyNotFound(reason: "")) { try verifier.verify(token) }
        #expect(error?.reason.contains("unusable") == true)
    }

    @Test("without a kid every fitting key is tried, in order")
    func noKidTriesEveryKey() throws {
        var a = try SigningKey.generate(.ec(.p256))
        a.keyID = nil
        let others = try (0..<3).map { _ in try SigningKey.generate(.ec(.p256), keyID: nil).verificationKey }
        let ed = try SigningKey.generate(.ed25519).verificationKey
        let rsa = try UnitFixtures.rsaKey().verificationKey
        let token = try JWSSigner(key: a).sign(payload: [8])
        let verifier = try JWSVerifier(keys: [rsa, others[0], ed, others[1], a.verificationKey, others[2]])
        let verified = try verifier.verify(token)
        #expect(verified.key.jwk == a.publicJWK)

        // Keys with kids are candidates too when the token has none.
        var named = a
        named.keyID = "a"
        #expect(try JWSVerifier(keys: [others[0], named.verificationKey]).verify(token).key.keyID == "a")

        // None of them verifies: invalidSignature, not a fallback to something else.
        #expect(throws: JOSEError.invalidSignature(reason: "")) { try JWSVerifier(keys: others).verify(token) }
        // No key fits the algorithm at all: keyNotFound.
        #expect(throws: JOSEError.keyNotFound(reason: "")) { try JWSVerifier(keys: [rsa, ed]).verify(token) }
    }

    @Test("two fitting keys with the same kid are an ambiguous set")
    func duplicateKid() throws {
        let a = try SigningKey.generate(.ec(.p256), keyID: "dup")
        let b = try SigningKey.generate(.ec(.p256), keyID: "dup")
        let token = try JWSSigner(key: a).sign(payload: [9])
        let error = #expect(throws: JOSEError.invalidKey(reason: "")) {
            try JWSVerifier(keys: [a.verificationKey, b.verificationKey]).verify(token)
        }
        #expect(error?.reason.contains("ambiguous") == true)
        let set = JWKSet(keys: [a.publicJWK, b.publicJWK])
        #expect(throws: JOSEError.invalidKey(reason: "")) { try JWSVerifier(keySet: set).verify(token) }
    }

    @Test("a set mixing HMAC secrets and public keys is refused")
    func mixedSet() throws {
        let rsa = try UnitFixtures.rsaKey().verificationKey
        let hmac = try Self.hmacKey().verificationKey
        #expect(throws: JOSEError.invalidKey(reason: "")) { try JWSVerifier(keys: [hmac, rsa]) }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try JWSVerifier(keys: [rsa, hmac]) }
        let set = JWKSet(keys: [try Self.hmacKey().privateJWK, try UnitFixtures.rsaKey().publicJWK])
        #expect(throws: JOSEError.invalidKey(reason: "")) { try JWSVerifier(keySet: set) }
        #expect(throws: Never.self) { try JWSVerifier(keys: [hmac, try Self.hmacKey(keyID: "2").verificationKey]) }
        #expect(throws: Never.self) { try JWSVerifier(keys: [rsa, try SigningKey.generate(.ed25519).verificationKey]) }
    }

    @Test("jwk, jku, x5u and x5c headers are never trusted: an embedded attacker key does not verify")
    func embeddedKeysIgnored() throws {
        let attacker = try SigningKey.generate(.ec(.p256), keyID: "attacker")
        let legit = try SigningKey.generate(.ec(.p256), keyID: "legit")
        let embedded = JSONValue.object(attacker.publicJWK.jsonObject).jsonText
        let members =
            #""jwk":\#(embedded),"jku":"https://attacker.example/jwks","x5u":"https://attacker.example/c.pem","#
            + #""x5c":["MIIB"]"#
        let noKid = try UnitTokens.signed(header: #"{"alg":"ES256",\#(members)}"#, key: attacker, algorithm: .es256)
        let legitKid = try UnitTokens.signed(
            header: #"{"alg":"ES256","kid":"legit",\#(members)}"#, key: attacker, algorithm: .es256)
        let attackerKid = try UnitTokens.signed(
            header: #"{"alg":"ES256","kid":"attacker",\#(members)}"#, key: attacker, algorithm: .es256)

        let verifier = try JWSVerifier(keys: [legit.verificationKey])
        #expect(throws: JOSEError.invalidSignature(reason: "")) { try verifier.verify(noKid) }
        #expect(throws: JOSEError.invalidSignature(reason: "")) { try verifier.verify(legitKid) }
        #expect(throws: JOSEError.keyNotFound(reason: "")) { try verifier.verify(attackerKid) }
        #expect(throws: JOSEError.keyNotFound(reason: "")) { try JWSVerifier(keys: []).verify(noKid) }

        // The members are inert, not forbidden: the legitimate key's token with them verifies.
        let legitToken = try UnitTokens.signed(header: #"{"alg":"ES256",\#(members)}"#, key: legit, algorithm: .es256)
        #expect(try verifier.verify(legitToken).key.keyID == "legit")
    }

    // MARK: Signature encoding

    @Test("an ECDSA signature in DER form is rejected; raw r || s verifies")
    func ecdsaDERRejected() throws {
        for curve in ECCurve.allCases {
            let key = try SigningKey.generate(.ec(curve))
            let verifier = try JWSVerifier(keys: [key.verificationKey])
            let token = try JWSSigner(key: key).sign(payload: [10])
            let raw = try UnitTokens.signature(of: token)
            #expect(raw.count == 2 * curve.componentSize)
            #expect(try verifier.verify(token).payload == [10])
            if curve != .p521 {  // DER lengths of P-521 need a long-form length; P-256/384 cover the point.
                let der = Self.derSignature(fromRaw: raw)
                #expect(throws: JOSEError.invalidSignature(reason: "")) {
                    try verifier.verify(UnitTokens.replacingSignature(of: token, with: der))
                }
            }
        }
    }

    @Test("a high-S ECDSA signature (s' = n - s) is accepted, as RFC 7518 does not require low S")
    func highS() throws {
        let key = try SigningKey.generate(.ec(.p256))
        let verifier = try JWSVerifier(keys: [key.verificationKey])
        for index in 0..<4 {
            let token = try JWSSigner(key: key).sign(payload: [UInt8(index)])
            let raw = try UnitTokens.signature(of: token)
            let s = Array(raw[32...])
            let flipped = Self.subtract(Self.p256Order, s)
            #expect(flipped != s)
            let twin = UnitTokens.replacingSignature(of: token, with: Array(raw[..<32]) + flipped)
            #expect(try verifier.verify(token).payload == [UInt8(index)])
            #expect(try verifier.verify(twin).payload == [UInt8(index)])
        }
    }

    @Test("degenerate ECDSA signatures (zero, r or s equal to n) are rejected")
    func degenerateECDSA() throws {
        let key = try SigningKey.generate(.ec(.p256))
        let verifier = try JWSVerifier(keys: [key.verificationKey])
        let token = try JWSSigner(key: key).sign(payload: [11])
        let raw = try UnitTokens.signature(of: token)
        let candidates: [[UInt8]] = [
            [UInt8](repeating: 0, count: 64), Self.p256Order + Array(raw[32...]), Array(raw[..<32]) + Self.p256Order,
            Array(raw[..<32]) + [UInt8](repeating: 0, count: 32), [UInt8](repeating: 0xFF, count: 64),
        ]
        for signature in candidates {
            #expect(throws: JOSEError.invalidSignature(reason: "")) {
                try verifier.verify(UnitTokens.replacingSignature(of: token, with: signature))
            }
        }
    }

    @Test("signatures of the wrong length are rejected for every key kind")
    func wrongLength() throws {
        let keys = [
            try UnitFixtures.rsaKey(), try SigningKey.generate(.ec(.p256)), try SigningKey.generate(.ed25519),
            try Self.hmacKey(),
        ]
        for key in keys {
            let verifier = try JWSVerifier(keys: [key.verificationKey])
            let token = try JWSSigner(key: key, algorithm: key.algorithms[0]).sign(payload: [12])
            let signature = try UnitTokens.signature(of: token)
            #expect(try verifier.verify(token).payload == [12])
            let variants: [[UInt8]] = [
                [], Array(signature.dropLast()), [0] + signature, signature + [0], Array(signature.prefix(16)),
                signature + signature,
            ]
            for variant in variants {
                #expect(throws: JOSEError.invalidSignature(reason: ""), "\(key.kind), \(variant.count) bytes") {
                    try verifier.verify(UnitTokens.replacingSignature(of: token, with: variant))
                }
            }
        }
    }

    @Test("a tampered header, payload or signature is rejected")
    func tampering() throws {
        let keys = [
            try UnitFixtures.rsaKey(), try SigningKey.generate(.ec(.p384)), try SigningKey.generate(.ed25519),
            try Self.hmacKey(),
        ]
        for key in keys {
            let verifier = try JWSVerifier(keys: [key.verificationKey])
            let algorithm = key.algorithms[0]
            let token = try UnitTokens.signed(header: #"{"alg":"\#(algorithm)"}"#, key: key, algorithm: algorithm)
            #expect(try verifier.verify(token).payload == Array(UnitTokens.payload.utf8))
            let parts = UnitTokens.parts(token)

            let otherPayload = UnitTokens.segment(#"{"sub":"admin","iss":"https://idp.example"}"#)
            let otherHeader = UnitTokens.segment(#"{"alg":"\#(algorithm)","typ":"JWT"}"#)
            let reordered = UnitTokens.segment(#"{ "alg":"\#(algorithm)"}"#)
            var tampered = [
                "\(parts[0]).\(otherPayload).\(parts[2])", "\(otherHeader).\(parts[1]).\(parts[2])",
                "\(reordered).\(parts[1]).\(parts[2])",
            ]
            let signature = try Base64URL.decode(parts[2])
            for position in [0, signature.count / 2, signature.count - 1] {
                var flipped = signature
                flipped[position] ^= 0x01
                tampered.append(UnitTokens.replacingSignature(of: token, with: flipped))
            }
            for forged in tampered {
                #expect(throws: JOSEError.invalidSignature(reason: ""), "\(key.kind)") { try verifier.verify(forged) }
            }
        }
    }

    @Test("a signature made for one RSA algorithm does not verify under another")
    func rsaAlgorithmSwap() throws {
        let rsa = try UnitFixtures.rsaKey()
        let verifier = try JWSVerifier(keys: [rsa.verificationKey])
        let pkcs1 = try UnitTokens.signed(header: #"{"alg":"RS256"}"#, key: rsa, algorithm: .rs256)
        let signature = try UnitTokens.signature(of: pkcs1)
        for algorithm in [JWSAlgorithm.ps256, .rs384, .rs512] {
            let swapped = UnitTokens.compact(header: #"{"alg":"\#(algorithm)"}"#, signature: signature)
            #expect(throws: JOSEError.invalidSignature(reason: "")) { try verifier.verify(swapped) }
        }
    }

    @Test("concurrent verifications sharing a key (and its pooled OpenSSL contexts) give exact answers")
    func concurrentVerification() async throws {
        let rsa = try UnitFixtures.rsaKey()
        let keys: [(SigningKey, [JWSAlgorithm])] = [
            (rsa, [.rs256, .ps256, .ps512]), (try SigningKey.generate(.ec(.p256)), [.es256]),
            (try SigningKey.generate(.ed25519), [.edDSA]), (try Self.hmacKey(), [.hs256, .hs512]),
        ]
        var cases: [(verifier: JWSVerifier, token: String, valid: Bool)] = []
        for (key, algorithms) in keys {
            let verifier = try JWSVerifier(keys: [key.verificationKey])
            for algorithm in algorithms {
                let token = try JWSSigner(key: key, algorithm: algorithm).sign(payload: Array("p".utf8))
                var signature = try UnitTokens.signature(of: token)
                signature[signature.count / 2] ^= 0x01
                cases.append((verifier, token, true))
                cases.append((verifier, UnitTokens.replacingSignature(of: token, with: signature), false))
            }
        }
        // A signature made under one RSA scheme, relabelled as another, on the same pooled key.
        let verifier = try JWSVerifier(keys: [rsa.verificationKey])
        for (signed, relabelled) in [(JWSAlgorithm.rs256, JWSAlgorithm.ps256), (.ps256, .rs256), (.ps512, .ps256)] {
            let token = try UnitTokens.signed(header: #"{"alg":"\#(signed)"}"#, key: rsa, algorithm: signed)
            let forged = UnitTokens.compact(
                header: #"{"alg":"\#(relabelled)"}"#, signature: try UnitTokens.signature(of: token))
            cases.append((verifier, forged, false))
        }
        let snapshot = cases
        let wrong = await withTaskGroup(of: Int.self) { group in
            for round in 0..<(snapshot.count * 12) {
                let (verifier, token, valid) = snapshot[round % snapshot.count]
                group.addTask { ((try? verifier.verify(token)) != nil) == valid ? 0 : 1 }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }

    // MARK: Diagnostics

    @Test("error messages never contain the token's base64 segments")
    func errorsDoNotLeakToken() throws {
        let key = try SigningKey.generate(.ec(.p256), keyID: "k")
        let long = #"{"sub":"\#(String(repeating: "s", count: 80))"}"#
        let token = try UnitTokens.signed(
            header: #"{"alg":"ES256","kid":"k"}"#, payload: long, key: key, algorithm: .es256)
        let parts = UnitTokens.parts(token)
        var flipped = try UnitTokens.signature(of: token)
        flipped[0] ^= 0xFF
        let forged = UnitTokens.replacingSignature(of: token, with: flipped)
        let badBase64 = "\(parts[0]).\(parts[1]).\(parts[2].dropLast(2))+/"

        let other = try SigningKey.generate(.ec(.p256), keyID: "other")
        let attempts: [() throws -> VerifiedJWS] = [
            { try JWSVerifier(keys: [key.verificationKey]).verify(forged) },
            { try JWSVerifier(keys: [other.verificationKey]).verify(token) },
            { try JWSVerifier(keys: [key.verificationKey], algorithms: [.rs256]).verify(token) },
            { try JWSVerifier(keys: [key.verificationKey]).verify(badBase64) },
            { try JWSVerifier(keys: []).verify(token) },
        ]
        for attempt in attempts {
            let error = #expect(throws: JOSEError.self) { _ = try attempt() }
            let text = "\(error.map(String.init(describing:)) ?? "")"
            #expect(!text.isEmpty)
            for segment in parts + [Base64URL.encode(flipped)] {
                #expect(!text.contains(segment.prefix(12)), "\(text)")
            }
        }
    }

    @Test("an unverified header's kid and crit names reach the reason bounded in bytes and without control characters")
    func untrustedHeaderTextInReasons() throws {
        let key = try SigningKey.generate(.ec(.p256))
        let escape = #"\u001b]0;owned\u0007\u001b[2J\u009b31m\u202e"#
        let huge = "e" + String(repeating: "\u{301}", count: 5_000)  // one Character of 10 001 bytes
        for header in [
            #"{"alg":"ES256","kid":"\#(escape)\#(huge)"}"#, #"{"alg":"ES256","crit":["\#(escape)\#(huge)"]}"#,
            #"{"alg":"\#(escape)\#(huge)"}"#,
        ] {
            let token = UnitTokens.compact(header: header, signature: Array(repeating: 1, count: 64))
            let error = try #require(throws: JOSEError.self) { try JWSVerifier(keys: [key.verificationKey]).verify(token) }
            #expect(!error.reason.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{202E}" })
            #expect(error.reason.utf8.count < 1_000, "\(error.reason.utf8.count) bytes")
        }
    }
}
