// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE
import OIDCTestProvider
import Testing

/// The clients of the browser suite's idpyoidc.
enum BrowserLoginClients {
    static let secret = "browser-basic-secret-0123456789abcdef"
    static let registrations: [JSONObject] = [
        IdpyoidcProvider.client(
            "browser-basic", secret: secret, method: "client_secret_basic", idTokenAlgorithm: "RS256"),
        IdpyoidcProvider.client("browser-public", method: "none", idTokenAlgorithm: "ES256"),
    ]
}

/// `oidc login --no-browser` with a real headless Chromium as the user's browser: it opens the printed URL,
/// types alice's password into idpyoidc's login form, follows the provider's redirect, auto-submits its
/// form_post page or runs our fragment relay page, and lands on the loopback listener's page. Screenshots of
/// the landing pages go to `.build/browser-artifacts/`. Needs Debian's `chromium` and `chromium-driver` and
/// the virtualenv's Selenium: without them every test fails, saying how to install them.
@Suite(
    .serialized, .idpyoidc(clients: BrowserLoginClients.registrations, arguments: ["--login-form"]),
    .timeLimit(.minutes(1)))
struct BrowserLoginTests {
    struct Outcome {
        var status: Int32
        var output: String
        var error: String
        var page: HeadlessBrowser.Page
    }

    /// Runs `oidc login --no-browser --json` and lets Chromium play the user with its first stderr line.
    /// The CLI is killed at once when the browser does not land, so a failure never waits for `--timeout`.
    func login(
        _ arguments: [String], issuer: String, redirectURI: String, screenshot: String,
        credentials: (username: String, password: String)? = nil
    ) async throws -> Outcome {
        try HeadlessBrowser.requireInstalled()
        let login = ["login", "--issuer", issuer, "--no-browser", "--json", "--redirect-uri", redirectURI]
        let command = try RunningCommand(login + ["--timeout", "30"] + arguments)
        let url = await command.firstErrorLine()
        guard url.hasPrefix(issuer + "/") else {
            kill(command.process.processIdentifier, SIGKILL)
            let (status, _, error) = await command.finish()
            throw HeadlessBrowser.Failure(
                description: "oidc printed no authorization URL (exit \(status)): \(url)\n\(error)")
        }
        let page: HeadlessBrowser.Page
        do {
            page = try await HeadlessBrowser.open(
                url, landing: redirectURI, screenshot: screenshot, credentials: credentials)
        } catch {
            kill(command.process.processIdentifier, SIGKILL)
            _ = await command.finish()
            throw error
        }
        if !page.landed { kill(command.process.processIdentifier, SIGKILL) }
        let (status, output, error) = await command.finish()
        return Outcome(status: status, output: output, error: error, page: page)
    }

    /// The loopback page as a user sees it, and what the browser fetched to show it.
    func expectLoopbackPage(
        _ page: HeadlessBrowser.Page, redirectURI: String, mode: String, title: String, message: String
    ) {
        #expect(page.landed, "\(page)")
        #expect(page.url.hasPrefix(redirectURI), "\(page.url)")
        #expect(page.title == title)
        #expect(page.text.contains(title) && page.text.contains(message), "\(page.text)")
        #expect(page.text.contains("You may close this tab."), "\(page.text)")
        #expect(page.cspViolations.isEmpty, "\(page.cspViolations)")
        // Browsers ask every origin for /favicon.ico on their own; nothing else may fail.
        let errors = page.consoleErrors.filter { !$0.contains("/favicon.ico") }
        #expect(errors.isEmpty, "console errors: \(errors)")
        #expect(page.resources.isEmpty, "the loopback page loaded \(page.resources)")

        // Which documents the listener served: the relay page (GET, fragment mode only) then the outcome.
        let documents = page.documents
        let methods = documents.map { $0["method"]?.stringValue ?? "?" }
        switch mode {
        case "fragment":
            #expect(methods == ["GET", "POST"], "the relay page's script must POST the fragment")
        case "form_post": #expect(methods == ["POST"])
        default: #expect(methods == ["GET"])
        }
        for document in documents {
            let headers = document["headers"]?.objectValue ?? [:]
            let policy = headers["content-security-policy"]?.stringValue ?? ""
            #expect(policy.contains("default-src 'none'"), "\(policy)")
            #expect(
                policy.contains("base-uri 'none'") && policy.contains("frame-ancestors 'none'"), "\(policy)"
            )
            #expect(
                !policy.contains("unsafe") && !policy.contains("*") && !policy.contains("http"), "\(policy)"
            )
            #expect(headers["x-content-type-options"] == "nosniff")
            #expect(headers["referrer-policy"] == "no-referrer")
            #expect(headers["cache-control"] == "no-store")
            #expect(document["status"] == .number(200))
        }
        if mode == "fragment", let relay = documents.first {
            let policy = relay["headers"]?["content-security-policy"]?.stringValue ?? ""
            #expect(
                policy.contains("script-src 'nonce-") && policy.contains("form-action 'self'"), "\(policy)")
        }
        if let outcome = documents.last {
            #expect(
                outcome["headers"]?["content-security-policy"]?.stringValue?.contains("form-action 'none'")
                    == true)
        }

        // No request leaves the provider and the listener; at the listener, documents only.
        let listener = redirectURI.components(separatedBy: "/").prefix(3).joined(separator: "/")  // http://127.0.0.1:P
        for request in page.requests {
            let url = request["url"]?.stringValue ?? ""
            #expect(url.hasPrefix("http://127.0.0.1:"), "an external request: \(url)")
            if url.hasPrefix(listener + "/"), !url.hasSuffix("/favicon.ico") {
                #expect(request["type"] == "Document", "the loopback page loaded \(url)")
            }
        }

        let screenshot = page.screenshot.flatMap { FileManager.default.contents(atPath: $0) } ?? Data()
        #expect(
            screenshot.starts(with: [0x89, 0x50, 0x4E, 0x47]),
            "no PNG screenshot at \(page.screenshot ?? "-")")
    }

    @Test(
        "idpyoidc with its login form: Chromium signs in through oidc login",
        arguments: [("code id_token", "fragment"), ("code id_token", "form_post"), ("code", "query")])
    func idpyoidc(_ responseType: String, _ mode: String) async throws {
        let provider = try IdpyoidcProvider.shared()
        let clientID = responseType == "code" ? "browser-public" : "browser-basic"
        let secret = BrowserLoginClients.secret
        let client = responseType == "code" ? ["--auth-method", "none"] : ["--client-secret", secret]
        let redirectURI = "http://127.0.0.1:\(try await LoginBrowser.freePort())/callback"
        let flow = ["--response-type", responseType, "--response-mode", mode, "--scope", "openid email"]
        let outcome = try await self.login(
            ["--client-id", clientID] + flow + client,
            issuer: provider.issuer, redirectURI: redirectURI,
            screenshot: "idpyoidc-\(responseType.replacing(" ", with: "-"))-\(mode).png",
            credentials: ("alice", "alice-password"))
        #expect(outcome.page.filledLoginForm, "idpyoidc showed no login form: \(outcome.page)")
        try #require(outcome.page.landed, "\(outcome.page)\n\(provider.log)")
        try #require(
            outcome.status == 0,
            "exit \(outcome.status): \(outcome.error)\n\(outcome.page)\n\(provider.log)")
        #expect(outcome.error.isEmpty, "\(outcome.error)")
        let json = try JSONParser().parseObject(Array(outcome.output.utf8))
        #expect(json["id_token_claims"]?["iss"] == .string(provider.issuer))
        #expect(json["id_token_claims"]?["sub"] == .string(provider.alice))
        #expect(json["id_token_claims"]?["aud"] == [.string(clientID)])
        #expect(json["id_token_claims"]?["nonce"]?.stringValue != nil)
        #expect(json["access_token"]?.stringValue?.isEmpty == false)
        #expect(json["userinfo"]?["email"] == "alice@example.com")
        self.expectLoopbackPage(
            outcome.page, redirectURI: redirectURI, mode: mode, title: "Signed in",
            message: "Signed in as \(provider.alice).")
    }

    static let embeddedClient = [
        "--client-id", "browser-client", "--client-secret", "browser-secret", "--scope", "openid",
    ]

    /// The embedded provider with one client on `redirectURI`.
    func startEmbeddedProvider(redirectURI: String) async throws -> OIDCTestProvider {
        try await OIDCTestProvider.start(
            configuration: .init(clients: [
                .init(
                    id: "browser-client", secret: "browser-secret", redirectURIs: [redirectURI],
                    authenticationMethod: .clientSecretBasic)
            ]))
    }

    @Test("the embedded provider (auto-consent): Chromium auto-submits form_post and lands on Signed in")
    func embeddedProvider() async throws {
        let redirectURI = "http://127.0.0.1:\(try await LoginBrowser.freePort())/callback"
        let provider = try await self.startEmbeddedProvider(redirectURI: redirectURI)
        defer { Task { await provider.shutdown() } }
        let outcome = try await self.login(
            Self.embeddedClient + ["--response-type", "code id_token", "--response-mode", "form_post"],
            issuer: provider.issuer, redirectURI: redirectURI,
            screenshot: "embedded-code-id_token-form_post.png")
        #expect(!outcome.page.filledLoginForm)
        try #require(outcome.page.landed, "\(outcome.page)")
        try #require(outcome.status == 0, "exit \(outcome.status): \(outcome.error)\n\(outcome.page)")
        let json = try JSONParser().parseObject(Array(outcome.output.utf8))
        #expect(json["id_token_claims"]?["sub"] == "test-user-1")
        #expect(json["id_token_claims"]?["aud"] == "browser-client")
        #expect(json["access_token"]?.stringValue?.isEmpty == false)
        self.expectLoopbackPage(
            outcome.page, redirectURI: redirectURI, mode: "form_post", title: "Signed in",
            message: "Signed in as test-user-1.")
    }

    @Test("the embedded provider with a wrong c_hash: Chromium shows Sign-in failed, oidc exits 1")
    func wrongCodeHash() async throws {
        let redirectURI = "http://127.0.0.1:\(try await LoginBrowser.freePort())/callback"
        let provider = try await self.startEmbeddedProvider(redirectURI: redirectURI)
        defer { Task { await provider.shutdown() } }
        // Were the code redeemed, the token endpoint's 500 would be the error instead.
        await provider.setMisbehaviour(.init(wrongCodeHash: true, tokenEndpointServerError: true))
        let outcome = try await self.login(
            Self.embeddedClient + ["--response-type", "code id_token", "--response-mode", "fragment"],
            issuer: provider.issuer, redirectURI: redirectURI,
            screenshot: "embedded-wrong-c_hash-fragment.png")
        try #require(outcome.page.landed, "\(outcome.page)")
        #expect(outcome.status == 1, "\(outcome.page)")
        #expect(outcome.output.isEmpty)
        #expect(outcome.error == "error: c_hash mismatch\n")
        self.expectLoopbackPage(
            outcome.page, redirectURI: redirectURI, mode: "fragment", title: "Sign-in failed",
            message: "c_hash mismatch")
    }
}
