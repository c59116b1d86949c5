// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE
import Testing

/// Regression for a heap-use-after-free that the fuzzers (FuzzCompactJWS, FuzzJWKSet) found under
/// AddressSanitizer: `HMACKey` named its OpenSSL parameter with a Swift string literal, whose temporary C
/// string was freed before `EVP_MAC_init` read the name. Without a sanitizer the freed bytes usually still
/// spell "digest". Child copies of this test binary run with glibc overwriting freed memory
/// (`MALLOC_PERTURB_`, thread cache off), where a dangling name makes OpenSSL find no digest; whether the
/// freed block is overwritten in time varies from process to process (about one in two with the bug), so
/// eight children run and all must pass.
@Suite struct HMACKeyLifetimeTests {
    @Test("HMAC keys stay keyed while freed memory is overwritten (checked in child test processes)")
    func keyParameterOutlivesTheCall() async throws {
        for _ in 0..<8 {
            let (status, text) = try await Self.runChild()
            #expect(status == 0, "\(text)")
            #expect(text.contains("HS256, HS384 and HS512 keys") && text.contains("passed"), "\(text)")
            if status != 0 { break }
        }
    }

    private static func runChild() async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = ["--testing-library", "swift-testing", "--filter", "HMACKeyLifetimeChildTests"]
        var environment = ProcessInfo.processInfo.environment
        environment["GLIBC_TUNABLES"] = "glibc.malloc.tcache_count=0"
        environment["MALLOC_PERTURB_"] = "165"
        environment["COIDC_CHILD_MALLOC_PERTURB"] = "1"
        process.environment = environment
        // Blocking waits run on a thread of their own, not on the cooperative pool.
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = output
                    try process.run()
                    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, text))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// Runs only inside the child process started by ``HMACKeyLifetimeTests/keyParameterOutlivesTheCall()``.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["COIDC_CHILD_MALLOC_PERTURB"] != nil))
struct HMACKeyLifetimeChildTests {
    @Test("HS256, HS384 and HS512 keys are made, sign and verify, on eight threads at once")
    func hmacKeys() async throws {
        // Whether a freed block is overwritten at once depends on the thread's malloc arena: several
        // threads make a dangling name fail in nearly every run.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let secret = (0..<64).map { UInt8($0) }
                    let message = Array("eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UifQ".utf8)
                    for _ in 0..<50 {
                        for algorithm in [JWSAlgorithm.hs256, .hs384, .hs512] {
                            let signing = try SigningKey(hmacSecret: secret, algorithm: algorithm)
                            let verifying = try VerificationKey(hmacSecret: secret, algorithm: algorithm)
                            let tag = try signing.sign(message, algorithm: algorithm)
                            #expect(verifying.isValidSignature(tag, for: message, algorithm: algorithm))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
