// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Testing
import Transport

/// Redirects are off by default; the opt-in policy follows GET only and never downgrades to http.
@Suite struct RedirectTests {
    let server: PythonServer

    init() async throws { self.server = try await Servers.plain }

    private func client(_ policy: RedirectPolicy, trustTestCA: Bool = false) async throws -> SocketHTTPClient {
        let tls = SocketHTTPClient.TLS(
            additionalTrustRootsFile: trustTestCA ? (try await Servers.pki).caCertificate : nil)
        return try SocketHTTPClient(configuration: .init(tls: tls, redirectPolicy: policy))
    }

    @Test("by default a 302 is returned, not followed")
    func disabledByDefault() async throws {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        let (response, _) = try await client.send(
            .get(self.server.authority, "/redirect?to=/hello"), body: nil, deadline: .now + .seconds(30))
        #expect(response.status.code == 302)
        #expect(response.headerFields[.location] == "/hello")
    }

    @Test("followGET follows relative and absolute redirects", arguments: [301, 302, 303, 307, 308])
    func follows(code: Int) async throws {
        let client = try await self.client(.followGET())
        defer { client.shutdown() }
        let absolute = "http://\(self.server.authority)/hello"
        for target in ["/hello", absolute] {
            let path = "/redirect?code=\(code)&to=\(target.addingPercentEncodingForQuery)"
            let (response, body) = try await client.send(
                .get(self.server.authority, path), body: nil, deadline: .now + .seconds(30))
            #expect(response.status == .ok)
            #expect(body == Array("hello".utf8))
        }
    }

    @Test("followGET never follows a POST (a token request is never redirected)")
    func postNotFollowed() async throws {
        let client = try await self.client(.followGET())
        defer { client.shutdown() }
        let request = HTTPRequest(
            method: .post, scheme: "http", authority: self.server.authority, path: "/redirect?code=307&to=/hello")
        let (response, _) = try await client.send(request, body: Array("x".utf8), deadline: .now + .seconds(30))
        #expect(response.status.code == 307)
    }

    @Test("a redirect from https to http is redirectRefused")
    func noDowngrade() async throws {
        let client = try await self.client(.followGET(), trustTestCA: true)
        defer { client.shutdown() }
        let tlsServer = try await Servers.tls(.server)
        let target = "http://\(self.server.authority)/hello".addingPercentEncodingForQuery
        await #expect(throws: TransportError.redirectRefused(reason: "")) {
            try await client.send(
                .get("127.0.0.1:\(tlsServer.port)", "/redirect?to=\(target)", secure: true), body: nil,
                deadline: .now + .seconds(30))
        }
    }

    @Test("a redirect loop stops at the maximum with redirectRefused")
    func tooMany() async throws {
        let client = try await self.client(.followGET(maximumCount: 3))
        defer { client.shutdown() }
        let loop = "/loop"
        await #expect(throws: TransportError.redirectRefused(reason: "")) {
            try await client.send(.get(self.server.authority, loop), body: nil, deadline: .now + .seconds(30))
        }
    }

    @Test("credentials are dropped when a redirect leaves the origin")
    func credentialsDropped() async throws {
        let client = try await self.client(.followGET())
        defer { client.shutdown() }
        let otherOrigin = "http://localhost:\(self.server.port)/echo".addingPercentEncodingForQuery
        for (target, keepsCredentials) in [("/echo", true), (otherOrigin, false)] {
            var request = HTTPRequest.get(self.server.authority, "/redirect?to=\(target)")
            request.headerFields[.authorization] = "Bearer secret-token"
            request.headerFields[.cookie] = "session=secret"
            let (_, body) = try await client.send(request, body: nil, deadline: .now + .seconds(30))
            let echo = try Echo(body)
            #expect((echo.header("Authorization") != nil) == keepsCredentials)
            #expect((echo.header("Cookie") != nil) == keepsCredentials)
        }
    }
}

extension String {
    /// Percent-encodes everything but unreserved characters, for a query value.
    var addingPercentEncodingForQuery: String {
        var output = ""
        for byte in self.utf8 {
            let scalar = Character(Unicode.Scalar(byte))
            if scalar.isLetter && byte < 0x80 || scalar.isNumber && byte < 0x80 || "-._~/".contains(scalar) {
                output.append(scalar)
            } else {
                output += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return output
    }

    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
