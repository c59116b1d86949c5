// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A test CA and leaf certificates, generated with the `openssl` CLI into a temporary directory
/// once per test run.
struct TestPKI: Sendable {
    enum Leaf: String, Sendable, CaseIterable {
        /// Signed by the CA; SAN localhost, 127.0.0.1, ::1; serverAuth.
        case server
        /// Like `server`, but its validity ended before it began (`-days -1`).
        case expired
        /// Signed by the CA for `wrong.example` only.
        case wrongHost
        /// Self-signed, SAN localhost and 127.0.0.1.
        case selfSigned
        /// Signed by the CA with the right SAN but only the clientAuth extended key usage.
        case wrongPurpose
        /// Signed by the CA; clientAuth, for mutual TLS.
        case client
        /// A client certificate signed by a CA the server does not trust.
        case untrustedClient
    }

    static let shared: Result<TestPKI, any Error> = Result { try TestPKI() }

    let directory: String

    var caCertificate: String { "\(self.directory)/ca.pem" }
    func certificate(_ leaf: Leaf) -> String { "\(self.directory)/\(leaf.rawValue).pem" }
    func key(_ leaf: Leaf) -> String { "\(self.directory)/\(leaf.rawValue).key" }

    private init() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-oidc-transport-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        for (name, subject) in [("ca", "swift-oidc test CA"), ("other-ca", "untrusted CA")] {
            try Self.openssl(
                ["req", "-x509"] + ec + [
                    "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "30", "-subj", "/CN=\(subject)",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ], in: directory)
        }
        let serverSAN = "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
        try self.issue(.server, extensions: [serverSAN, "extendedKeyUsage=serverAuth"], days: "30")
        try self.issue(.expired, extensions: [serverSAN, "extendedKeyUsage=serverAuth"], days: "-1")
        try self.issue(
            .wrongHost, extensions: ["subjectAltName=DNS:wrong.example", "extendedKeyUsage=serverAuth"], days: "30")
        try self.issue(.wrongPurpose, extensions: [serverSAN, "extendedKeyUsage=clientAuth"], days: "30")
        try self.issue(.client, extensions: ["extendedKeyUsage=clientAuth"], days: "30")
        try self.issue(.untrustedClient, extensions: ["extendedKeyUsage=clientAuth"], days: "30", ca: "other-ca")
        try Self.openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "selfSigned.key", "-out", "selfSigned.pem", "-days", "30", "-subj", "/CN=localhost",
                "-addext", serverSAN,
            ], in: directory)
    }

    private func issue(_ leaf: Leaf, extensions: [String], days: String, ca: String = "ca") throws {
        let name = leaf.rawValue
        try Self.openssl(
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)",
            ], in: self.directory)
        try extensions.joined(separator: "\n").write(
            toFile: "\(self.directory)/\(name).ext", atomically: true, encoding: .utf8)
        try Self.openssl(
            [
                "x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-set_serial",
                String(Int.random(in: 1...Int(Int32.max))), "-days", days, "-extfile", "\(name).ext",
                "-out", "\(name).pem",
            ], in: self.directory)
    }

    private static func openssl(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSetupError(
                "openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))"
            )
        }
    }
}
