// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Discovery
import Flows
import Foundation
import HTTPTypes
import JOSE
import MobilePayProfile
import OIDCTestProvider
import Transport

/// `oidc demo`: the whole MobilePay-style hybrid flow, offline, against the embedded test provider.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole hybrid flow against an embedded OpenID Provider on 127.0.0.1, offline.",
        discussion: """
            Starts the embedded test provider, then: discovery, authorization request (code id_token, form_post, \
            PKCE S256, state, nonce, merchant_vat), consent, callback on a loopback listener, front-channel \
            validation, code exchange, token-endpoint ID token validation, userinfo, refresh with rotation, \
            revocation, and a forged c_hash refused before redemption. Prints each step, what was checked, \
            and timings.
            """
    )

    @Flag(name: .long, help: "Print the timings only at the end (quieter).")
    var quiet = false

    func run() async throws {
        do {
            try await DemoRun(verbose: !self.quiet).run()
        } catch {
            throw CommandFailure.from(error)
        }
    }
}

/// The demo's steps, over public API only (Flows, MobilePayProfile, OIDCTestProvider, Transport).
struct DemoRun {
    let verbose: Bool
    let clock = ContinuousClock()

    func step<T>(_ number: String, _ title: String, _ body: () async throws -> (T, [String])) async throws -> T {
        let start = self.clock.now
        let (value, checks) = try await body()
        let elapsed = self.clock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        print(String(format: "%@ %@ (%.1f ms)", number, title, milliseconds))
        if self.verbose { for check in checks { print("      ✓ \(check)") } }
        return value
    }

    func run() async throws {
        let total = self.clock.now
        let secret = "demo-secret-\(UUID().uuidString.prefix(8))"
        let receiver = try LoopbackRedirectReceiver.start()
        let provider = try await self.step("0.", "embedded OpenID Provider started") {
            let provider = try await OIDCTestProvider.start(
                configuration: .init(clients: [
                    .init(id: "demo-merchant-app", secret: secret, redirectURIs: [receiver.redirectURI],
                          authenticationMethod: .clientSecretPost)
                ]))
            return (provider, ["issuer \(provider.issuer), RS256 and ES256 keys, auto-consent user"])
        }
        let transport = try SocketHTTPClient()
        defer { transport.shutdown() }
        let configuration = MobilePay.configuration(
            clientID: "demo-merchant-app", clientSecret: secret, redirectURI: receiver.redirectURI)
        let client = try await self.step("1.", "discovery") {
            let client = try await MobilePay.discover(
                environment: .sandbox, country: .denmark, configuration: configuration, transport: transport,
                issuer: provider.issuer)
            return (client, ["issuer in the document equals \(client.metadata.issuer) exactly",
                             "endpoints are https or loopback http", "RFC 9207 iss parameter advertised: \(client.metadata.authorizationResponseIssParameterSupported)"])
        }
        let prepared = try await self.step("2.", "authorization request (MobilePay hybrid profile)") {
            let request = MobilePay.authorizationRequest(
                clientID: configuration.clientID, redirectURI: receiver.redirectURI,
                merchantVAT: try MerchantVAT("DK12345678"), products: [.invoice, .webhooks])
            let prepared = try client.prepareAuthorization(request)
            return (prepared, ["response_type=code id_token, response_mode=form_post",
                               "PKCE S256 challenge, fresh state and nonce (kept in a Codable session)",
                               "scope=openid offline_access invoice webhooks, prompt=consent, merchant_vat=DK12345678"])
        }
        let callback = try await self.step("3.", "consent at the provider, form_post to the loopback listener") {
            let redirect = try await provider.authorize(url: prepared.url)
            let browser = Task { try await Self.browserPost(redirect, transport: transport) }
            let callback = try await receiver.receive(timeout: .seconds(30))
            return ((callback, browser), ["callback received on \(receiver.redirectURI)"])
        }
        let result = try await self.step("4-7.", "front channel validated, code redeemed, token response validated") {
            do {
                let result = try await client.completeAuthorization(callback.0.response, session: prepared.session)
                callback.0.finish(success: true, message: "Signed in as \(result.idToken.subject).")
                _ = try await callback.1.value
                return (result, [
                    "state (constant time), iss parameter, session not expired",
                    "front-channel ID token: \(result.idToken.header.algorithm) signature by kid \(result.frontChannelIDToken?.header.keyID ?? "-"), iss, aud, exp, iat, nonce, c_hash",
                    "code redeemed with the PKCE verifier and client_secret_post",
                    "token-endpoint ID token: signature, nonce, at_hash, same iss and sub (\(result.idToken.subject))",
                    "access token: Bearer, expires in \(Int(result.tokens.expiresIn ?? 0)) s",
                ])
            } catch {
                callback.0.finish(success: false, message: "\(error)")
                throw error
            }
        }
        let userInfo = try await self.step("8a.", "userinfo") {
            let claims = try await client.userInfo(accessToken: result.tokens.accessToken, subject: result.idToken.subject)
            return (claims, ["sub equals the ID token's", "claims: \(claims.keys.joined(separator: ", "))"])
        }
        _ = userInfo
        let manager = try client.makeTokenManager(store: InMemoryTokenStore())
        try await manager.install(result.tokenSet)
        let refreshed = try await self.step("8b.", "refresh through the TokenManager (single-flight)") {
            let before = try await manager.tokens()
            let concurrent = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<100 { group.addTask { try await manager.accessToken(replacing: result.tokens.accessToken) } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            let after = try await manager.tokens()
            let rotated = before?.refreshToken != after?.refreshToken
            return (after, ["100 concurrent callers, \(await manager.refreshCount) refresh request, \(concurrent.count) new access token",
                            "refresh token rotated: \(rotated), newest saved before use",
                            "refreshed ID token: same iss, sub, aud, auth_time; no foreign nonce"])
        }
        try await self.step("9.", "revocation") {
            guard let refreshToken = refreshed?.refreshToken else { return ((), ["no refresh token to revoke"]) }
            try await client.revoke(refreshToken, hint: "refresh_token")
            do {
                _ = try await manager.refreshed()
                throw CommandFailure.invalid("a revoked refresh token still worked")
            } catch let error as FlowsError where error.code == .reauthenticationRequired {
                return ((), ["revoked refresh token refused: TokenManager reports re-authentication, no retry loop"])
            }
        }
        try await self.step("10.", "security check: a forged c_hash") {
            await provider.setMisbehaviour(.init(wrongCodeHash: true))
            let forged = try client.prepareAuthorization(
                MobilePay.authorizationRequest(
                    clientID: configuration.clientID, redirectURI: receiver.redirectURI,
                    merchantVAT: try MerchantVAT("DK12345678"), products: [.invoice]))
            let redirect = try await provider.authorize(url: forged.url)
            let response = try AuthorizationResponse(formBody: Self.formBody(redirect))
            do {
                _ = try await client.completeAuthorization(response, session: forged.session)
                throw CommandFailure.invalid("a forged c_hash was accepted")
            } catch let error as FlowsError where error.reason == "c_hash mismatch" {
                return ((), ["refused with \"c_hash mismatch\" before the code reached the token endpoint"])
            }
        }
        await provider.shutdown()
        await receiver.shutdown()
        let elapsed = self.clock.now - total
        print("done: the hybrid flow passed every check in \(elapsed.formatted(.units(allowed: [.milliseconds])))")
    }

    /// What a browser does with the provider's answer: POST the form (or GET the redirect) to the listener.
    static func browserPost(_ redirect: OIDCTestProvider.AuthorizationRedirect, transport: any HTTPTransport) async throws {
        var request = try HTTPRequest(method: .post, url: redirect.url)
        request.headerFields[.contentType] = "application/x-www-form-urlencoded"
        _ = try await transport.send(request, body: try Self.formBody(redirect), deadline: .now + .seconds(30))
    }

    static func formBody(_ redirect: OIDCTestProvider.AuthorizationRedirect) throws -> [UInt8] {
        guard case .formPost(_, let body) = redirect else {
            throw CommandFailure.invalid("the provider did not answer with form_post")
        }
        return body
    }
}
