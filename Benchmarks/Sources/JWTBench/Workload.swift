// SPDX-License-Identifier: Apache-2.0
import COpenSSLBaseline
import Foundation
import JOSE
import JWTKit

/// One algorithm's workload: the same key and token for all three contenders.
struct Workload: @unchecked Sendable {  // the C verifier is only used from one task at a time
    let algorithm: JOSE.JWSAlgorithm
    let token: String
    let signingInput: [UInt8]
    let signature: [UInt8]
    let swiftOIDC: JWTVerifier
    let jwtKit: JWTKeyCollection
    let baseline: OpaquePointer

    static let issuer = "https://api.mobilepay.dk/merchant"
    static let audience = "2c6d6c24-cbd5-4f52-8d3a-2e1f3c4b5a69"

    /// A realistic ID token: ~10 claims, ~600 bytes of signing input.
    static func claims(now: Double) -> JSONObject {
        [
            "iss": .string(issuer), "sub": "a5f1e3b2-7c4d-4e6f-9a8b-1c2d3e4f5a6b", "aud": .string(audience),
            "exp": .number(now.rounded(.down) + 86_400), "iat": .number(now.rounded(.down) - 5),
            "auth_time": .number(now.rounded(.down) - 30), "nonce": "tZ0kQ4rVbX8yN2mW6pL1sJ9hG3fD7cA5eB0uI4oP8qR",
            "at_hash": "77QmUPtjPfzWtF2AnpK9RQ", "c_hash": "LDktKdoQak3Pk0cnXxCltA", "azp": .string(audience),
            "merchant_vat": "DK12345678", "sid": "08a5019c-17e1-4977-8f42-65a12843ea02",
        ]
    }

    static func make(_ algorithm: JOSE.JWSAlgorithm) async throws -> Workload {
        let kind: SigningKey.GeneratedKind
        switch algorithm {
        case .rs256, .ps256: kind = .rsa(bits: 2048)
        case .es256: kind = .ec(.p256)
        case .es384: kind = .ec(.p384)
        case .edDSA: kind = .ed25519
        default: kind = .hmac(bytes: 32)
        }
        let key = try SigningKey.generate(kind, keyID: "bench-\(algorithm.rawValue.lowercased())")
        let token = try JWSSigner(key: key, algorithm: algorithm).sign(claims: Self.claims(now: Date().timeIntervalSince1970))
        let parts = token.split(separator: ".")
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        let signature = try Base64URL.decode(parts[2])

        let verificationKey = key.verificationKey
        let swiftOIDC = JWTVerifier(
            signatures: try JWSVerifier(keys: [verificationKey], algorithms: [algorithm]),
            claims: JWTClaimsValidator(issuer: Self.issuer, audience: Self.audience))

        let kid = JWKIdentifier(string: key.keyID!)
        let collection = JWTKeyCollection()
        let secretOrDER: [UInt8]
        if case .symmetric = key.kind {
            secretOrDER = try Base64URL.decode(key.privateJWK.k!)
            await collection.add(hmac: HMACKey(from: secretOrDER), digestAlgorithm: .sha256, kid: kid)
        } else {
            secretOrDER = verificationKey.subjectPublicKeyInfo!
            let pem = "-----BEGIN PUBLIC KEY-----\n" + Data(secretOrDER).base64EncodedString(options: .lineLength64Characters)
                + "\n-----END PUBLIC KEY-----\n"
            switch algorithm {
            case .rs256: await collection.add(rsa: try Insecure.RSA.PublicKey(pem: pem), digestAlgorithm: .sha256, kid: kid)
            case .ps256: await collection.add(pss: try Insecure.RSA.PublicKey(pem: pem), digestAlgorithm: .sha256, kid: kid)
            case .es256: await collection.add(ecdsa: try ES256PublicKey(pem: pem), kid: kid)
            case .es384: await collection.add(ecdsa: try ES384PublicKey(pem: pem), kid: kid)
            default: await collection.add(eddsa: try EdDSA.PublicKey(x: key.publicJWK.x!, curve: .ed25519), kid: kid)
            }
        }
        let cKind: Int32
        switch algorithm {
        case .rs256: cKind = 0
        case .ps256: cKind = 1
        case .es256, .es384: cKind = 2
        case .edDSA: cKind = 3
        default: cKind = 4
        }
        let digest = algorithm == .es384 ? "SHA384" : "SHA256"
        let baseline = try secretOrDER.withUnsafeBufferPointer { buffer in
            guard let verifier = baseline_verifier_new(cKind, digest, buffer.baseAddress, buffer.count) else {
                throw BenchError("baseline key import failed")
            }
            return verifier
        }
        return Workload(
            algorithm: algorithm, token: token, signingInput: signingInput, signature: signature, swiftOIDC: swiftOIDC,
            jwtKit: collection, baseline: baseline)
    }

    /// All three must accept the token before anything is timed.
    func check() async throws {
        _ = try self.swiftOIDC.verify(self.token)
        _ = try await self.jwtKit.verify(self.token, as: BenchPayload.self)
        guard self.verifyBaseline() else { throw BenchError("openssl-c rejected the \(self.algorithm) token") }
    }

    func verifyBaseline() -> Bool {
        self.signingInput.withUnsafeBufferPointer { message in
            self.signature.withUnsafeBufferPointer { signature in
                baseline_verify(self.baseline, message.baseAddress, message.count, signature.baseAddress, signature.count)
                    == 1
            }
        }
    }
}

/// The same claims for jwt-kit, with the same standard checks (exp, iss, aud).
struct BenchPayload: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var auth_time: Int
    var nonce: String
    var at_hash: String
    var c_hash: String
    var azp: String
    var merchant_vat: String
    var sid: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try self.exp.verifyNotExpired()
        guard self.iss.value == Workload.issuer else { throw JWTError.claimVerificationFailure(failedClaim: self.iss, reason: "iss") }
        try self.aud.verifyIntendedAudience(includes: Workload.audience)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
