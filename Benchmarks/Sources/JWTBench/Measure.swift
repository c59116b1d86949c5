// SPDX-License-Identifier: Apache-2.0
import COpenSSLBaseline
import Foundation

/// Timing helpers: warm up, then the median of several timed runs. Everything here is nonisolated.
enum Measure {
    static let warmup = Double(ProcessInfo.processInfo.environment["BENCH_WARMUP"] ?? "") ?? 2.0
    static let runSeconds = Double(ProcessInfo.processInfo.environment["BENCH_RUN"] ?? "") ?? 1.0
    static let runs = max(3, Int(ProcessInfo.processInfo.environment["BENCH_RUNS"] ?? "") ?? 5)

    /// Operations per second of a synchronous body: median of `runs` runs of about `runSeconds` each.
    static func opsPerSecond(_ body: () throws -> Void) rethrows -> Double {
        try self.loop(seconds: self.warmup, body)
        var results: [Double] = []
        for _ in 0..<self.runs { results.append(try self.loop(seconds: self.runSeconds, body)) }
        return self.median(results)
    }

    /// The same for an async body.
    static func opsPerSecond(_ body: () async throws -> Void) async rethrows -> Double {
        try await self.loop(seconds: self.warmup, body)
        var results: [Double] = []
        for _ in 0..<self.runs { results.append(try await self.loop(seconds: self.runSeconds, body)) }
        return self.median(results)
    }

    @discardableResult
    static func loop(seconds: Double, _ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(seconds)
        var count = 0
        var now = start
        repeat {
            for _ in 0..<64 { try body() }
            count += 64
            now = clock.now
        } while now < deadline
        return Double(count) / self.seconds(now - start)
    }

    @discardableResult
    static func loop(seconds: Double, _ body: () async throws -> Void) async rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(seconds)
        var count = 0
        var now = start
        repeat {
            for _ in 0..<64 { try await body() }
            count += 64
            now = clock.now
        } while now < deadline
        return Double(count) / self.seconds(now - start)
    }

    /// Allocations per call, averaged over `iterations` calls after a warm-up call.
    static func allocationsPerCall(iterations: Int = 2000, _ body: () throws -> Void) rethrows -> Double {
        try body()
        let before = baseline_allocation_count()
        for _ in 0..<iterations { try body() }
        return Double(baseline_allocation_count() - before) / Double(iterations)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
