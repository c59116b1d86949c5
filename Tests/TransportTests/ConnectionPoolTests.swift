// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Synchronization
import Testing
import Transport

/// Keep-alive reuse, stale connections and concurrency.
@Suite struct ConnectionPoolTests {
    let server: PythonServer

    init() async throws { self.server = try await Servers.plain }

    private func echo(_ client: SocketHTTPClient, method: HTTPRequest.Method = .get) async throws -> Echo {
        let request = HTTPRequest(method: method, scheme: "http", authority: self.server.authority, path: "/echo")
        let (_, body) = try await client.send(request, body: nil, deadline: .now + .seconds(30))
        return try Echo(body)
    }

    @Test("sequential requests reuse one keep-alive connection (the server numbers its connections)")
    func reuse() async throws {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        let first = try await self.echo(client)
        let second = try await self.echo(client)
        let third = try await self.echo(client, method: .post)
        #expect(first.connection == second.connection)
        #expect(second.connection == third.connection)
        #expect(client.idleConnectionCount == 1)
    }

    @Test("with keep-alive disabled every request opens a connection and sends Connection: close")
    func disabled() async throws {
        let client = try SocketHTTPClient(configuration: .init(connectionPool: .init(maximumIdlePerOrigin: 0)))
        defer { client.shutdown() }
        let first = try await self.echo(client)
        let second = try await self.echo(client)
        #expect(first.connection != second.connection)
        #expect(first.header("Connection") == "close")
        #expect(client.idleConnectionCount == 0)
    }

    @Test("an idle connection past its idle timeout is not reused")
    func idleTimeout() async throws {
        let client = try SocketHTTPClient(configuration: .init(connectionPool: .init(idleTimeout: .milliseconds(100))))
        defer { client.shutdown() }
        let first = try await self.echo(client)
        try await Task.sleep(for: .milliseconds(200))
        let second = try await self.echo(client)
        #expect(first.connection != second.connection)
    }

    @Test("a pooled connection the server closed while idle is noticed and replaced")
    func closedWhileIdle() async throws {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        _ = try await client.send(.get(self.server.authority, "/close-soon"), body: nil, deadline: .now + .seconds(30))
        try await Task.sleep(for: .milliseconds(300))
        let echo = try await self.echo(client)
        #expect(echo.method == "GET")
    }

    @Test("a GET that meets a stale pooled connection is retried once on a new connection")
    func staleRetry() async throws {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        let armed = try await self.echo(client)
        // The next request on that connection is read and dropped without an answer.
        _ = try await client.send(.get(self.server.authority, "/drop-next"), body: nil, deadline: .now + .seconds(30))
        let retried = try await self.echo(client)
        #expect(retried.connection != armed.connection)
    }

    @Test("a POST that meets a stale pooled connection is not retried (it may have been processed)")
    func noRetryForPOST() async throws {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        _ = try await client.send(.get(self.server.authority, "/drop-next"), body: nil, deadline: .now + .seconds(30))
        await #expect(throws: TransportError.connectionClosed(reason: "")) {
            try await self.echo(client, method: .post)
        }
    }

    @Test("200 concurrent requests complete, against LoopbackHTTPServer and the Python server")
    func concurrency() async throws {
        let served = Atomic<Int>(0)
        let loopback = try LoopbackHTTPServer.start { request, _ in
            served.add(1, ordering: .relaxed)
            try? await Task.sleep(for: .milliseconds(20))
            return (HTTPResponse(status: .ok), Array((request.path ?? "").utf8))
        }
        let client = try SocketHTTPClient(configuration: .init(connectionPool: .init(maximumIdlePerOrigin: 32)))
        defer { client.shutdown() }
        for authority in [loopback.authority, self.server.authority] {
            let bodies = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let path = authority == loopback.authority ? "/item/\(index)" : "/hello"
                        let (response, body) = try await client.send(
                            .get(authority, path), body: nil, deadline: .now + .seconds(30))
                        let expected = authority == loopback.authority ? path : "hello"
                        return response.status == .ok && body == Array(expected.utf8)
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(bodies.count == 200)
            #expect(bodies.allSatisfy { $0 })
        }
        #expect(served.load(ordering: .relaxed) == 200)
        await loopback.shutdown()
    }
}
