// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Testing
import Transport

/// Stalls, deadlines, refused connections, DNS failures and cancellation.
@Suite struct TimeoutAndCancellationTests {
    let server: PythonServer

    init() async throws { self.server = try await Servers.plain }

    @Test(
        "a server that never answers: the read timeout fires within bound", arguments: ["/stall-head", "/stall-body"])
    func readTimeout(path: String) async throws {
        let client = try SocketHTTPClient(configuration: .init(timeouts: .init(read: .milliseconds(300))))
        defer { client.shutdown() }
        let started = ContinuousClock.now
        let error = await #expect(throws: TransportError.self) {
            try await client.send(.get(self.server.authority, path), body: nil, deadline: .now + .seconds(60))
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .timedOut)
        #expect(error?.reason.contains("no data from the peer") == true, "\(String(describing: error))")
        // The upper bound leaves room for a loaded 2-core machine (other suites' tests may hold the
        // cooperative pool for seconds); the deadline is 60 s away and the reason says which timer fired.
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(15), "took \(elapsed)")
    }

    @Test("a server that trickles bytes: the request deadline fires even though reads keep succeeding")
    func deadline() async throws {
        let client = try SocketHTTPClient(configuration: .init(timeouts: .init(read: .seconds(60))))
        defer { client.shutdown() }
        let started = ContinuousClock.now
        let error = await #expect(throws: TransportError.self) {
            try await client.send(.get(self.server.authority, "/drip"), body: nil, deadline: .now + .milliseconds(600))
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .timedOut)
        #expect(error?.reason.contains("deadline") == true, "\(String(describing: error))")
        #expect(elapsed >= .milliseconds(590) && elapsed < .seconds(15), "took \(elapsed)")
    }

    @Test("cancelling the task stops a stalled request promptly")
    func cancellation() async throws {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        let authority = self.server.authority
        let task = Task {
            try await client.send(.get(authority, "/stall-head"), body: nil, deadline: .now + .seconds(60))
        }
        try await Task.sleep(for: .milliseconds(200))
        let cancelled = ContinuousClock.now
        task.cancel()
        await #expect(throws: TransportError.cancelled(reason: "")) { try await task.value }
        // Well before the 60 s deadline, with room for a loaded 2-core machine.
        #expect(ContinuousClock.now - cancelled < .seconds(10))
    }

    @Test("an already-cancelled task sends nothing")
    func cancelledBeforeStart() async throws {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        let authority = self.server.authority
        let task = Task {
            while !Task.isCancelled { await Task.yield() }
            return try await client.send(.get(authority, "/hello"), body: nil, deadline: .now + .seconds(30))
        }
        task.cancel()
        await #expect(throws: TransportError.cancelled(reason: "")) { try await task.value }
    }

    @Test("a server whose accept queue is full: the connect timeout fires")
    func connectTimeout() async throws {
        let silent = try await offPool { try PythonServer(arguments: ["--no-accept"]) }
        let client = try SocketHTTPClient(configuration: .init(timeouts: .init(connect: .milliseconds(300))))
        let started = ContinuousClock.now
        let error = await #expect(throws: TransportError.self) {
            try await client.send(.get(silent.authority, "/"), body: nil, deadline: .now + .seconds(60))
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .timedOut)
        #expect(error?.reason.contains("connect") == true, "\(String(describing: error))")
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(15), "took \(elapsed)")
        client.shutdown()
        try await offPool { silent.stop() }
    }

    @Test("a refused port on every address of localhost (::1, then 127.0.0.1) is connectFailed")
    func connectRefused() async throws {
        // Bind and close a listener to find a port nobody listens on.
        let probe = try LoopbackHTTPServer.start { _, _ in (HTTPResponse(status: .ok), []) }
        let port = probe.port
        await probe.shutdown()
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        await #expect(throws: TransportError.connectFailed(reason: "")) {
            try await client.send(.get("localhost:\(port)", "/"), body: nil, deadline: .now + .seconds(30))
        }
    }

    @Test("localhost resolves through getaddrinfo and tries each address until one accepts")
    func localhostFallsThrough() async throws {
        // The scenario server listens on 127.0.0.1 only; ::1 (if tried first) is refused.
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        let (response, body) = try await client.send(
            .get("localhost:\(self.server.port)", "/hello"), body: nil, deadline: .now + .seconds(30))
        #expect(response.status == .ok)
        #expect(body == Array("hello".utf8))
    }

    @Test("a name that cannot resolve is dnsFailed (rejected by the resolver without a DNS query)")
    func dnsFailure() async throws {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        let name = String(repeating: "a", count: 70) + ".invalid"
        await #expect(throws: TransportError.dnsFailed(reason: "")) {
            try await client.send(.get(name, "/"), body: nil, deadline: .now + .seconds(30))
        }
    }

    @Test("a shut-down client refuses new requests")
    func shutdown() async throws {
        let client = try SocketHTTPClient()
        client.shutdown()
        await #expect(throws: TransportError.alreadyShutdown(reason: "")) {
            try await client.send(.get(self.server.authority, "/hello"), body: nil, deadline: .now + .seconds(30))
        }
    }

    @Test("100 stalled requests do not starve other tasks, and all stop when cancelled")
    func noStarvation() async throws {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        let authority = self.server.authority
        let threadsBefore = SocketCensus.threadCount
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    _ = try? await client.send(.get(authority, "/stall-head"), body: nil, deadline: .now + .seconds(60))
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            // 100 requests parked on their sockets hold no thread: not one each, and not the
            // cooperative pool's (another request still goes through).
            #expect(
                SocketCensus.threadCount < threadsBefore + 20, "threads: \(threadsBefore) → \(SocketCensus.threadCount)"
            )
            let (response, _) = try await client.send(
                .get(authority, "/hello"), body: nil, deadline: .now + .seconds(30))
            #expect(response.status == .ok)
            let cancelled = ContinuousClock.now
            group.cancelAll()
            try await group.waitForAll()
            #expect(ContinuousClock.now - cancelled < .seconds(15))
        }
    }
}
