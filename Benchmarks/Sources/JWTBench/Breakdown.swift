// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE

/// `BENCH_BREAKDOWN=HS256`: nanoseconds per call of each stage of swift-oidc's verification, through
/// public API, to say where the time goes (the stages overlap a little: verify(jws) includes the crypto).
enum Breakdown {
    nonisolated static func run(_ algorithm: JOSE.JWSAlgorithm) async throws {
        let workload = try await Workload.make(algorithm)
        let jws = try CompactJWS(workload.token)
        let payload = jws.payload
        let claims = try JWTClaims(payload: payload)
        let verifier = workload.swiftOIDC
        let key = verifier.signatures.keys[0]
        let parts = workload.token.split(separator: ".").map { Array($0.utf8) }
        let headerJSON = try Base64URL.decode(bytes: parts[0])
        let headerOnly = String(decoding: parts[0], as: UTF8.self) + ".."
        let stages: [(String, () throws -> Void)] = [
            ("base64url of the three parts (\(parts.map(\.count).reduce(0, +)) characters)", {
                for part in parts { _ = try Base64URL.decode(bytes: part) }
            }),
            ("header JSON alone (JSONParser, builds values)", { _ = try JSONParser(limits: .token).parse(headerJSON) }),
            ("CompactJWS of the header alone (\"header..\")", { _ = try CompactJWS(headerOnly) }),
            ("CompactJWS(token): split, base64url, header", { _ = try CompactJWS(workload.token) }),
            ("JWTClaims(payload:): claims JSON scan", { _ = try JWTClaims(payload: payload) }),
            ("JWTClaimsValidator.validate: exp/iat/iss/aud", { try verifier.claims.validate(claims) }),
            ("signature alone (VerificationKey.isValidSignature)", {
                precondition(key.isValidSignature(workload.signature, for: workload.signingInput, algorithm: algorithm))
            }),
            ("openssl-c on the same input", { precondition(workload.verifyBaseline()) }),
            ("JWSVerifier.verify(jws): alg, crit, key, signature", { _ = try verifier.signatures.verify(jws) }),
            ("JWTVerifier.verify(token): everything", { _ = try verifier.verify(workload.token) }),
        ]
        if let stage = ProcessInfo.processInfo.environment["BENCH_STAGE"].flatMap(Int.init) {
            // One stage in a loop, for perf record.
            let count = Int(ProcessInfo.processInfo.environment["BENCH_COUNT"] ?? "") ?? 1_000_000
            for _ in 0..<count { try stages[stage].1() }
            return
        }
        print("| \(algorithm) stage | ns/call |")
        print("|---|---:|")
        for (name, body) in stages {
            let rate = try Measure.opsPerSecond(body)
            print("| \(name) | \(String(format: "%.0f", 1e9 / rate)) |")
        }
    }
}
