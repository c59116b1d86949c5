// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Testing
import Transport

/// Response framing and content codings against the scenario server on 127.0.0.1.
@Suite struct HTTP1FramingTests {
    let client: SocketHTTPClient
    let server: PythonServer

    init() async throws {
        self.client = try SocketHTTPClient()
        self.server = try await Servers.plain
    }

    private func get(_ path: String) async throws -> (HTTPResponse, [UInt8]) {
        try await self.client.send(.get(self.server.authority, path), body: nil, deadline: .now + .seconds(30))
    }

    /// 0, 1, …, 255, 0, 1, … (what the scenario server sends), built by whole blocks to stay cheap in debug builds.
    private static func pattern(_ count: Int) -> [UInt8] {
        let block = (0...255).map { UInt8($0) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 256)
        while bytes.count < count { bytes += block }
        return Array(bytes.prefix(count))
    }

    @Test("a Content-Length body")
    func contentLength() async throws {
        let (response, body) = try await self.get("/hello")
        #expect(response.status == .ok)
        #expect(body == Array("hello".utf8))
    }

    @Test("a chunked body with extensions and trailers")
    func chunked() async throws {
        let (response, body) = try await self.get("/chunked")
        #expect(response.status == .ok)
        #expect(String(decoding: body, as: UTF8.self) == "hello, chunked world")
    }

    @Test("a close-delimited body and an HTTP/1.0 response")
    func closeDelimited() async throws {
        let (_, body) = try await self.get("/close-delimited?n=70000")
        #expect(body == Self.pattern(70_000))
        let (response, old) = try await self.get("/http10?n=300")
        #expect(response.status == .ok)
        #expect(old == Self.pattern(300))
    }

    @Test(
        "large bodies: 6 MiB with Content-Length, 3 MiB chunked",
        arguments: ["/large?n=6291456", "/large-chunked?n=3145728"])
    func largeBodies(path: String) async throws {
        let (_, body) = try await self.get(path)
        let expected = path.hasPrefix("/large?") ? 6_291_456 : 3_145_728
        #expect(body.count == expected)
        #expect(body == Self.pattern(expected))
    }

    @Test(
        "gzip, zlib deflate and raw deflate are decoded",
        arguments: ["/gzip?n=200000", "/deflate?n=200000", "/raw-deflate?n=200000"])
    func contentCodings(path: String) async throws {
        let (response, body) = try await self.get(path)
        #expect(body == Self.pattern(200_000))
        #expect(response.headerFields[.contentEncoding] == nil)
        #expect(response.headerFields[.contentLength] == "200000")
    }

    @Test("a non-2xx status is a response, not an error")
    func errorStatus() async throws {
        let (response, body) = try await self.get("/status?code=503")
        #expect(response.status.code == 503)
        #expect(response.status.reasonPhrase == "Whatever")
        #expect(body == Array("status body".utf8))
    }

    @Test("HEAD and 204 responses have no body")
    func noBody() async throws {
        let head = HTTPRequest(method: .head, scheme: "http", authority: self.server.authority, path: "/large?n=5000")
        let (response, body) = try await self.client.send(head, body: nil, deadline: .now + .seconds(30))
        #expect(response.headerFields[.contentLength] == "5000")
        #expect(body.isEmpty)
        let (noContent, empty) = try await self.get("/status?code=204")
        #expect(noContent.status == .noContent)
        #expect(empty.isEmpty)
    }

    @Test("the request is framed with Host, Content-Length, User-Agent and Accept-Encoding")
    func requestFraming() async throws {
        var request = HTTPRequest(method: .post, scheme: "http", authority: self.server.authority, path: "/echo?x=1")
        request.headerFields[.contentType] = "application/x-www-form-urlencoded"
        let (_, body) = try await self.client.send(
            request, body: Array("grant_type=x".utf8), deadline: .now + .seconds(30))
        let echo = try Echo(body)
        #expect(echo.method == "POST")
        #expect(echo.target == "/echo?x=1")
        #expect(echo.body == "grant_type=x")
        #expect(echo.header("Host") == self.server.authority)
        #expect(echo.header("Content-Length") == "12")
        #expect(echo.header("User-Agent") == "swift-oidc")
        #expect(echo.header("Accept-Encoding") == "gzip, deflate")
        #expect(echo.header("Content-Type") == "application/x-www-form-urlencoded")

        let empty = HTTPRequest(method: .post, scheme: "http", authority: self.server.authority, path: "/echo")
        let (_, emptyBody) = try await self.client.send(empty, body: nil, deadline: .now + .seconds(30))
        #expect(try Echo(emptyBody).header("Content-Length") == "0")
    }

    @Test("requests that cannot be framed are refused before anything is sent")
    func invalidRequests() async throws {
        let noScheme = HTTPRequest(method: .get, scheme: "ftp", authority: self.server.authority, path: "/")
        await #expect(throws: TransportError.invalidRequest(reason: "")) {
            try await self.client.send(noScheme, body: nil, deadline: .now + .seconds(30))
        }
        let badAuthority = HTTPRequest(method: .get, scheme: "http", authority: "user@127.0.0.1", path: "/")
        await #expect(throws: TransportError.invalidRequest(reason: "")) {
            try await self.client.send(badAuthority, body: nil, deadline: .now + .seconds(30))
        }
        var smuggled = HTTPRequest.get(self.server.authority, "/hello")
        smuggled.headerFields[.transferEncoding] = "chunked"
        await #expect(throws: TransportError.invalidRequest(reason: "")) {
            try await self.client.send(smuggled, body: nil, deadline: .now + .seconds(30))
        }
    }
}

/// The JSON the scenario server's `/echo` returns.
struct Echo {
    let method: String
    let target: String
    let body: String
    let connection: Int
    let headers: [(String, String)]

    init(_ bytes: [UInt8]) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let method = object["method"] as? String, let target = object["target"] as? String,
            let body = object["body"] as? String, let connection = object["connection"] as? Int,
            let headers = object["headers"] as? [[String]]
        else { throw TestSetupError("unexpected /echo response") }
        self.method = method
        self.target = target
        self.body = body
        self.connection = connection
        self.headers = headers.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
    }

    func header(_ name: String) -> String? {
        self.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}
