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
    /// A running `oidc` whose stderr is read line by line (the authorization URL comes first).
    final class RunningCommand: @unchecked Sendable {  // the pipes are read from one task at a time
        let process = Process()
        let output = Pipe()
        let error = Pipe()

        init(_ arguments: [String]) throws {
            let executable: URL = try #require(CommandRunner.executable)
            self.process.executableURL = executable
            self.process.arguments = arguments
            self.process.standardOutput = self.output
            self.process.standardError = self.error
            self.process.standardInput = FileHandle.nullDevice
            try self.process.run()
            let pid = self.process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + 60) { kill(pid, SIGKILL) }
        }

        /// Runs a blocking read on a Dispatch thread, never on the cooperative pool.
        private func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: body()) }
            }
        }

        /// The first stderr line.
        func firstErrorLine() async -> String {
            let handle = self.error.fileHandleForReading
            return await self.blocking {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
                    bytes.append(byte)
                }
                return String(decoding: bytes, as: UTF8.self)
            }
        }

        func finish() async -> (Int32, String, String) {
            let (output, error) = (self.output, self.error)
            let process = self.process
            return await self.blocking {
                let out = output.fileHandleForReading.readDataToEndOfFile()
                let err = error.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
            }
        }
    }

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
        let redirect = try await provider.authorize(url: url)
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        switch redirect {
        case .formPost(let target, let body):
            var request = try HTTPRequest(method: .post, url: target)
            request.headerFields[.contentType] = "application/x-www-form-urlencoded"
            _ = try await client.send(request, body: body, deadline: .now + .seconds(20))
        case .redirect(let target):
            if mode == "fragment" {
                // The relay page's script: POST the fragment's parameters to the same path.
                let parts = target.split(separator: "#", maxSplits: 1)
                let (page, html) = try await client.send(try HTTPRequest(method: .get, url: String(parts[0])), body: nil, deadline: .now + .seconds(20))
                #expect(page.headerFields[.contentSecurityPolicy]?.contains("script-src 'nonce-") == true)
                #expect(String(decoding: html, as: UTF8.self).contains("location.hash"))
                var request = try HTTPRequest(method: .post, url: String(parts[0]))
                request.headerFields[.contentType] = "application/x-www-form-urlencoded"
                _ = try await client.send(request, body: Array(parts[1].utf8), deadline: .now + .seconds(20))
            } else {
                _ = try await client.send(try HTTPRequest(method: .get, url: target), body: nil, deadline: .now + .seconds(20))
            }
        }
    }

    func freePort() async throws -> Int {
        let server = try LoopbackHTTPServer.start { _, _ in (HTTPResponse(status: .ok), []) }
        let port = server.port
        await server.shutdown()
        return port
    }

    @Test("login in every response mode and with every client auth method, with --refresh and --json", arguments: [
        ("code id_token", "form_post", "post-client"), ("code id_token", "fragment", "basic-client"),
        ("code", "query", "jwt-client"), ("code id_token", "form_post", "public-client"),
    ])
    func login(_ responseType: String, _ mode: String, _ clientID: String) async throws {
        let directory = try TemporaryDirectory()
        let clientKey = try SigningKey.generate(.ec(.p256), keyID: "client-key")
        let keyFile = try directory.write("client.jwk", clientKey.privateJWK.jsonText)
        let redirectURI = "http://127.0.0.1:\(try await self.freePort())/callback"
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
        let redirectURI = "http://127.0.0.1:\(try await self.freePort())/callback"
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
        let dead = try await CommandRunner.run(["login", "--issuer", "http://127.0.0.1:\(try await self.freePort())", "--client-id", "a", "--no-browser", "--timeout", "10"])
        #expect(dead.exitCode == 3, "\(dead.standardError)")
        #expect(dead.standardError.hasPrefix("error: "))
        let mode = try await CommandRunner.run(["login", "--issuer", "https://op.example.com", "--client-id", "a", "--response-mode", "query"])
        #expect(mode.exitCode == 2)
        let vat = try await CommandRunner.run(["login", "--profile", "mobilepay-sandbox-dk", "--client-id", "a", "--param", "merchant_vat=SE123"])
        #expect(vat.exitCode == 2)
        #expect(vat.standardError.contains("merchant_vat"))
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
        let redirectURI = "http://127.0.0.1:\(try await self.freePort())/callback"
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

        let userinfo = try await CommandRunner.run(["userinfo"] + client + ["--access-token", accessToken, "--subject", "test-user-1", "--json"])
        #expect(userinfo.exitCode == 0, "\(userinfo.standardError)")
        #expect(try JSONParser().parseObject(Array(userinfo.standardOutput.utf8))["sub"] == "test-user-1")
        let wrongSubject = try await CommandRunner.run(["userinfo"] + client + ["--access-token", accessToken, "--subject", "someone-else"])
        #expect(wrongSubject.exitCode == 1)
        #expect(wrongSubject.standardError.hasPrefix("error: userinfo sub"))

        let refreshed = try await CommandRunner.run(["refresh"] + client + ["--refresh-token", "-", "--json"], standardInput: refreshToken)
        #expect(refreshed.exitCode == 0, "\(refreshed.standardError)")
        let newRefreshToken = try #require(try JSONParser().parseObject(Array(refreshed.standardOutput.utf8))["refresh_token"]?.stringValue)
        #expect(newRefreshToken != refreshToken)
        // The rotated-away token is dead: re-authentication, exit 1.
        let reused = try await CommandRunner.run(["refresh"] + client + ["--refresh-token", refreshToken])
        #expect(reused.exitCode == 1)
        #expect(reused.standardError.contains("authorize again"))

        let revoked = try await CommandRunner.run(["revoke"] + client + ["--token", newRefreshToken, "--hint", "refresh_token"])
        #expect(revoked.exitCode == 0, "\(revoked.standardError)")
        #expect(try await CommandRunner.run(["refresh"] + client + ["--refresh-token", newRefreshToken]).exitCode == 1)
    }
}
