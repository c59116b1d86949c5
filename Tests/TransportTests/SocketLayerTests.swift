// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Testing

@testable import Transport

/// The socket and parsing layers below `SocketHTTPClient`, reached with `@testable` (STYLE §10).
@Suite struct SocketLayerTests {
    @Test("connect tries each address in turn: a refused ::1, then a listening 127.0.0.1")
    func fallsThroughRefusedAddress() async throws {
        let server = try LoopbackHTTPServer.start { _, _ in (HTTPResponse(status: .ok), []) }
        let addresses = [
            SocketAddress.loopback(ipv6: true, port: UInt16(server.port)),  // nobody listens on ::1 here
            SocketAddress.loopback(ipv6: false, port: UInt16(server.port)),
        ]
        let socket = try await TCPSocket.connect(
            to: addresses, connectTimeout: .seconds(5), deadline: .now + .seconds(30))
        #expect(socket.fd >= 0)
        socket.close()
        await server.shutdown()
    }

    @Test("connect moves on after the connect timeout of an address that does not answer")
    func fallsThroughSilentAddress() async throws {
        let silent = try await offPool { try PythonServer(arguments: ["--no-accept"]) }
        let server = try LoopbackHTTPServer.start { _, _ in (HTTPResponse(status: .ok), []) }
        let addresses = [
            SocketAddress.loopback(ipv6: false, port: UInt16(silent.port)),
            SocketAddress.loopback(ipv6: false, port: UInt16(server.port)),
        ]
        let started = ContinuousClock.now
        let socket = try await TCPSocket.connect(
            to: addresses, connectTimeout: .milliseconds(300), deadline: .now + .seconds(30))
        #expect(ContinuousClock.now - started >= .milliseconds(290))
        #expect(socket.localPort != 0)
        socket.close()
        await server.shutdown()
        try await offPool { silent.stop() }
    }

    @Test("numeric hosts resolve without a lookup, names through getaddrinfo")
    func resolver() async throws {
        let v6 = try await Resolver.resolve(host: "::1", port: 443, deadline: .now + .seconds(30))
        #expect(v6.map(\.description) == ["[::1]:443"])
        let named = try await Resolver.resolve(host: "localhost", port: 80, deadline: .now + .seconds(30))
        #expect(named.contains { $0.description == "127.0.0.1:80" })
    }

    @Test("gzip with several members, zlib and raw deflate decode; a limit stops the output")
    func inflater() async throws {
        // Two gzip members ("hello, " and "world"), as produced by `gzip` on concatenated files.
        let members = try await Self.python(
            "import gzip,sys; sys.stdout.buffer.write(gzip.compress(b'hello, ') + gzip.compress(b'world'))")
        #expect(try Inflater.decode(members, coding: .gzip, limit: 100) == Array("hello, world".utf8))
        let zlib = try await Self.python("import zlib,sys; sys.stdout.buffer.write(zlib.compress(b'a' * 10000))")
        #expect(try Inflater.decode(zlib, coding: .deflate, limit: 10_000).count == 10_000)
        #expect(throws: TransportError.limitExceeded(reason: "")) {
            try Inflater.decode(zlib, coding: .deflate, limit: 9_999)
        }
        #expect(throws: TransportError.malformedResponse(reason: "")) {
            try Inflater.decode(members + [0x00, 0x01], coding: .gzip, limit: 100)
        }
    }

    /// The bytes a Python snippet writes (an independent gzip/zlib implementation), run off the pool.
    private static func python(_ code: String) async throws -> [UInt8] {
        try await offPool { try self.runPython(code) }
    }

    private static func runPython(_ code: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }

    @Test(
        "status lines",
        arguments: [
            ("HTTP/1.1 200 OK", 200, true), ("HTTP/1.0 404 Not Found", 404, true), ("HTTP/1.1 204", 204, true),
            ("HTTP/1.1 999 ", 999, true), ("HTTP/2 200 OK", 0, false), ("HTTP/1.1 20 OK", 0, false),
            ("HTTP/1.1 099 X", 0, false), ("HTTP/1.1 200OK", 0, false), ("http/1.1 200 OK", 0, false),
            ("HTTP/1.1 200 O\u{7F}K", 0, false),
        ])
    func statusLines(line: String, code: Int, isValid: Bool) {
        let parsed = try? HTTP1Message.parseStatusLine(Array(line.utf8))
        #expect((parsed != nil) == isValid)
        if isValid { #expect(parsed?.status.code == code) }
    }

    @Test("framing: lengths, chunked, close-delimited, and every ambiguity")
    func framing() throws {
        func fields(_ pairs: [(String, String)]) throws -> HTTPFields {
            var fields = HTTPFields()
            for (name, value) in pairs {
                fields.append(HTTPField(name: try #require(HTTPField.Name(name)), value: value))
            }
            return fields
        }
        #expect(
            try HTTP1Message.framing(of: fields([("Content-Length", "12")]), isResponse: true) == .contentLength(12))
        #expect(
            try HTTP1Message.framing(of: fields([("Content-Length", "5, 5")]), isResponse: true) == .contentLength(5))
        #expect(try HTTP1Message.framing(of: fields([("Transfer-Encoding", "Chunked")]), isResponse: true) == .chunked)
        #expect(try HTTP1Message.framing(of: fields([]), isResponse: true) == .untilClose)
        #expect(try HTTP1Message.framing(of: fields([]), isResponse: false) == HTTP1Message.Framing.none)
        for ambiguous in [
            [("Content-Length", "5"), ("Content-Length", "6")], [("Content-Length", "5, 6")],
            [("Content-Length", "5"), ("Transfer-Encoding", "chunked")], [("Transfer-Encoding", "gzip, chunked")],
            [("Content-Length", "-1")], [("Content-Length", "+5")], [("Content-Length", "")],
            [("Content-Length", "99999999999999999999")],
        ] {
            #expect(throws: TransportError.malformedResponse(reason: "")) {
                try HTTP1Message.framing(of: fields(ambiguous), isResponse: true)
            }
        }
    }

    @Test("authorities: host, port, IPv6 literals; user info and junk are refused")
    func authorities() {
        #expect(HostAndPort(authority: "Example.COM", defaultPort: 443) == HostAndPort(host: "example.com", port: 443))
        #expect(HostAndPort(authority: "127.0.0.1:8080", defaultPort: 80) == HostAndPort(host: "127.0.0.1", port: 8080))
        #expect(HostAndPort(authority: "[::1]:8443", defaultPort: 443)?.description == "[::1]:8443")
        for invalid in [
            "user@host", "host:0", "host:65536", "host:", ":80", "[::1", "::1", "a b", "host/x", "[example.com]",
        ] {
            #expect(HostAndPort(authority: invalid, defaultPort: 80) == nil, "\(invalid)")
        }
    }

    @Test("redaction keeps the shape of the traffic and drops credentials and queries")
    func redaction() throws {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer abc"
        fields[.location] = "https://app.example/cb?code=secret#frag"
        fields.append(HTTPField(name: try #require(HTTPField.Name("X-Api-Key")), value: "k"))
        fields[.contentType] = "application/json"
        let text = Redaction.describe(fields)
        #expect(
            text
                == "Authorization: <redacted>, Location: https://app.example/cb?<redacted>, X-Api-Key: <redacted>, Content-Type: application/json"
        )
        #expect(Redaction.path("/callback?code=x&state=y") == "/callback?<redacted>")
    }
}
