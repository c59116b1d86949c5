// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import JOSE
import OIDCTestProvider
import Synchronization
import Testing
import Transport

/// `oidc login` end to end against the embedded provider: the test plays the browser.
@Suite(.serialized) struct LoginCommandTests {
    static let port = Atomic<Int>(0)

    /// A provider with one client per auth method, all on one fixed loopback redirect URI.
    func startProvider(redirectURI: String, clientKey: SigningKey) async throws -> OIDCTestProvider {
        try await OIDCTestProvider.start(configuration: .init(clients: [
            .init(id: "basic-client", secret: "basic-secret", redirectURIs: [redirectURI], authenticationMethod: .clientSecretBasic),
            .init(id: "post-client", secret: "post-secret", redirectURIs: [redirectURI], authenticationMethod: .clientSecretPost),
            .init(id: "jwt-client", redirectURIs: [redirectURI], authenticationMethod: .privateKeyJWT, publicKey: clientKey.publicJWK),
            .init(id: "public-client", redirectURIs: [redirectURI], authenticationMethod: OIDCTestProvider.ClientAuthenticationMethod.none,
                  idTokenSigningAlgorithm: .es256),
        ]))
    }

    /// Plays the browser: GET the authorization URL at the provider, then deliver the response to the listener.
    func browse(_ url: String, provider: OIDCTestProvider, mode: String) async throws {
        try await LoginBrowser.deliver(try await provider.authorize(url: url), mode: mode)
    }

    @Test("login in every response mode and with every client auth method, with --refresh and --json", arguments: [
        ("code id_token", "form_post", "post-client"), ("code id_token", "fragment", "basic-client"),
        ("code", "query", "jwt-client"), ("code id_token", "form_post", "public-client"),
    ])
    func login(_ responseType: String, _ mode: String, _ clientID: String) async throws {
        let directory = try TemporaryDirectory()
        let clientKey = try SigningKey.generate(.ec(.p256), keyID: "client-key")
        let keyFile = try directory.write("client.jwk", clientKey.privateJWK.jsonText)
        let redirectURI = "http://127.0.0.1:\(try await LoginBrowser.freePort())/callback"
        let provider = try await self.startProvider(redirectURI: redirectURI, clientKey: clientKey)
        defer { Task { await provider.shutdown() } }
        var arguments = [
            "login", "--issuer", provider.issuer, "--client-id", clientID, "--no-browser", "--json", "--refresh",
            "--response-type", responseType, "--response-mode", mode, "--redirect-uri", redirectURI,
            "--scope", "openid offline_access", "--timeout", "30",
        ]
        switch clientID {
        case "post-client": arguments += ["--client-secret", "post-secret", "--auth-method", "client_secret_post"]
        // With a secret and no method, client_secret_basic is the default.
        case "basic-client": arguments += ["--client-secret", "basic-secret"]
        case "jwt-client": arguments += ["--private-key", keyFile]
        default: arguments += ["--auth-method", "none"]
        }
        let command = try RunningCommand(arguments)
        let url = await command.firstErrorLine()
        #expect(url.hasPrefix(provider.authorizationEndpoint + "?"), "\(url)")
        try await self.browse(url, provider: provider, mode: mode)
        let (status, output, error) = await command.finish()
        #expect(status == 0, "\(error)")
        let json = try JSONParser().parseObject(Array(output.utf8))
        #expect(json["id_token_claims"]?["sub"] == "test-user-1")
        #expect(json["id_token_claims"]?["aud"] == .string(clientID))
        #expect(json["token_type"]?.stringValue?.lowercased() == "bearer")
        #expect(json["expires_in"]?.numberValue == 300)
        #expect(json["refresh_token"]?.stringValue != nil)
        #expect(json["userinfo"]?["sub"] == "test-user-1")
        let refreshed = try #require(json["refreshed"])
        #expect(refreshed["access_token"] != json["access_token"])
        #expect(refreshed["refresh_token"] != json["refresh_token"], "rotation: the newest refresh token is reported")
    }

    @Test("a bad front channel exits 1 naming the check, and never reaches the token endpoint")
    func badCodeHash() async throws {
        let redirectURI = "http://127.0.0.1:\(try await LoginBrowser.freePort())/callback"
        let provider = try await self.startProvider(redirectURI: redirectURI, clientKey: try SigningKey.generate(.ed25519))
        defer { Task { await provider.shutdown() } }
        await provider.setMisbehaviour(.init(wrongCodeHash: true, tokenEndpointServerError: true))
        let command = try RunningCommand([
            "login", "--issuer", provider.issuer, "--client-id", "post-client", "--client-secret", "post-secret",
            "--auth-method", "client_secret_post", "--no-browser", "--redirect-uri", redirectURI, "--response-mode", "form_post", "--timeout", "30",
        ])
        try await self.browse(await command.firstErrorLine(), provider: provider, mode: "form_post")
        let (status, _, error) = await command.finish()
        #expect(status == 1)
        // Had the code been redeemed, the token endpoint's 500 would have been the error instead.
        #expect(error == "error: c_hash mismatch\n")
    }

    @Test("usage and network failures: non-loopback http issuer is 2 before any network call; a dead issuer is 3")
    func usageAndNetwork() async throws {
        let usage = try await CommandRunner.run(["login", "--issuer", "http://op.example.com", "--client-id", "a", "--no-browser"])
        #expect(usage.exitCode == 2)
        #expect(usage.standardError.hasPrefix("error: issuer must be https"))
        let dead = try await CommandRunner.run(["login", "--issuer", "http://127.0.0.1:\(try await LoginBrowser.freePort())", "--client-id", "a", "--no-browser", "--timeout", "10"])
        #expect(dead.exitCode == 3, "\(dead.standardError)")
        #expect(dead.standardError.hasPrefix("error: "))
        let mode = try await CommandRunner.run(["login", "--issuer", "https://op.example.com", "--client-id", "a", "--response-mode", "query"])
        #expect(mode.exitCode == 2)
        let vat = try await CommandRunner.run(["login", "--profile", "mobilepay-sandbox-dk", "--client-id", "a", "--param", "merchant_vat=SE123"])
        #expect(vat.exitCode == 2)
        #expect(vat.standardError.contains("merchant_vat"))
    }

    @Test("http issuers on hosts that only start like loopback are usage errors before any network call", arguments: [
        "http://127.0.0.1@op.example.com", "http://127.op.example.com", "http://127.0.0.1.op.example.com/",
        "http://localhost.op.example.com", "http://[::1]@op.example.com",
    ])
    func httpIssuerLookalikes(_ issuer: String) async throws {
        let result = try await CommandRunner.run(["login", "--issuer", issuer, "--client-id", "a", "--no-browser", "--timeout", "5"])
        #expect(result.exitCode == 2, "\(result.standardError)")
        #expect(result.standardError.hasPrefix("error: issuer must be https"), "\(result.standardError)")
    }

    @Test("a --timeout that is not a positive number of seconds is a usage error, not a crash", arguments: [
        "nan", "inf", "-1", "0", "1e300",
    ])
    func badTimeout(_ timeout: String) async throws {
        for command in ["login", "refresh"] {
            var arguments = [command, "--issuer", "https://op.example.com", "--client-id", "a", "--timeout", timeout]
            if command == "refresh" { arguments += ["--refresh-token", "rt"] }
            let result = try await CommandRunner.run(arguments)
            #expect(result.exitCode == 2, "\(command) --timeout \(timeout): \(result.standardError)")
        }
    }

    @Test("a token endpoint that answers HTTP 500 without an OAuth error is a network failure: exit 3")
    func serverErrorIsNetwork() async throws {
        let redirectURI = "http://127.0.0.1:\(try await LoginBrowser.freePort())/callback"
        let provider = try await self.startProvider(redirectURI: redirectURI, clientKey: try SigningKey.generate(.ed25519))
        defer { Task { await provider.shutdown() } }
        await provider.setMisbehaviour(.init(tokenEndpointServerError: true))
        let result = try await CommandRunner.run([
            "refresh", "--issuer", provider.issuer, "--client-id", "post-client", "--client-secret", "post-secret",
            "--auth-method", "client_secret_post", "--refresh-token", "rt",
        ])
        #expect(result.exitCode == 3, "\(result.standardError)")
        #expect(result.standardError.contains("HTTP 500"), "\(result.standardError)")
    }

    @Test("oidc demo passes offline")
    func demo() async throws {
        let result = try await CommandRunner.run(["demo"], timeout: 60)
        #expect(result.exitCode == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("c_hash mismatch"))
        #expect(result.standardOutput.contains("done: the hybrid flow passed every check"))
    }
}

extension LoginCommandTests {
    @Test("oidc refresh, userinfo and revoke over the tokens of a login")
    func tokenCommands() async throws {
        let redirectURI = "http://127.0.0.1:\(try await LoginBrowser.freePort())/callback"
        let provider = try await self.startProvider(redirectURI: redirectURI, clientKey: try SigningKey.generate(.ed25519))
        defer { Task { await provider.shutdown() } }
        let command = try RunningCommand([
            "login", "--issuer", provider.issuer, "--client-id", "post-client", "--client-secret", "post-secret",
            "--auth-method", "client_secret_post", "--no-browser", "--json", "--redirect-uri", redirectURI,
            "--scope", "openid offline_access", "--timeout", "30",
        ])
        try await self.browse(await command.firstErrorLine(), provider: provider, mode: "fragment")
        let (status, output, error) = await command.finish()
        #expect(status == 0, "\(error)")
        let login = try JSONParser().parseObject(Array(output.utf8))
        let refreshToken = try #require(login["refresh_token"]?.stringValue)
        let accessToken = try #require(login["access_token"]?.stringValue)
        let client = ["--issuer", provider.issuer, "--client-id", "post-client", "--client-secret", "post-secret", "--auth-method", "client_secret_post"]

        let userinfo = try await CommandRunner.run(["userinfo"] + client + ["--access-token=\(accessToken)", "--subject", "test-user-1", "--json"])
        #expect(userinfo.exitCode == 0, "\(userinfo.standardError)")
        #expect(try JSONParser().parseObject(Array(userinfo.standardOutput.utf8))["sub"] == "test-user-1")
        let wrongSubject = try await CommandRunner.run(["userinfo"] + client + ["--access-token=\(accessToken)", "--subject", "someone-else"])
        #expect(wrongSubject.exitCode == 1)
        #expect(wrongSubject.standardError.hasPrefix("error: userinfo sub"))

        let refreshed = try await CommandRunner.run(["refresh"] + client + ["--refresh-token", "-", "--json"], standardInput: refreshToken)
        #expect(refreshed.exitCode == 0, "\(refreshed.standardError)")
        let newRefreshToken = try #require(try JSONParser().parseObject(Array(refreshed.standardOutput.utf8))["refresh_token"]?.stringValue)
        #expect(newRefreshToken != refreshToken)
        // The rotated-away token is dead: re-authentication, exit 1.
        let reused = try await CommandRunner.run(["refresh"] + client + ["--refresh-token=\(refreshToken)"])
        #expect(reused.exitCode == 1)
        #expect(reused.standardError.contains("authorize again"))

        let revoked = try await CommandRunner.run(["revoke"] + client + ["--token=\(newRefreshToken)", "--hint", "refresh_token"])
        #expect(revoked.exitCode == 0, "\(revoked.standardError)")
        #expect(try await CommandRunner.run(["refresh"] + client + ["--refresh-token=\(newRefreshToken)"]).exitCode == 1)
    }
}
