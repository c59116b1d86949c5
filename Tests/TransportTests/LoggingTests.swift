// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Testing
import Transport

/// Debug traces exist and never carry credentials, query strings or bodies.
@Suite struct LoggingTests {
    @Test("Authorization, Cookie, the query and the body are redacted from debug traces")
    func redaction() async throws {
        let capture = LogCapture()
        let server = try await Servers.plain
        let client = try SocketHTTPClient(configuration: .init(logger: capture.logger))
        defer { client.shutdown() }
        var request = HTTPRequest(
            method: .post, scheme: "http", authority: server.authority, path: "/echo?code=secret-code")
        request.headerFields[.authorization] = "Basic c2VjcmV0LWNsaWVudA=="
        request.headerFields[.cookie] = "session=secret-cookie"
        request.headerFields[.contentType] = "application/x-www-form-urlencoded"
        let (response, _) = try await client.send(
            request, body: Array("grant_type=refresh_token&refresh_token=secret-refresh".utf8),
            deadline: .now + .seconds(30))
        #expect(response.status == .ok)
        let log = capture.lines.joined(separator: "\n")
        #expect(log.contains("→ POST http://\(server.authority)/echo?<redacted>"))
        #expect(log.contains("← 200"))
        #expect(log.contains("Content-Type: application/x-www-form-urlencoded"))
        #expect(log.contains("Authorization: <redacted>"))
        for secret in ["c2VjcmV0LWNsaWVudA", "secret-cookie", "secret-refresh", "secret-code"] {
            #expect(!log.contains(secret), "\(secret) leaked into the log")
        }
    }
}
