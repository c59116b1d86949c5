// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE
import Testing

/// A real headless Chromium, driven by `Tests/OIDCCommandLineTests/Browser/browse.py` (Selenium over Debian's
/// chromedriver) with the tests' virtualenv python: it opens an authorization URL, fills the provider's login
/// form when there is one, follows the browser wherever the provider sends it, and reports the loopback page it
/// lands on, with a screenshot under `.build/browser-artifacts/`.
enum HeadlessBrowser {
    /// Debian's Chromium binary (not the `/usr/bin/chromium` shell wrapper) and chromedriver; browse.py reads the
    /// same `OIDC_TEST_CHROMIUM` and `OIDC_TEST_CHROMEDRIVER` overrides.
    static let chromium = Self.environment("OIDC_TEST_CHROMIUM") ?? "/usr/lib/chromium/chromium"
    static let chromedriver = Self.environment("OIDC_TEST_CHROMEDRIVER") ?? "/usr/bin/chromedriver"

    private static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    static let installHint =
        "install them with `apt-get update && apt-get install -y chromium chromium-driver` (as root; `.ci/run` does) "
        + "and Selenium with `bash Tests/FlowsTests/Provider/setup_venv.sh`"

    /// Where screenshots (and browse.py's stderr) go; not committed.
    static let artifacts = IdpyoidcProvider.packageRoot.appendingPathComponent(
        ".build/browser-artifacts")

    static let script = IdpyoidcProvider.packageRoot
        .appendingPathComponent("Tests/OIDCCommandLineTests/Browser/browse.py").path

    /// What the browser saw when it stopped (browse.py's JSON line).
    struct Page: Sendable, CustomStringConvertible {
        let json: JSONObject
        let exitCode: Int32
        let log: String

        /// It landed on the loopback listener's final page ("Signed in" or "Sign-in failed").
        var landed: Bool { self.json["ok"]?.boolValue == true }
        var error: String? { self.json["error"]?.stringValue }
        var url: String { self.json["url"]?.stringValue ?? "" }
        var title: String { self.json["title"]?.stringValue ?? "" }
        var text: String { self.json["text"]?.stringValue ?? "" }
        /// The provider showed its login form and browse.py filled it in.
        var filledLoginForm: Bool { self.json["login_form"]?.boolValue == true }
        var consoleErrors: [String] { self.strings("console_errors") }
        var cspViolations: [String] { self.strings("csp_violations") }
        /// The final page's `performance.getEntriesByType("resource")`.
        var resources: [String] { self.strings("resources") }
        /// Every document response at the loopback origin, in order: `url`, `method`, `status`, `headers`.
        var documents: [JSONObject] {
            (self.json["documents"]?.arrayValue ?? []).compactMap(\.objectValue)
        }
        /// Every http(s) request the browser made: `url`, `type`, `method`.
        var requests: [JSONObject] {
            (self.json["requests"]?.arrayValue ?? []).compactMap(\.objectValue)
        }
        var screenshot: String? { self.json["screenshot"]?.stringValue }

        private func strings(_ key: String) -> [String] {
            (self.json[key]?.arrayValue ?? []).compactMap(\.stringValue)
        }

        var description: String {
            let json = JSONValue.object(self.json).jsonText.prefix(4000)
            return "browse.py exit \(self.exitCode): \(self.error ?? "landed") at \(self.url) (\"\(self.title)\"), "
                + "screenshot \(self.screenshot ?? "-")\n\(json)\n\(self.log.suffix(2000))"
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Fails (never skips) when Chromium, chromedriver or the virtualenv is missing, telling how to install them.
    static func requireInstalled() throws {
        let missing = [Self.chromium, Self.chromedriver, IdpyoidcProvider.python].filter {
            !FileManager.default.isExecutableFile(atPath: $0)
        }
        guard missing.isEmpty else {
            let list = missing.joined(separator: ", ")
            throw Failure(description: "headless Chromium tests: \(list) missing; \(Self.installHint)")
        }
    }

    /// Opens `url` and waits until the browser lands on the loopback page at `landing`'s origin.
    /// - Parameters:
    ///   - screenshot: the PNG's file name in ``artifacts``.
    ///   - credentials: typed into the provider's login form if it shows one.
    ///   - timeout: seconds for browse.py to land; the whole run (Chromium's launch and exit included) is
    ///     killed, process group and all, 20 s after that.
    static func open(
        _ url: String, landing: String, screenshot: String,
        credentials: (username: String, password: String)? = nil,
        timeout: Double = 25
    ) async throws -> Page {
        try Self.requireInstalled()
        var arguments = [
            Self.script, url, "--landing", landing, "--timeout", String(timeout),
            "--screenshot", Self.artifacts.appendingPathComponent(screenshot).path,
        ]
        if let credentials {
            arguments += ["--username", credentials.username, "--password", credentials.password]
        }
        let command = arguments
        // The blocking waits on a thread of their own, never on the cooperative pool (2 threads on 2 cores).
        return try await offPool { try Self.runBlocking(command, timeout: timeout + 20) }
    }

    private static func runBlocking(_ arguments: [String], timeout: Double) throws -> Page {
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let logURL = Self.artifacts.appendingPathComponent("browse-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil),
            let log = FileHandle(forWritingAtPath: logURL.path)
        else { throw Failure(description: "cannot create \(logURL.path)") }
        defer { try? FileManager.default.removeItem(at: logURL) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: IdpyoidcProvider.python)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        // browse.py leads its own process group (chromedriver and Chromium in it): SIGKILL the whole group when
        // the run outlives its budget, and once more after it ended, so no browser is ever left behind.
        let pid = process.processIdentifier
        let killGroup = {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
        let watchdog = DispatchWorkItem(block: killGroup)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        kill(-pid, SIGKILL)  // leftovers of a group whose leader has exited
        let stderr = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { !$0.isEmpty }
        guard process.terminationReason == .exit, let last = lines.last,
            let json = try? JSONParser().parseObject(Array(last.utf8), what: "browse.py result")
        else {
            let how = process.terminationReason == .exit ? "exited" : "was killed (its budget is \(timeout) s)"
            throw Failure(
                description: "browse.py \(how) with status \(process.terminationStatus) and no result line: "
                    + "\(lines.last ?? "")\n\(stderr.suffix(3000))")
        }
        return Page(json: json, exitCode: process.terminationStatus, log: stderr)
    }
}
