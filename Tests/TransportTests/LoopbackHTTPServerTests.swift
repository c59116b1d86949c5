// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Testing
import Transport

@Suite struct LoopbackHTTPServerTests {
    @Test("a request round-trips through LoopbackHTTPServer and SocketHTTPClient")
    func roundTrip() async throws {
        let server = try LoopbackHTTPServer.start { request, body in
            var fields = HTTPFields()
            fields[.contentType] = "text/plain"
            return (HTTPResponse(status: .ok, headerFields: fields), Array("\(request.method) \(request.path ?? "") \(body.count)".utf8))
        }
        let client = try SocketHTTPClient()
        let request = HTTPRequest(method: .post, scheme: "http", authority: server.authority, path: "/callback?code=x")
        let (response, body) = try await client.send(request, body: Array("hello".utf8), deadline: .now + .seconds(5))
        #expect(response.status == .ok)
        #expect(String(decoding: body, as: UTF8.self) == "POST /callback?code=x 5")
        client.shutdown()
        await server.shutdown()
    }
}
