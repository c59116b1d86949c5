// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Testing
import Transport

/// No socket outlives its client or server, whatever the outcome of the requests.
@Suite struct ResourceLeakTests {
    @Test("successes, TLS failures, timeouts, cancellations and mid-body closes leave no socket open")
    func noLeakedSockets() async throws {
        // Dedicated servers, so that only this test's sockets touch these ports.
        let pki = try await Servers.pki
        let plain = try await offPool { try PythonServer() }
        let tls = try await offPool {
            try PythonServer(arguments: ["--cert", pki.certificate(.server), "--key", pki.key(.server)])
        }
        let expired = try await offPool {
            try PythonServer(arguments: ["--cert", pki.certificate(.expired), "--key", pki.key(.expired)])
        }
        let loopback = try LoopbackHTTPServer.start { _, body in (HTTPResponse(status: .ok), body) }
        let ports: Set<Int> = [plain.port, tls.port, expired.port, loopback.port]
        let descriptorsBefore = SocketCensus.openDescriptors
        let configuration = SocketHTTPClient.Configuration(
            timeouts: .init(read: .milliseconds(200)),
            tls: .init(additionalTrustRootsFile: pki.caCertificate))
        let client = try SocketHTTPClient(configuration: configuration)
        for _ in 0..<3 {
            for path in [
                "/hello", "/chunked", "/gzip?n=1000", "/close-delimited", "/mid-body-close", "/stall-head", "/bomb",
            ] {
                _ = try? await client.send(.get(plain.authority, path), body: nil, deadline: .now + .seconds(30))
            }
            _ = try await client.send(
                .get(tls.authority, "/hello", secure: true), body: nil, deadline: .now + .seconds(30))
            _ = try? await client.send(
                .get(expired.authority, "/hello", secure: true), body: nil, deadline: .now + .seconds(30))
            _ = try await client.send(
                HTTPRequest(method: .post, scheme: "http", authority: loopback.authority, path: "/"), body: [1, 2, 3],
                deadline: .now + .seconds(30))
            let task = Task {
                try await client.send(.get(plain.authority, "/stall-head"), body: nil, deadline: .now + .seconds(30))
            }
            try await Task.sleep(for: .milliseconds(50))
            task.cancel()
            _ = try? await task.value
        }
        #expect(client.idleConnectionCount > 0)
        client.shutdown()
        await loopback.shutdown()
        #expect(SocketCensus.count(ports: ports) == 0)
        try await offPool {
            plain.stop()
            tls.stop()
            expired.stop()
        }
        // Other suites open files in parallel, so the total is only a sanity bound here.
        #expect(SocketCensus.openDescriptors < descriptorsBefore + 16)
    }
}
