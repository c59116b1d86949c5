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

    /// A contender's body: timed in a plain loop when synchronous, so no async call is added to it.
    enum Body {
        case sync(() throws -> Void)
        case async(() async throws -> Void)

        func loop(seconds: Double) async throws -> Double {
            switch self {
            case .sync(let body): return try Measure.loop(seconds: seconds, body)
            case .async(let body): return try await Measure.loop(seconds: seconds, body)
            }
        }
    }

    /// Runs the contenders in turn, run by run (A B C, A B C, ...), after warming each up: a burst of noise
    /// on a shared machine then hits all of them instead of one contender's whole block.
    /// - Returns: each contender's operations per second, one per run.
    static func interleavedRuns(_ bodies: [Body]) async throws -> [[Double]] {
        for body in bodies { _ = try await body.loop(seconds: self.warmup) }
        var results = Array(repeating: [Double](), count: bodies.count)
        for _ in 0..<self.runs {
            for (index, body) in bodies.enumerated() { results[index].append(try await body.loop(seconds: self.runSeconds)) }
        }
        return results
    }

    /// The median of per-run ratios `a[i] / b[i]` of two interleaved contenders.
    static func medianRatio(_ a: [Double], _ b: [Double]) -> Double {
        self.median(zip(a, b).map { $0 / $1 })
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
