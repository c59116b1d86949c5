// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import Foundation
import JOSE
import Transport

/// The steps of `oidc login`, over the public Flows API.
struct LoginFlow {
    let setup: LoginSetup
    let options: ClientOptions
    let transport: any HTTPTransport
    let openBrowser: Bool

    struct Output {
        var idToken: IDToken
        var tokens: TokenSet
        var expiresIn: Double?
        var userInfo: JSONObject?
        var refreshed: RefreshResult?
    }

    func run(deadline: ContinuousClock.Instant, refresh: Bool) async throws -> Output {
        // Bind first (a fixed registered port is reusable at once): the URI must be known before discovery.
        let receiver = try LoopbackRedirectReceiver.start(redirectURI: self.setup.redirectURI)
        do {
            let output = try await self.run(receiver: receiver, deadline: deadline, refresh: refresh)
            await receiver.shutdown()
            return output
        } catch {
            await receiver.shutdown()  // lets the browser see the error page first
            throw error
        }
    }

    private func run(receiver: LoopbackRedirectReceiver, deadline: ContinuousClock.Instant, refresh: Bool) async throws
        -> Output
    {
        // A discovery issuer mismatch stops here, before any URL is printed.
        let client = try await self.options.makeClient(setup: self.setup, redirectURI: receiver.redirectURI, transport: self.transport)

        var request = client.makeAuthorizationRequest(responseType: self.setup.responseType, scopes: self.setup.scopes)
        request.responseMode = self.setup.responseMode
        request.extraParameters = self.setup.extraParameters
        let prepared = try client.prepareAuthorization(request)
        StandardError.write(prepared.url)
        if self.openBrowser { Self.open(prepared.url) }

        let remaining = deadline - .now
        let callback = try await receiver.receive(timeout: remaining > .zero ? remaining : .milliseconds(1))
        let result: AuthorizationResult
        do {
            result = try await client.completeAuthorization(callback.response, session: prepared.session)
            callback.finish(success: true, message: "Signed in as \(result.idToken.subject).")
        } catch {
            callback.finish(success: false, message: CommandFailure.from(error).message)
            throw error
        }
        var output = Output(idToken: result.idToken, tokens: result.tokenSet, expiresIn: result.tokens.expiresIn)
        if client.metadata.userinfoEndpoint != nil {
            output.userInfo = try await client.userInfo(accessToken: result.tokens.accessToken, subject: result.idToken.subject)
        }
        if refresh { output.refreshed = try await client.refresh(result.tokenSet) }
        return output
    }

    /// Opens the system browser; failures are ignored (the URL is on stderr).
    static func open(_ url: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }
}

