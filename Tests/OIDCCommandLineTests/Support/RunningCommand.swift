// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// A running `oidc` whose stderr is read line by line (the authorization URL comes first); killed
/// after 60 s.
final class RunningCommand: @unchecked Sendable {  // the pipes are read from one task at a time
    let process = Process()
    let output = Pipe()
    let error = Pipe()

    init(_ arguments: [String]) throws {
        let executable: URL = try #require(CommandRunner.executable)
        self.process.executableURL = executable
        self.process.arguments = arguments
        self.process.standardOutput = self.output
        self.process.standardError = self.error
        self.process.standardInput = FileHandle.nullDevice
        try self.process.run()
        let pid = self.process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { kill(pid, SIGKILL) }
    }

    /// Runs a blocking read on a Dispatch thread, never on the cooperative pool.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// The first stderr line.
    func firstErrorLine() async -> String {
        let handle = self.error.fileHandleForReading
        return await self.blocking {
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Waits for the exit: status, stdout, and the rest of stderr.
    func finish() async -> (Int32, String, String) {
        let (output, error) = (self.output, self.error)
        let process = self.process
        return await self.blocking {
            let out = output.fileHandleForReading.readDataToEndOfFile()
            let err = error.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
        }
    }
}
