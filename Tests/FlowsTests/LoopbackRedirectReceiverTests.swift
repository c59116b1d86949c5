// SPDX-License-Identifier: Apache-2.0
@testable import Flows
import HTTPTypes
import JOSE
import PKCE
import Testing
import Transport

/// The loopback listener over real HTTP, as a browser reaches it.
@Suite struct LoopbackRedirectReceiverTests {
    func send(_ client: SocketHTTPClient, _ method: HTTPRequest.Method, _ url: String, body: String? = nil) async throws
        -> (HTTPResponse, String)
    {
        var request = try HTTPRequest(method: method, url: url)
        if body != nil { request.headerFields[.contentType] = "application/x-www-form-urlencoded" }
        let (response, bytes) = try await client.send(request, body: body.map { Array($0.utf8) }, deadline: .now + .seconds(10))
        return (response, String(decoding: bytes, as: UTF8.self))
    }

    @Test("a GET callback is received and the browser sees the outcome the caller reports")
    func query() async throws {
        let receiver = try LoopbackRedirectReceiver.start()
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        #expect(receiver.redirectURI.hasPrefix("http://127.0.0.1:") && receiver.redirectURI.hasSuffix("/callback"))
        async let page = self.send(client, .get, receiver.redirectURI + "?code=abc&state=xyz")
        let callback = try await receiver.receive(timeout: .seconds(10))
        #expect(callback.response.code == "abc" && callback.response.state == "xyz")
        callback.finish(success: false, message: "c_hash mismatch <script>")
        let (response, html) = try await page
        #expect(response.status == .ok)
        #expect(html.contains("Sign-in failed") && html.contains("c_hash mismatch &lt;script&gt;"))
        #expect(html.contains("You may close this tab."))
        #expect(response.headerFields[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
        await receiver.shutdown()
    }

    @Test("form_post bodies are received; fragment mode gets a relay page with a nonce CSP and no external resources")
    func formPostAndFragment() async throws {
        let receiver = try LoopbackRedirectReceiver.start()
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        let (relay, html) = try await self.send(client, .get, receiver.redirectURI)
        let policy = try #require(relay.headerFields[.contentSecurityPolicy])
        #expect(policy.contains("script-src 'nonce-") && policy.contains("form-action 'self'"))
        #expect(html.contains("location.hash") && !html.contains("http://") && !html.contains("https://"))
        async let page = self.send(client, .post, receiver.redirectURI, body: "code=c1&state=s1&id_token=a.b.c")
        let callback = try await receiver.receive(timeout: .seconds(10))
        #expect(callback.response.idToken == "a.b.c")
        callback.finish(success: true, message: "Signed in as alice.")
        #expect(try await page.1.contains("Signed in as alice."))
        let (notFound, _) = try await self.send(client, .get, receiver.redirectURI.replacing("/callback", with: "/other"))
        #expect(notFound.status == .notFound)
        await receiver.shutdown()
    }

    @Test("the outcome page escapes markup even where a grapheme cluster hides it (U+0600 + '<')")
    func escapingIsPerScalar() async throws {
        let receiver = try LoopbackRedirectReceiver.start()
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        async let page = self.send(client, .post, receiver.redirectURI, body: "error=access_denied")
        let callback = try await receiver.receive(timeout: .seconds(10))
        // U+0600 is a Prepend character: "\u{600}<" is one Character, so a Character-wise escape misses the '<'.
        callback.finish(success: false, message: "x\u{600}<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">")
        // String.contains matches whole Characters, so look at the text without the Prepend character.
        let html = String(try await page.1.unicodeScalars.filter { $0 != "\u{600}" })
        #expect(!html.contains("<meta http-equiv"), "\(html)")
        #expect(html.contains("&lt;meta http-equiv=&quot;refresh&quot;"))
        await receiver.shutdown()
    }

    @Test("receive times out, and non-loopback redirect URIs are refused")
    func timeoutAndValidation() async throws {
        let receiver = try LoopbackRedirectReceiver.start()
        await #expect(throws: FlowsError.malformedCallback(reason: "")) { try await receiver.receive(timeout: .milliseconds(100)) }
        await receiver.shutdown()
        #expect(throws: FlowsError.invalidRequest(reason: "")) { try LoopbackRedirectReceiver.start(redirectURI: "http://example.com:8080/cb") }
        #expect(throws: FlowsError.invalidRequest(reason: "")) { try LoopbackRedirectReceiver.start(redirectURI: "https://127.0.0.1:8080/cb") }
    }
}

extension LoopbackRedirectReceiverTests {
    @Test("only loopback Host headers reach the callback (DNS rebinding)", arguments: [
        ("127.0.0.1:8080", true), ("localhost:51234", true), ("LOCALHOST", true), ("[::1]:9", true),
        ("attacker.example:8080", false), ("127.0.0.1.attacker.example", false), ("localhost.attacker.example:1", false),
        ("[::2]:80", false), (nil, false),
    ] as [(String?, Bool)])
    func hostCheck(_ authority: String?, _ allowed: Bool) {
        #expect(LoopbackRedirectReceiver.isLoopbackAuthority(authority) == allowed)
    }
}
