// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Testing
import Transport

/// Faults the other suites do not reach: a TCP reset (not a clean close) inside a response, and a
/// Content-Length shorter than what the server sends (issue 6).
@Suite struct ConnectionResetTests {
    @Test("a reset in the middle of the head or the body is connectionClosed, and leaves no socket open")
    func resetMidResponse() async throws {
        let server = try await offPool { try PythonServer() }
        let client = try SocketHTTPClient()
        for path in ["/reset-head", "/reset-body"] {
            let started = ContinuousClock.now
            await #expect(throws: TransportError.connectionClosed(reason: ""), "\(path)") {
                try await client.send(.get(server.authority, path), body: nil, deadline: .now + .seconds(30))
            }
            #expect(ContinuousClock.now - started < .seconds(5), "\(path) took \(ContinuousClock.now - started)")
        }
        #expect(client.idleConnectionCount == 0)
        client.shutdown()
        #expect(SocketCensus.count(ports: [server.port]) == 0)
        try await offPool { server.stop() }
    }

    @Test("bytes after a response's Content-Length never become the answer to the next request")
    func shortContentLength() async throws {
        let server = try await offPool { try PythonServer() }
        let client = try SocketHTTPClient()
        let (_, first) = try await client.send(
            .get(server.authority, "/short-length"), body: nil, deadline: .now + .seconds(30))
        #expect(first == Array("hello".utf8))
        #expect(client.idleConnectionCount == 1, "the connection went back to the pool")
        // The server's unsolicited second response arrives while the connection sits in the pool.
        try await Task.sleep(for: .milliseconds(300))
        let (_, second) = try await client.send(
            .get(server.authority, "/hello"), body: nil, deadline: .now + .seconds(30))
        #expect(second == Array("hello".utf8), "got \(String(decoding: second, as: UTF8.self))")
        client.shutdown()
        try await offPool { server.stop() }
    }
}
