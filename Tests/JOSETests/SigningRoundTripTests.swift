// SPDX-License-Identifier: Apache-2.0
import Testing

// @testable only to reach the OpenSSL/ wrappers: signingFailed cannot be provoked through the public API,
// whose signing keys always hold their private part.
@testable import JOSE

@Suite struct SigningRoundTripTests {
    /// One generated RSA-2048 key for every RSA case (generation is the slowest step in the suite).
    private static let rsa = Result { try SigningKey.generate(.rsa(bits: 2048), keyID: "generated-rsa") }

    /// A freshly generated key that fits `algorithm`.
    private static func key(for algorithm: JWSAlgorithm) throws -> SigningKey {
        switch algorithm {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: return try self.rsa.get()
        case .es256: return try SigningKey.generate(.ec(.p256), keyID: "p256")
        case .es384: return try SigningKey.generate(.ec(.p384), keyID: "p384")
        case .es512: return try SigningKey.generate(.ec(.p521), keyID: "p521")
        case .edDSA, .ed25519: return try SigningKey.generate(.ed25519, keyID: "ed")
        default: return try SigningKey.generate(.hmac(bytes: 64), keyID: "oct")
        }
    }

    /// The signature length each algorithm must produce (RFC 7518 §3.2-3.5, RFC 8037 §3.1).
    private static func signatureLength(_ algorithm: JWSAlgorithm) -> Int {
        switch algorithm {
        case .es256: return 64
        case .es384: return 96
        case .es512: return 132
        case .edDSA, .ed25519: return 64
        case .hs256: return 32
        case .hs384: return 48
        case .hs512: return 64
        default: return 256  // RSA-2048
        }
    }

    @Test("sign then verify round-trips for every supported algorithm", arguments: JWSAlgorithm.supported)
    func roundTrip(algorithm: JWSAlgorithm) throws {
        let key = try Self.key(for: algorithm)
        let signer = try JWSSigner(key: key, algorithm: algorithm)
        let claims: JSONObject = ["iss": "https://idp.example", "sub": "alice", "exp": 4_000_000_000, "n": "é😀"]
        let token = try signer.sign(claims: claims, extraHeader: ["x-ext": "v", "alg": "none"])
        let verifier = try JWSVerifier(keys: [signer.key.verificationKey], algorithms: [algorithm])
        let verified = try verifier.verify(token)
        #expect(verified.header.algorithm == algorithm, "extraHeader cannot override alg")
        #expect(verified.header.type == "JWT")
        #expect(verified.header.keyID == key.keyID)
        #expect(verified.header.members["x-ext"] == "v")
        #expect(verified.payload == claims.serialized())
        #expect(try JWTClaims(payload: verified.payload).subject == "alice")
        #expect(try CompactJWS(token).signature.count == Self.signatureLength(algorithm))

        // The public JWK (or, for HMAC, the private one) verifies as well as the in-memory key.
        let jwk = algorithm.isSymmetric ? key.privateJWK : key.publicJWK
        #expect(try JWSVerifier(keys: [try VerificationKey(jwk: jwk)]).verify(token).payload == verified.payload)

        // Raw sign/verify, and a changed message fails.
        let message = Array("signing input".utf8)
        let signature = try key.sign(message, algorithm: algorithm)
        #expect(key.verificationKey.isValidSignature(signature, for: message, algorithm: algorithm))
        #expect(!key.verificationKey.isValidSignature(signature, for: message + [0], algorithm: algorithm))
    }

    @Test("ES signatures are always raw r || s of exactly 64, 96 or 132 bytes", arguments: ECCurve.allCases)
    func ecdsaLengths(curve: ECCurve) throws {
        let key = try SigningKey.generate(.ec(curve))
        #expect(key.algorithms == [curve.algorithm])
        let verification = key.verificationKey
        // Many signatures, so that some r or s with leading zero bytes (1 in 128 per signature) appear.
        for index in 0..<48 {
            let message = Array("message \(index)".utf8)
            let signature = try key.sign(message, algorithm: curve.algorithm)
            #expect(signature.count == 2 * curve.componentSize)
            #expect(verification.isValidSignature(signature, for: message, algorithm: curve.algorithm))
        }
        #expect([64, 96, 132].contains(2 * curve.componentSize))
    }

    @Test(
        "JWSSigner and SigningKey.sign refuse an algorithm that does not fit the key",
        arguments: [
            ("RSA", "ES256"), ("RSA", "HS256"), ("RSA", "EdDSA"), ("RSA", "none"), ("P-256", "ES384"),
            ("P-256", "RS256"), ("P-256", "HS256"), ("Ed25519", "ES256"), ("Ed25519", "RS256"), ("HMAC-32", "HS384"),
            ("HMAC-32", "HS512"), ("HMAC-64", "RS256"), ("HMAC-64", "none"), ("HMAC-64", "XX256"),
        ])
    func signerRefusesMismatch(kind: String, algorithm: String) throws {
        let key: SigningKey
        switch kind {
        case "RSA": key = try UnitFixtures.rsaKey()
        case "P-256": key = try SigningKey.generate(.ec(.p256))
        case "Ed25519": key = try SigningKey.generate(.ed25519)
        case "HMAC-32": key = try SigningKey.generate(.hmac(bytes: 32))
        default: key = try SigningKey.generate(.hmac(bytes: 64))
        }
        let algorithm = JWSAlgorithm(rawValue: algorithm)
        #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) { try JWSSigner(key: key, algorithm: algorithm) }
        #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) { try key.sign([1, 2, 3], algorithm: algorithm) }
    }

    @Test("a key's own alg narrows what it signs")
    func signingKeyAlgorithm() throws {
        let key = try SigningKey(pem: UnitFixtures.rsaPrivatePEM, algorithm: .ps384)
        #expect(key.algorithms == [.ps384])
        #expect(key.defaultAlgorithm == .ps384)
        #expect(try JWSSigner(key: key).algorithm == .ps384)
        #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) { try JWSSigner(key: key, algorithm: .rs256) }
        #expect(key.privateJWK.algorithm == .ps384)
        #expect(throws: JOSEError.invalidKey(reason: "")) {
            try SigningKey(pem: UnitFixtures.ecSEC1PEM, algorithm: .es384)
        }
    }

    @Test("default algorithms follow the key kind")
    func defaultAlgorithms() throws {
        #expect(try Self.rsa.get().defaultAlgorithm == .rs256)
        #expect(try SigningKey.generate(.ec(.p384)).defaultAlgorithm == .es384)
        #expect(try SigningKey.generate(.ec(.p521)).defaultAlgorithm == .es512)
        #expect(try SigningKey.generate(.ed25519).defaultAlgorithm == .edDSA)
        #expect(try SigningKey.generate(.hmac(bytes: 32)).defaultAlgorithm == .hs256)
        #expect(try SigningKey.generate(.hmac(bytes: 48)).defaultAlgorithm == .hs384)
        #expect(try SigningKey.generate(.hmac(bytes: 64)).defaultAlgorithm == .hs512)
    }

    @Test("generation refuses weak sizes")
    func generationLimits() {
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey.generate(.rsa(bits: 1024)) }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey.generate(.rsa(bits: 2047)) }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey.generate(.hmac(bytes: 31)) }
        #expect(throws: JOSEError.invalidKey(reason: "")) {
            try SigningKey(hmacSecret: [UInt8](repeating: 1, count: 16))
        }
    }

    @Test("generated keys are distinct")
    func generatedKeysDiffer() throws {
        let a = try SigningKey.generate(.ed25519)
        let b = try SigningKey.generate(.ed25519)
        #expect(a.publicJWK.x != b.publicJWK.x)
        let c = try SigningKey.generate(.hmac(bytes: 32))
        let d = try SigningKey.generate(.hmac(bytes: 32))
        #expect(c.privateJWK.k != d.privateJWK.k)
    }

    @Test("signingFailed: signing with a public key, or unreadable ECDSA output from OpenSSL")
    func signingFailed() throws {
        let publicKey = try EVPKey.pem(UnitFixtures.ecPublicPEM)
        #expect(!publicKey.isPrivate)
        #expect(throws: JOSEError.signingFailed(reason: "")) {
            try publicKey.sign([1, 2, 3], scheme: .ecdsa(.sha256, .p256))
        }
        #expect(throws: JOSEError.signingFailed(reason: "")) { try ECDSASignature.raw(fromDER: [], componentSize: 32) }
        #expect(throws: JOSEError.signingFailed(reason: "")) {
            try ECDSASignature.raw(fromDER: [0x30, 0x00], componentSize: 32)
        }
        // r of 33 significant bytes cannot be a P-256 component.
        let wide = [0x02, 0x21] + [UInt8](repeating: 0x7F, count: 33)
        let der = [0x30, UInt8(wide.count + 3)] + wide + [0x02, 0x01, 0x01]
        #expect(throws: JOSEError.signingFailed(reason: "")) { try ECDSASignature.raw(fromDER: der, componentSize: 32) }
        let short = [UInt8](repeating: 1, count: 63)
        #expect(ECDSASignature.der(fromRaw: short.span, componentSize: 32) == nil)
    }

    // MARK: Token hashes

    @Test(
        "TokenHash is the left half of the alg's hash: 16, 24 and 32 bytes for RS256, ES384 and EdDSA",
        arguments: [
            ("RS256", 16), ("PS256", 16), ("ES256", 16), ("HS256", 16), ("ES384", 24), ("RS384", 24), ("EdDSA", 32),
            ("Ed25519", 32), ("ES512", 32), ("HS512", 32),
        ])
    func tokenHashLength(algorithm: String, bytes: Int) throws {
        let hash = try TokenHash.compute(for: "access-token", algorithm: JWSAlgorithm(rawValue: algorithm))
        #expect(try Base64URL.decode(hash).count == bytes)
    }

    @Test("TokenHash matches the OpenID Connect Core examples (§A.3 at_hash, §A.4 c_hash)")
    func tokenHashVectors() throws {
        #expect(
            try TokenHash.compute(for: "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", algorithm: .rs256)
                == "77QmUPtjPfzWtF2AnpK9RQ")
        #expect(
            try TokenHash.compute(for: "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk", algorithm: .rs256)
                == "LDktKdoQak3Pk0cnXxCltA")
        #expect(
            TokenHash.matches(
                "77QmUPtjPfzWtF2AnpK9RQ", value: "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", algorithm: .rs256))
        #expect(
            !TokenHash.matches(
                "77QmUPtjPfzWtF2AnpK9RQ", value: "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Z", algorithm: .rs256))
        #expect(
            !TokenHash.matches(
                "77QmUPtjPfzWtF2AnpK9RQ", value: "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", algorithm: .rs384))
        #expect(
            !TokenHash.matches(
                "77QmUPtjPfzWtF2AnpK9RA", value: "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", algorithm: .rs256))
        #expect(!TokenHash.matches("", value: "x", algorithm: .rs256))
    }

    @Test("TokenHash refuses an algorithm without a defined hash")
    func tokenHashUnsupported() {
        #expect(throws: JOSEError.algorithmNotAllowed(reason: "")) { try TokenHash.compute(for: "x", algorithm: .none) }
        #expect(!TokenHash.matches("x", value: "x", algorithm: .none))
    }
}
