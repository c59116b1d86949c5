// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import JOSE
import Synchronization
import Testing
import Transport

// This file is compiled into FlowsTests and OIDCCommandLineTests (the latter through the symlink
// Tests/OIDCCommandLineTests/Support/IdpyoidcProvider.swift): it may use only Foundation, HTTPTypes,
// JOSE, Synchronization, Testing and Transport.

/// IdentityPython's idpyoidc, a real OpenID Provider nobody on this team wrote, as a child process on
/// 127.0.0.1 (`Tests/FlowsTests/Provider/op.py`, see the README beside it).
///
/// Started with stdin a pipe held open (closing it stops the provider; so does the death of this
/// process), stdout a pipe for the one readiness line, and stderr a temporary file shown in failures.
/// Launching and waiting run on a thread of their own, never on the cooperative pool.
final class IdpyoidcProvider: Sendable {
    /// The issuer, e.g. `http://127.0.0.1:40185` (no trailing slash).
    let issuer: String
    /// The discovery document's URL.
    let discoveryURL: String
    /// The `sub` each user gets (`alice` is the one logged in automatically).
    let subjects: [String: String]
    /// The client ids the provider registered.
    let clientIDs: [String]

    private let process: Process
    private let input: Pipe
    private let output: Pipe
    private let errorLogURL: URL
    private let browser: SocketHTTPClient

    private init(
        readiness: JSONObject, process: Process, input: Pipe, output: Pipe, errorLogURL: URL, browser: SocketHTTPClient
    ) throws {
        self.issuer = try #require(readiness["issuer"]?.stringValue, "readiness line without issuer")
        self.discoveryURL = try #require(readiness["discovery"]?.stringValue, "readiness line without discovery")
        var subjects: [String: String] = [:]
        for member in readiness["subs"]?.objectValue ?? [:] { subjects[member.key] = member.value.stringValue }
        self.subjects = subjects
        self.clientIDs = (readiness["clients"]?.arrayValue ?? []).compactMap(\.stringValue)
        self.process = process
        self.input = input
        self.output = output
        self.errorLogURL = errorLogURL
        self.browser = browser
    }

    /// The `sub` of the automatically logged-in user.
    var alice: String { self.subjects["alice"] ?? "" }

    /// What the provider wrote to stderr so far (for failure messages).
    var log: String {
        let text = (try? String(contentsOf: self.errorLogURL, encoding: .utf8)) ?? ""
        return text.isEmpty ? "(op.py wrote nothing to stderr)" : "op.py stderr:\n" + text.suffix(6000)
    }

    /// How many `request`s (e.g. `POST /token`) the provider has answered; it logs them only when
    /// started with `--log-level INFO`.
    func requestCount(_ request: String) -> Int {
        let text = (try? String(contentsOf: self.errorLogURL, encoding: .utf8)) ?? ""
        return text.components(separatedBy: "\(request) HTTP/1.1").count - 1
    }

    /// The package's root directory, found from this file's path (which may be the symlink).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && url.lastPathComponent != "Tests" { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent()
    }()

    /// The virtualenv's python: `$OIDC_TEST_VENV/bin/python`, else `~/.cache/swift-oidc-test-venv/bin/python`.
    static var python: String {
        let environment = ProcessInfo.processInfo.environment
        let venv =
            environment["OIDC_TEST_VENV"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/swift-oidc-test-venv"
        return venv + "/bin/python"
    }

    /// Starts a provider and waits for its readiness line.
    /// - Parameters:
    ///   - clients: client registrations (README "Clients and users"); none means idpyoidc's defaults.
    ///   - arguments: further flags of op.py, e.g. `--strip-iss-parameter`.
    ///   - timeout: how long to wait for the readiness line.
    /// - Throws: when the virtualenv is missing (never a skip: run `setup_venv.sh`), or the provider
    ///   does not become ready in time; the error carries its stderr.
    static func start(
        clients: [JSONObject] = [], arguments: [String] = [], timeout: Duration = .seconds(15)
    ) async throws -> IdpyoidcProvider {
        let python = Self.python
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ProviderFailure(
                "idpyoidc's virtualenv is missing (\(python)): run `bash Tests/FlowsTests/Provider/setup_venv.sh`")
        }
        let script = Self.packageRoot.appendingPathComponent("Tests/FlowsTests/Provider/op.py").path
        let registrations = clients.flatMap { ["--client", JSONValue.object($0).jsonText] }
        let command = [script, "--port", "0"] + registrations + arguments
        let launched = try await Self.onOwnThread {
            try Self.launch(python: python, command: command, timeout: timeout)
        }
        return try IdpyoidcProvider(
            readiness: launched.readiness, process: launched.process, input: launched.input, output: launched.output,
            errorLogURL: launched.errorLogURL, browser: try SocketHTTPClient())
    }

    private struct Launched: Sendable {
        let readiness: JSONObject
        let process: Process
        let input: Pipe
        let output: Pipe
        let errorLogURL: URL
    }

    /// Starts op.py and reads its readiness line; blocks, so it runs on a thread of its own.
    private static func launch(python: String, command: [String], timeout: Duration) throws -> Launched {
        let errorLogURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("idpyoidc-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: errorLogURL.path, contents: nil),
            let errorLog = FileHandle(forWritingAtPath: errorLogURL.path)
        else { throw ProviderFailure("cannot create \(errorLogURL.path)") }
        defer { try? errorLog.close() }  // the child holds its own descriptor

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = command
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errorLog
        try process.run()

        // A watchdog kills a provider that stays silent, which ends the read with end of file.
        let pid = process.processIdentifier
        let state = ReadinessState()
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            if state.value.compareExchange(expected: 0, desired: 2, ordering: .relaxed).exchanged { kill(pid, SIGKILL) }
        }
        let handle = output.fileHandleForReading
        var line: [UInt8] = []
        while let chunk = try? handle.read(upToCount: 1), let byte = chunk.first, byte != UInt8(ascii: "\n") {
            line.append(byte)
        }
        let timedOut = !state.value.compareExchange(expected: 0, desired: 1, ordering: .relaxed).exchanged
        func failure(_ message: String) -> ProviderFailure {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            let log = (try? String(contentsOf: errorLogURL, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: errorLogURL)
            return ProviderFailure("\(message)\nop.py stderr:\n\(log.suffix(6000))")
        }
        if timedOut { throw failure("idpyoidc printed no readiness line within \(timeout)") }
        guard let readiness = try? JSONParser().parseObject(line, what: "readiness line") else {
            throw failure("idpyoidc exited or printed no readiness JSON: \"\(String(decoding: line, as: UTF8.self))\"")
        }
        return Launched(readiness: readiness, process: process, input: input, output: output, errorLogURL: errorLogURL)
    }

    /// Runs blocking work on a new thread: never on Swift's cooperative pool, nor on Dispatch's global
    /// queues, which on Linux share that pool's threads (blocking them starves in-process servers).
    private static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result(catching: body)) }.start()
        }
    }

    /// Stops the provider: closes its stdin (it exits at once), then SIGKILL after 3 s. Idempotent.
    func stop() async {
        try? self.input.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + .seconds(3)
        while self.process.isRunning && ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .milliseconds(20)) } catch { break }
        }
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
            let process = self.process
            _ = try? await Self.onOwnThread { process.waitUntilExit() }
        }
        self.browser.shutdown()
        try? self.output.fileHandleForReading.close()
        try? FileManager.default.removeItem(at: self.errorLogURL)
    }

    /// Runs `body` with a provider started for it, and stops the provider however `body` ends.
    static func withProvider<Result: Sendable>(
        clients: [JSONObject] = [], arguments: [String] = [],
        _ body: (IdpyoidcProvider) async throws -> Result
    ) async throws -> Result {
        let provider = try await Self.start(clients: clients, arguments: arguments)
        do {
            let result = try await body(provider)
            await provider.stop()
            return result
        } catch {
            await provider.stop()
            throw error
        }
    }

    // MARK: - Playing the browser

    /// Where the browser goes after the authorization endpoint answered.
    enum Answer: Sendable {
        /// `302` (query and fragment modes): the `Location`, with the response in its query or fragment.
        case redirect(url: String)
        /// `200` form_post page: the form's `action` and its fields, HTML-unescaped, in page order.
        case formPost(url: String, fields: [(name: String, value: String)])

        /// The form_post fields as the browser would POST them (`application/x-www-form-urlencoded`).
        var formBody: [UInt8] {
            guard case .formPost(_, let fields) = self else { return [] }
            let pairs = fields.map { Self.formEncode($0.name) + "=" + Self.formEncode($0.value) }
            return Array(pairs.joined(separator: "&").utf8)
        }

        private static func formEncode(_ text: String) -> String {
            var encoded = ""
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                    UInt8(ascii: "*"):
                    encoded.unicodeScalars.append(Unicode.Scalar(byte))
                case UInt8(ascii: " "): encoded += "+"
                default: encoded += (byte < 16 ? "%0" : "%") + String(byte, radix: 16, uppercase: true)
                }
            }
            return encoded
        }
    }

    /// GETs an authorization URL headlessly (the user is logged in automatically), without following
    /// the redirect, and returns what the browser would do next.
    /// - Throws: when the provider answers anything but a `302` with `Location` or a form_post page.
    func authorize(url: String) async throws -> Answer {
        let request = try HTTPRequest(method: .get, url: url)
        let (response, body) = try await self.browser.send(request, body: nil, deadline: .now + .seconds(20))
        let text = String(decoding: body, as: UTF8.self)
        switch response.status.code {
        case 302:
            return .redirect(url: try #require(response.headerFields[.location], "302 without Location"))
        case 200:
            #expect(response.headerFields[.contentType]?.hasPrefix("text/html") == true)
            return try Self.parseFormPostPage(text)
        default:
            throw ProviderFailure(
                "authorization endpoint answered \(response.status.code): \(text.prefix(500))\n\(self.log)")
        }
    }

    /// The `action` and hidden `input`s of idpyoidc's auto-submitting form_post page.
    static func parseFormPostPage(_ html: String) throws -> Answer {
        let form = try #require(html.firstMatch(of: #/<form[^>]*\baction="([^"]*)"/#), "no form in \(html.prefix(300))")
        var fields: [(name: String, value: String)] = []
        for input in html.matches(of: #/<input\b([^>]*)>/#) {
            let attributes = input.output.1
            guard let name = attributes.firstMatch(of: #/\bname="([^"]*)"/#),
                let value = attributes.firstMatch(of: #/\bvalue="([^"]*)"/#)
            else { continue }
            fields.append((Self.unescapeHTML(String(name.output.1)), Self.unescapeHTML(String(value.output.1))))
        }
        return .formPost(url: Self.unescapeHTML(String(form.output.1)), fields: fields)
    }

    private static func unescapeHTML(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        let entities = [("&quot;", "\""), ("&#x27;", "'"), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">")]
        for (entity, character) in entities {
            result = result.replacing(entity, with: character)
        }
        return result.replacing("&amp;", with: "&")
    }
}

extension IdpyoidcProvider {
    /// A client registration of op.py.
    static func client(
        _ id: String, secret: String? = nil, method: String, idTokenAlgorithm: String, publicKey: JWK? = nil,
        extra: JSONObject = [:]
    ) -> JSONObject {
        var object: JSONObject = [
            "client_id": .string(id), "token_endpoint_auth_method": .string(method),
            "id_token_signed_response_alg": .string(idTokenAlgorithm),
        ]
        if let secret { object["client_secret"] = .string(secret) }
        if let publicKey { object["jwks"] = ["keys": [.object(publicKey.jsonObject)]] }
        for member in extra { object[member.key] = member.value }
        return object
    }
}

/// Whether the readiness line came first (1) or the watchdog fired (2).
private final class ReadinessState: Sendable {
    let value = Atomic<Int>(0)
}

extension IdpyoidcProvider {
    /// The provider of the running suite (set by ``Scope``).
    @TaskLocal static var current: IdpyoidcProvider?

    /// The running suite's provider.
    static func shared() throws -> IdpyoidcProvider {
        try #require(Self.current, "the suite has no .idpyoidc(clients:) trait")
    }

    /// A suite trait: one provider for the whole suite (idpyoidc takes ~0.6 s to start), stopped after it.
    struct Scope: SuiteTrait, TestScoping {
        let clients: [JSONObject]
        let arguments: [String]

        func provideScope(
            for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
        ) async throws {
            try await IdpyoidcProvider.withProvider(clients: self.clients, arguments: self.arguments) { provider in
                try await IdpyoidcProvider.$current.withValue(provider) { try await function() }
            }
        }
    }
}

extension Trait where Self == IdpyoidcProvider.Scope {
    /// Starts one idpyoidc with `clients` for the suite; tests reach it with `IdpyoidcProvider.shared()`.
    static func idpyoidc(clients: [JSONObject], arguments: [String] = []) -> Self {
        Self(clients: clients, arguments: arguments)
    }
}

/// Why the provider could not be started or driven.
struct ProviderFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
