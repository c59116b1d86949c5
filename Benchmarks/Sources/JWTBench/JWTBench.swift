// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE
import PKCE

/// `swift run -c release --package-path Benchmarks jwt-bench`: JWT verification, swift-oidc against
/// jwt-kit and libcrypto called from C, single-threaded, medians of several runs.
@main
struct JWTBench {
    static func main() async throws {
        try await Task.detached { try await Self.run() }.value
    }

    nonisolated static func run() async throws {
        if let name = ProcessInfo.processInfo.environment["BENCH_BREAKDOWN"] {
            try await Breakdown.run(JOSE.JWSAlgorithm(rawValue: name))
            return
        }
        if let name = ProcessInfo.processInfo.environment["BENCH_PROFILE"] {
            // Only the swift-oidc path, for a fixed count: for perf or callgrind.
            let workload = try await Workload.make(JOSE.JWSAlgorithm(rawValue: name))
            let count = Int(ProcessInfo.processInfo.environment["BENCH_COUNT"] ?? "") ?? 100_000
            for _ in 0..<count { _ = try workload.swiftOIDC.verify(workload.token) }
            return
        }
        let algorithms: [JOSE.JWSAlgorithm] = [.rs256, .ps256, .es256, .es384, .edDSA, .hs256]
        let selected = ProcessInfo.processInfo.environment["BENCH_ALGS"].map { $0.split(separator: ",").map(String.init) }
        print(
            "JWT verification, single thread; warm-up \(Measure.warmup) s, then \(Measure.runs) runs of \(Measure.runSeconds) s "
                + "per contender, interleaved; medians (ratios: median of the per-run ratios)")
        print("")
        print("| alg | swift-oidc ops/s | jwt-kit ops/s | openssl-c ops/s | vs jwt-kit | vs openssl-c | allocs/op |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        var twoThread: [(String, Double, Double)] = []
        var allocationRows: [String] = []
        for algorithm in algorithms where selected?.contains(algorithm.rawValue) ?? true {
            let workload = try await Workload.make(algorithm)
            try await workload.check()
            let runs = try await Measure.interleavedRuns([
                .sync { _ = try workload.swiftOIDC.verify(workload.token) },
                .async { _ = try await workload.jwtKit.verify(workload.token, as: BenchPayload.self) },
                .sync { precondition(workload.verifyBaseline()) },
            ])
            let (ours, peer, limit) = (Measure.median(runs[0]), Measure.median(runs[1]), Measure.median(runs[2]))
            let allocations = try Measure.allocationsPerCall { _ = try workload.swiftOIDC.verify(workload.token) }
            let key = workload.swiftOIDC.signatures.keys[0]
            let crypto = Measure.allocationsPerCall {
                precondition(key.isValidSignature(workload.signature, for: workload.signingInput, algorithm: algorithm))
            }
            let baselineAllocations = Measure.allocationsPerCall { precondition(workload.verifyBaseline()) }
            allocationRows.append(
                String(format: "| %@ | %.1f | %.1f | %.1f | %.1f |", algorithm.rawValue, allocations, crypto,
                    allocations - crypto, baselineAllocations))
            print(
                "| \(algorithm) | \(Self.format(ours)) | \(Self.format(peer)) | \(Self.format(limit)) | "
                    + "\(String(format: "%.2f", Measure.medianRatio(runs[0], runs[1]))) | "
                    + "\(String(format: "%.2f", Measure.medianRatio(runs[0], runs[2]))) | \(String(format: "%.1f", allocations)) |")
            twoThread.append((algorithm.rawValue, ours, try await Self.twoThreads(workload)))
        }
        print("")
        print("Allocations per verification (malloc/calloc/realloc, OpenSSL's included):")
        print("")
        print("| alg | swift-oidc total | in the OpenSSL call | swift-oidc's own | openssl-c |")
        print("|---|---:|---:|---:|---:|")
        for row in allocationRows { print(row) }
        print("")
        print("| alg | swift-oidc 1 thread ops/s | swift-oidc 2 threads ops/s | scaling |")
        print("|---|---:|---:|---:|")
        for (name, one, two) in twoThread {
            print("| \(name) | \(Self.format(one)) | \(Self.format(two)) | \(Self.ratio(two, one)) |")
        }
        print("")
        try Self.others()
    }

    /// Two tasks verifying concurrently (the cooperative pool has one thread per core).
    nonisolated static func twoThreads(_ workload: Workload) async throws -> Double {
        let seconds = Measure.runSeconds * 2
        return try await withThrowingTaskGroup(of: Double.self) { group in
            for _ in 0..<2 {
                group.addTask { try Measure.loop(seconds: seconds) { _ = try workload.swiftOIDC.verify(workload.token) } }
            }
            return try await group.reduce(0, +)
        }
    }

    /// JWKS parsing per key and PKCE generation.
    nonisolated static func others() throws {
        var keys: [JWK] = []
        for index in 0..<4 {
            keys.append(try SigningKey.generate(.rsa(bits: 2048), keyID: "rsa-\(index)").publicJWK)
            keys.append(try SigningKey.generate(.ec(.p256), keyID: "ec-\(index)").publicJWK)
        }
        let jwks = JWKSet(keys: keys).jsonText
        let parse = try Measure.opsPerSecond {
            let set = try JWKSet(json: jwks)
            precondition(set.verificationKeys().keys.count == keys.count)
        }
        let pkce = try Measure.opsPerSecond { _ = try PKCECodeVerifier().challenge }
        print("| operation | ops/s |")
        print("|---|---:|")
        print("| JWKS parse + key import, per key (RSA-2048 and P-256 mix) | \(Self.format(parse * Double(keys.count))) |")
        print("| PKCE verifier + S256 challenge | \(Self.format(pkce)) |")
    }

    static func format(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.1fk", value / 1000) : String(format: "%.0f", value)
    }

    static func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.2f", a / b) }
}
