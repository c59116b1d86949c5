// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Testing
import Transport

/// The loopback server: routing, request framing, limits, keep-alive, IPv6, shutdown.
@Suite struct LoopbackHTTPServerTests {
    private static func echoServer(
        address: LoopbackHTTPServer.Address = .ipv4, configuration: LoopbackHTTPServer.Configuration = .init()
    ) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer.start(address: address, configuration: configuration) { request, body in
            var fields = HTTPFields()
            fields[.contentType] = "text/plain"
            let text = "\(request.method) \(request.authority ?? "-") \(request.path ?? "") \(body.count)"
            return (HTTPResponse(status: .ok, headerFields: fields), Array(text.utf8))
        }
    }

    @Test("a request round-trips through LoopbackHTTPServer and SocketHTTPClient")
    func roundTrip() async throws {
        let server = try Self.echoServer()
        let client = try SocketHTTPClient()
        let request = HTTPRequest(method: .post, scheme: "http", authority: server.authority, path: "/callback?code=x")
        let (response, body) = try await client.send(request, body: Array("hello".utf8), deadline: .now + .seconds(30))
        #expect(response.status == .ok)
        #expect(response.headerFields[.contentType] == "text/plain")
        #expect(String(decoding: body, as: UTF8.self) == "POST \(server.authority) /callback?code=x 5")
        client.shutdown()
        await server.shutdown()
    }

    @Test("it binds ::1 as well")
    func ipv6() async throws {
        let server = try Self.echoServer(address: .ipv6)
        #expect(server.baseURL == "http://[::1]:\(server.port)")
        let client = try SocketHTTPClient()
        let (_, body) = try await client.send(.get(server.authority, "/v6"), body: nil, deadline: .now + .seconds(30))
        #expect(String(decoding: body, as: UTF8.self) == "GET \(server.authority) /v6 0")
        client.shutdown()
        await server.shutdown()
    }

    @Test("keep-alive: the client's connection is reused across requests")
    func keepAlive() async throws {
        let server = try Self.echoServer()
        let client = try SocketHTTPClient()
        for _ in 0..<5 {
            _ = try await client.send(.get(server.authority, "/"), body: nil, deadline: .now + .seconds(30))
        }
        #expect(client.idleConnectionCount == 1)
        #expect(SocketCensus.count(ports: [server.port]) == 3)  // the listener, one server end, one client end
        client.shutdown()
        await server.shutdown()
    }

    @Test("an oversized body gets 413, an oversized header section 431, a malformed request 400")
    func limits() async throws {
        let configuration = LoopbackHTTPServer.Configuration(
            limits: .init(maxHeaderCount: 5, maxBodyBytes: 1000))
        let server = try Self.echoServer(configuration: configuration)
        let client = try SocketHTTPClient()
        let big = HTTPRequest(method: .post, scheme: "http", authority: server.authority, path: "/")
        let (tooLarge, _) = try await client.send(
            big, body: [UInt8](repeating: 1, count: 1001), deadline: .now + .seconds(30))
        #expect(tooLarge.status.code == 413)
        var headers = HTTPRequest.get(server.authority, "/")
        for index in 0..<6 {
            headers.headerFields.append(HTTPField(name: try #require(HTTPField.Name("X-\(index)")), value: "v"))
        }
        let (tooMany, _) = try await client.send(headers, body: nil, deadline: .now + .seconds(30))
        #expect(tooMany.status.code == 431)
        // The server accepts origin-form targets only: an asterisk-form target is a 400.
        let (badRequest, _) = try await client.send(
            HTTPRequest(method: .options, scheme: "http", authority: server.authority, path: "*"), body: nil,
            deadline: .now + .seconds(30))
        #expect(badRequest.status.code == 400)
        client.shutdown()
        await server.shutdown()
    }

    @Test("shutdown closes the listener and every connection")
    func shutdownClosesEverything() async throws {
        let server = try Self.echoServer()
        let port = server.port
        let client = try SocketHTTPClient()
        _ = try await client.send(.get(server.authority, "/"), body: nil, deadline: .now + .seconds(30))
        #expect(SocketCensus.count(ports: [port]) == 3)  // listener, server end, client end
        await server.shutdown()
        client.shutdown()
        #expect(SocketCensus.count(ports: [port]) == 0)
        let refused = try SocketHTTPClient()
        await #expect(throws: TransportError.connectFailed(reason: "")) {
            try await refused.send(.get("127.0.0.1:\(port)", "/"), body: nil, deadline: .now + .seconds(30))
        }
    }

    @Test("a port already in use, or an invalid one, is bindFailed")
    func bindFailed() async throws {
        let server = try Self.echoServer()
        #expect(throws: TransportError.bindFailed(reason: "")) { try Self.echoServerOn(port: server.port) }
        #expect(throws: TransportError.bindFailed(reason: "")) { try Self.echoServerOn(port: 70_000) }
        await server.shutdown()
    }

    private static func echoServerOn(port: Int) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer.start(port: port) { _, _ in (HTTPResponse(status: .ok), []) }
    }

    @Test("a 600 KB request body (written after the head) arrives whole")
    func largeRequestBody() async throws {
        let server = try LoopbackHTTPServer.start { _, body in
            (HTTPResponse(status: .ok), Array("\(body.count) \(body.reduce(0) { $0 &+ Int($1) })".utf8))
        }
        let client = try SocketHTTPClient()
        let body = (0..<600_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let request = HTTPRequest(method: .put, scheme: "http", authority: server.authority, path: "/upload")
        let (_, reply) = try await client.send(request, body: body, deadline: .now + .seconds(30))
        #expect(String(decoding: reply, as: UTF8.self) == "600000 \(body.reduce(0) { $0 &+ Int($1) })")
        client.shutdown()
        await server.shutdown()
    }

    @Test("raw requests: chunked bodies, pipelining, Expect: 100-continue, HTTP/1.0 and malformed input")
    func rawRequests() async throws {
        let server = try Self.echoServer()
        let chunked = try await RawClient.exchange(
            port: server.port,
            [
                .send(
                    "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n"
                ),
                .send("GET /second HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"), .end,
            ])
        #expect(chunked.contains("POST h /c 5"))
        #expect(chunked.contains("GET h /second 0"))
        #expect(chunked.contains("Connection: close"))

        let expect = try await RawClient.exchange(
            port: server.port,
            [
                .send("POST /e HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"),
                .until("HTTP/1.1 100 Continue\r\n\r\n"), .send("body"), .until("POST h /e 4"),
            ])
        #expect(expect.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200"))

        let http10 = try await RawClient.exchange(port: server.port, [.send("GET /old HTTP/1.0\r\n\r\n"), .end])
        #expect(http10.contains("GET - /old 0"))

        for malformed in [
            "GET /x HTTP/2.0\r\n\r\n", "GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET /x HTTP/1.1\r\nBad Header\r\n\r\n", "GET /x HTTP/1.1\r\n\r\n",
        ] {
            let reply = try await RawClient.exchange(port: server.port, [.send(malformed), .end])
            #expect(reply.hasPrefix("HTTP/1.1 400 "), "\(malformed.debugDescription) → \(reply.debugDescription)")
        }
        let longLine = try await RawClient.exchange(
            port: server.port, [.send("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\n\r\n"), .end])
        #expect(longLine.hasPrefix("HTTP/1.1 414 "))
        await server.shutdown()
    }
}
