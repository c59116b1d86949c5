// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import OIDCTestProvider
import Testing

/// The clients of the idpyoidc login suite, one per client auth method.
enum IdpyoidcLoginClients {
    static let clientKey = try! SigningKey.generate(.ec(.p256), keyID: "login-jwt-key")
    /// Characters that HTTP Basic must form-urlencode (RFC 6749 §2.3.1).
    static let basicSecret = "login-basic/secret+0123:456789%abcdef"
    static let postSecret = "login-post-secret-0123456789abcdef"
    static let eddsaSecret = "login-eddsa-secret-0123456789abcdef"

    static let registrations: [JSONObject] = [
        IdpyoidcProvider.client(
            "login-basic", secret: basicSecret, method: "client_secret_basic", idTokenAlgorithm: "RS256"),
        IdpyoidcProvider.client(
            "login-post", secret: postSecret, method: "client_secret_post", idTokenAlgorithm: "ES256"),
        IdpyoidcProvider.client(
            "login-jwt", method: "private_key_jwt", idTokenAlgorithm: "PS256", publicKey: clientKey.publicJWK),
        IdpyoidcProvider.client("login-public", method: "none", idTokenAlgorithm: "RS256"),
        IdpyoidcProvider.client(
            "login-eddsa", secret: eddsaSecret, method: "client_secret_basic", idTokenAlgorithm: "EdDSA"),
    ]
}

/// `oidc login` end to end against idpyoidc, a real OpenID Provider nobody on this team wrote: the
/// test plays the browser (headless login at idpyoidc, then the callback to the CLI's listener).
/// Serialized: the provider's request log tells what each login sent.
@Suite(.serialized, .idpyoidc(clients: IdpyoidcLoginClients.registrations, arguments: ["--log-level", "INFO"]))
struct LoginIdpyoidcTests {
    typealias C = IdpyoidcLoginClients

    /// Starts `oidc login`, plays the browser, and returns exit status, stdout and stderr (after the URL).
    func login(
        _ clientID: String, responseType: String, mode: String, arguments: [String],
        scope: String = "openid email offline_access"
    ) async throws -> (status: Int32, output: String, error: String) {
        let provider = try IdpyoidcProvider.shared()
        let redirectURI = "http://127.0.0.1:\(try await LoginBrowser.freePort())/callback"
        let command = try RunningCommand(
            [
                "login", "--issuer", provider.issuer, "--client-id", clientID, "--no-browser", "--json", "--refresh",
                "--response-type", responseType, "--response-mode", mode, "--redirect-uri", redirectURI,
                "--scope", scope, "--timeout", "30",
            ] + arguments)
        let url = await command.firstErrorLine()
        guard url.hasPrefix(provider.issuer + "/authorization?") else {
            let (status, output, error) = await command.finish()
            Issue.record("oidc printed no authorization URL: \(url)\n\(error)")
            return (status, output, url + "\n" + error)
        }
        #expect(url.contains("response_mode=\(mode)") || mode == (responseType == "code" ? "query" : "fragment"))
        let redirect: OIDCTestProvider.AuthorizationRedirect
        let answer = try await provider.authorize(url: url)
        switch answer {
        case .redirect(let target):
            #expect(target.hasPrefix(redirectURI + (mode == "fragment" ? "#" : "?")), "\(target.prefix(80))")
            redirect = .redirect(url: target)
        case .formPost(let target, _):
            #expect(mode == "form_post" && target == redirectURI)
            redirect = .formPost(url: target, body: answer.formBody)
        }
        let (page, _) = try await LoginBrowser.deliver(redirect, mode: mode)
        let (status, output, error) = await command.finish()
        if status == 0 { #expect(page.status == .ok, "the listener's last page") }
        return (status, output, error)
    }

    static let post = ["--client-secret", C.postSecret, "--auth-method", "client_secret_post"]
    static let cases: [(String, String, String, [String])] = [
        // With a secret and no --auth-method, client_secret_basic is the default.
        ("login-basic", "code id_token", "form_post", ["--client-secret", C.basicSecret]),
        ("login-basic", "code", "query", ["--client-secret", C.basicSecret]),
        ("login-post", "code id_token", "fragment", post),
        ("login-post", "code id_token", "form_post", post),
        ("login-jwt", "code", "query", ["--private-key", "KEYFILE"]),
        ("login-jwt", "code id_token", "fragment", ["--private-key", "KEYFILE", "--auth-method", "private_key_jwt"]),
        ("login-public", "code id_token", "fragment", ["--auth-method", "none"]),
        ("login-public", "code", "query", ["--auth-method", "none"]),
    ]

    @Test("oidc login --json --refresh in every response mode with every client auth method", arguments: cases)
    func login(_ clientID: String, _ responseType: String, _ mode: String, _ arguments: [String]) async throws {
        let provider = try IdpyoidcProvider.shared()
        let directory = try TemporaryDirectory()
        let keyFile = try directory.write("client.jwk", C.clientKey.privateJWK.jsonText)
        let tokenRequests = provider.requestCount("POST /token")
        let userInfoRequests = provider.requestCount("GET /userinfo")
        let (status, output, error) = try await self.login(
            clientID, responseType: responseType, mode: mode,
            arguments: arguments.map { $0 == "KEYFILE" ? keyFile : $0 })
        try #require(status == 0, "exit \(status): \(error)\n\(provider.log)")
        #expect(error.isEmpty, "\(error)")
        #expect(provider.requestCount("POST /token") == tokenRequests + 2, "code exchange and one refresh")
        #expect(provider.requestCount("GET /userinfo") == userInfoRequests + 1)

        let json = try JSONParser().parseObject(Array(output.utf8))
        let keys = ["access_token", "expires_in", "id_token_claims", "refresh_token", "scope", "token_type"]
        #expect(Set(json.map(\.key)) == Set(keys + ["userinfo", "refreshed"]))
        let claims = try #require(json["id_token_claims"])
        #expect(claims["iss"] == .string(provider.issuer))
        #expect(claims["sub"] == .string(provider.alice))
        #expect(claims["aud"] == [.string(clientID)])
        #expect(claims["nonce"]?.stringValue != nil)
        #expect(json["access_token"]?.stringValue?.isEmpty == false)
        #expect(json["token_type"] == "Bearer")
        #expect(json["expires_in"] == .number(3600), "a JSON number")
        let refreshToken = try #require(json["refresh_token"]?.stringValue)
        let scope = Set((json["scope"]?.stringValue ?? "").split(separator: " "))
        #expect(scope.isSuperset(of: ["openid", "email", "offline_access"]), "\(scope)")
        #expect(json["userinfo"]?["sub"] == .string(provider.alice))
        #expect(json["userinfo"]?["email"] == "alice@example.com")

        let refreshed = try #require(json["refreshed"]?.objectValue)
        #expect(Set(refreshed.map(\.key)) == Set(keys))
        #expect(refreshed["refresh_token"]?.stringValue != nil)
        #expect(refreshed["refresh_token"]?.stringValue != refreshToken, "the rotated refresh token is reported")
        #expect(refreshed["access_token"] != json["access_token"])
        #expect(refreshed["expires_in"] == .number(3600))
        #expect(refreshed["id_token_claims"]?["sub"] == .string(provider.alice))
    }

    @Test("idpyoidc's EdDSA hybrid ID token (c_hash null) exits 1 with c_hash missing, code never redeemed")
    func eddsaHybrid() async throws {
        let provider = try IdpyoidcProvider.shared()
        let tokenRequests = provider.requestCount("POST /token")
        let (status, output, error) = try await self.login(
            "login-eddsa", responseType: "code id_token", mode: "form_post",
            arguments: ["--client-secret", C.eddsaSecret])
        #expect(status == 1)
        #expect(output.isEmpty)
        #expect(error == "error: c_hash missing\n")
        #expect(provider.requestCount("POST /token") == tokenRequests, "the code was never redeemed")
        // The EdDSA code flow has no c_hash to check and passes.
        let code = try await self.login(
            "login-eddsa", responseType: "code", mode: "query", arguments: ["--client-secret", C.eddsaSecret])
        #expect(code.status == 0, "\(code.error)")
    }

    @Test("a discovery issuer mismatch exits 1 before any authorization URL is printed")
    func discoveryIssuerMismatch() async throws {
        let provider = try IdpyoidcProvider.shared()
        let result = try await CommandRunner.run([
            "login", "--issuer", provider.issuer + "/", "--client-id", "login-public", "--no-browser",
            "--timeout", "10",
        ])
        #expect(result.exitCode == 1, "\(result.standardError)")
        #expect(result.standardError.hasPrefix("error: "), "\(result.standardError)")
        #expect(result.standardError.contains("issuer"), "\(result.standardError)")
        #expect(!result.standardError.contains("/authorization?"))
    }
}
