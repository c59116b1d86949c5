// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// Runs the built `oidc` executable as a user would, capturing exit code and output.
struct CommandRunner {
    struct Result {
        var exitCode: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The `oidc` binary next to the test bundle (SwiftPM builds it because this target depends on it).
    static let executable: URL? = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for directory in candidates {
            let url = directory.appendingPathComponent("oidc")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }()

    /// Runs `oidc` with `arguments`; a run that outlives `timeout` seconds is killed (SIGKILL: the
    /// child inherits a blocked SIGTERM from the test runner's threads) and fails the test.
    ///
    /// The blocking waits run on a thread of their own, never on Swift's cooperative pool (on Linux,
    /// Dispatch's global queues share the pool's threads): on 2 cores two tests blocked in
    /// `waitUntilExit` would starve every local server in the suite.
    static func run(_ arguments: [String], standardInput: String? = nil, timeout: Double = 60) async throws -> Result {
        try await offPool { try Self.runBlocking(arguments, standardInput: standardInput, timeout: timeout) }
    }

    private static func runBlocking(_ arguments: [String], standardInput: String?, timeout: Double) throws -> Result {
        let executable = try #require(Self.executable, "the oidc executable was not built next to the tests")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = input
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        if let standardInput { input.fileHandleForWriting.write(Data(standardInput.utf8)) }
        try input.fileHandleForWriting.close()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "oidc \(arguments.first ?? "") was killed after \(timeout) s")
        return Result(
            exitCode: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }
}

/// A temporary directory removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: self.url) }

    func write(_ name: String, _ contents: String) throws -> String {
        let file = self.url.appendingPathComponent(name)
        try contents.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// Runs blocking work on a new thread (not Dispatch, not the cooperative pool) and awaits its result.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Swift.Result(catching: body)) }.start()
    }
}
