// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import OIDCTestProvider
import Testing
import Transport

/// Plays the browser for `oidc login`, whatever provider answered the authorization request.
enum LoginBrowser {
    /// Delivers an authorization response to the listener at the redirect URI as a browser would:
    /// form_post POSTs the form; query GETs the URL; fragment GETs the relay page (its CSP checked)
    /// and POSTs the fragment's parameters as the page's script does.
    /// - Returns: the listener's final page.
    @discardableResult
    static func deliver(_ redirect: OIDCTestProvider.AuthorizationRedirect, mode: String) async throws
        -> (HTTPResponse, [UInt8])
    {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        switch redirect {
        case .formPost(let target, let body):
            var request = try HTTPRequest(method: .post, url: target)
            request.headerFields[.contentType] = "application/x-www-form-urlencoded"
            return try await client.send(request, body: body, deadline: .now + .seconds(20))
        case .redirect(let target) where mode == "fragment":
            // The relay page's script: POST the fragment's parameters to the same path.
            let parts = target.split(separator: "#", maxSplits: 1)
            let (page, html) = try await client.send(
                try HTTPRequest(method: .get, url: String(parts[0])), body: nil, deadline: .now + .seconds(20))
            let policy = page.headerFields[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'nonce-"), "CSP: \(policy)")
            #expect(String(decoding: html, as: UTF8.self).contains("location.hash"))
            var request = try HTTPRequest(method: .post, url: String(parts[0]))
            request.headerFields[.contentType] = "application/x-www-form-urlencoded"
            return try await client.send(request, body: Array(parts[1].utf8), deadline: .now + .seconds(20))
        case .redirect(let target):
            let request = try HTTPRequest(method: .get, url: target)
            return try await client.send(request, body: nil, deadline: .now + .seconds(20))
        }
    }

    /// A loopback port that was free a moment ago (released before the CLI binds it).
    static func freePort() async throws -> Int {
        let server = try LoopbackHTTPServer.start { _, _ in (HTTPResponse(status: .ok), []) }
        let port = server.port
        await server.shutdown()
        return port
    }
}
