// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Logging
import Synchronization
import Transport

/// A Python server from `Servers/` running on 127.0.0.1 for the rest of the test process.
///
/// The script exits when its stdin closes, so it never outlives the tests.
final class PythonServer: Sendable {
    let port: Int
    private let process: Process
    private let stdin: Pipe

    /// Launches `Servers/<script>` with `arguments` and waits for it to print its port.
    init(script: String = "scenario_server.py", arguments: [String] = []) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestFiles.serversDirectory + "/" + script] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw TestSetupError("\(script) exited before printing its port") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(text) else { throw TestSetupError("\(script) printed no port") }
        self.port = port
        self.process = process
        self.stdin = stdin
    }

    var authority: String { "127.0.0.1:\(self.port)" }

    /// Stops the server (the test process's exit would too).
    func stop() {
        try? self.stdin.fileHandleForWriting.close()
        self.process.waitUntilExit()
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum TestFiles {
    /// `Tests/TransportTests/Servers`, located from this file.
    static let serversDirectory: String = {
        let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        return support.deletingLastPathComponent().appendingPathComponent("Servers").path
    }()
}

/// Runs blocking set-up work (launching processes, waiting for their output) on a thread of its own,
/// so that it never starves Swift's cooperative pool (on Linux, `DispatchQueue.global()` shares that
/// pool's threads, so it is no better).
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result(catching: body)) }.start()
    }
}

/// The shared servers; each starts on first use and lives until the test process exits.
enum Servers {
    private static let plainServer: Result<PythonServer, any Error> = Result { try PythonServer() }
    private static let proxyServer: Result<PythonServer, any Error> = Result {
        try PythonServer(arguments: ["--proxy"])
    }

    static var plain: PythonServer { get async throws { try await offPool { try self.plainServer.get() } } }
    static var proxy: PythonServer { get async throws { try await offPool { try self.proxyServer.get() } } }

    private static func launchTLS(
        _ leaf: TestPKI.Leaf, requireClientCertificate: Bool = false, tls12Only: Bool = false
    ) -> Result<PythonServer, any Error> {
        Result {
            let pki = try TestPKI.shared.get()
            var arguments = ["--cert", pki.certificate(leaf), "--key", pki.key(leaf)]
            if requireClientCertificate { arguments += ["--client-ca", pki.caCertificate] }
            if tls12Only { arguments.append("--tls12") }
            return try PythonServer(arguments: arguments)
        }
    }

    private static let servers: [TestPKI.Leaf: Result<PythonServer, any Error>] = {
        var servers: [TestPKI.Leaf: Result<PythonServer, any Error>] = [:]
        for leaf in [TestPKI.Leaf.server, .expired, .wrongHost, .selfSigned, .wrongPurpose] {
            servers[leaf] = launchTLS(leaf)
        }
        return servers
    }()
    private static let mutualTLSServer = launchTLS(.server, requireClientCertificate: true)
    private static let mutualTLS12Server = launchTLS(.server, requireClientCertificate: true, tls12Only: true)

    /// The TLS server presenting `leaf`.
    static func tls(_ leaf: TestPKI.Leaf) async throws -> PythonServer {
        try await offPool {
            guard let server = self.servers[leaf] else { throw TestSetupError("no TLS server for \(leaf)") }
            return try server.get()
        }
    }

    /// A TLS server (good certificate) that requires a client certificate from the test CA.
    static var mutualTLS: PythonServer { get async throws { try await offPool { try self.mutualTLSServer.get() } } }

    /// Like ``mutualTLS``, but offering TLS 1.2 only (the server checks the client certificate inside
    /// the handshake, unlike TLS 1.3).
    static var mutualTLS12: PythonServer { get async throws { try await offPool { try self.mutualTLS12Server.get() } } }

    /// The test PKI.
    static var pki: TestPKI { get async throws { try await offPool { try TestPKI.shared.get() } } }
}

/// A capturing swift-log handler, to check what debug traces contain.
final class LogCapture: Sendable {
    private let entries = Mutex<[String]>([])

    var lines: [String] { self.entries.withLock { $0 } }

    func append(_ line: String) { self.entries.withLock { $0.append(line) } }

    var logger: Logger {
        var logger = Logger(label: "test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let metadata = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            self.capture.append("\(event.level) \(event.message) \(metadata.joined(separator: " "))")
        }
    }
}

extension HTTPRequest {
    /// `GET http://authority/path` (or `https`).
    static func get(_ authority: String, _ path: String, secure: Bool = false) -> HTTPRequest {
        HTTPRequest(method: .get, scheme: secure ? "https" : "http", authority: authority, path: path)
    }
}

/// Counts this process's TCP sockets whose local or remote port is one of `ports`, by matching the
/// socket inodes of `/proc/self/fd` against `/proc/net/tcp` and `/proc/net/tcp6`. Precise even while
/// other suites open files and pipes in parallel.
enum SocketCensus {
    static func count(ports: Set<Int>) -> Int {
        let fdDirectory = "/proc/self/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? []
        var inodes = Set<String>()
        for name in names {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\(name)"),
                target.hasPrefix("socket:[")
            else { continue }
            inodes.insert(String(target.dropFirst(8).dropLast()))
        }
        var matches = 0
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // procfs files report size 0: read to the end rather than trusting the size.
            guard let handle = FileHandle(forReadingAtPath: table), let data = try? handle.readToEnd() else { continue }
            try? handle.close()
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                let columns = line.split(separator: " ")
                guard columns.count > 9, inodes.contains(String(columns[9])) else { continue }
                let localPort = columns[1].split(separator: ":").last.flatMap { Int($0, radix: 16) } ?? -1
                let remotePort = columns[2].split(separator: ":").last.flatMap { Int($0, radix: 16) } ?? -1
                if ports.contains(localPort) || ports.contains(remotePort) { matches += 1 }
            }
        }
        return matches
    }

    /// The number of threads of this process (`Threads:` in `/proc/self/status`).
    static var threadCount: Int {
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/status"), let data = try? handle.readToEnd() else {
            return -1
        }
        try? handle.close()
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("Threads:") }
        return line.flatMap { Int($0.dropFirst(8).trimmingCharacters(in: .whitespaces)) } ?? -1
    }

    /// The number of open descriptors of this process.
    static var openDescriptors: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count
    }
}

/// Sends raw bytes with `Servers/raw_client.py` and returns what came back (as Latin-1 text).
enum RawClient {
    enum Step: Sendable {
        case send(String)
        case until(String)
        case end
    }

    static func exchange(port: Int, _ steps: [Step]) async throws -> String {
        try await offPool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            let encoded = steps.map { step -> String in
                switch step {
                case .send(let text): "send:" + Data(text.utf8).base64EncodedString()
                case .until(let text): "until:" + Data(text.utf8).base64EncodedString()
                case .end: "end"
                }
            }
            process.arguments = ["python3", TestFiles.serversDirectory + "/raw_client.py", String(port)] + encoded
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
