// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Discovery
import Flows
import Foundation
import JOSE
import MobilePayProfile
import Transport

/// `oidc login`: the whole authorization (hybrid or code) flow against a real provider, with a
/// loopback redirect (RFC 8252).
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in at an OpenID Provider through a browser and validate everything.",
        discussion: """
            Discovers the issuer, prints the authorization URL alone on one line to stderr (and opens a browser \
            unless --no-browser), receives one callback on the loopback redirect URI (query, form_post, or \
            fragment via a relay page), validates state, iss, the front-channel ID token (signature, nonce, \
            c_hash), redeems the code, validates the token response (at_hash, same sub), calls userinfo when \
            the provider has one, and with --refresh refreshes once.
            Exit 0 on success, 1 when a check fails, 2 for bad usage, 3 for network failures.
            """
    )

    @OptionGroup var client: ClientOptions

    @Option(name: .long, help: "Space-separated scopes (default: openid).")
    var scope: String?

    @Option(name: .customLong("response-type"), help: "\"code id_token\" (default) or code.")
    var responseType: String = "code id_token"

    @Option(name: .customLong("response-mode"), help: "fragment, form_post or query (default: the type's default).")
    var responseMode: String?

    @Option(name: .customLong("redirect-uri"), help: "A registered http://127.0.0.1:PORT/callback (default: a free port).")
    var redirectURI: String?

    @Flag(name: .customLong("no-browser"), help: "Do not open a browser; only print the URL.")
    var noBrowser = false

    @Flag(name: .long, help: "Refresh once after signing in, and validate the result.")
    var refresh = false

    @Flag(name: .long, help: "Print one JSON object on stdout.")
    var json = false

    @Flag(name: .customLong("show-secrets"), help: "Print tokens in full in the human output.")
    var showSecrets = false

    @Option(name: .long, parsing: .singleValue, help: "An extra authorization parameter k=v (repeatable).")
    var param: [String] = []

    func run() async throws {
        let setup = try LoginSetup(command: self)
        let deadline = ContinuousClock.now + .milliseconds(Int64(self.client.timeout * 1000))
        try await ClientOptions.withTransport { transport in
            let output = try await LoginFlow(setup: setup, options: self.client, transport: transport, openBrowser: !self.noBrowser)
                .run(deadline: deadline, refresh: self.refresh)
            LoginOutput(json: self.json, showSecrets: self.showSecrets).print(output)
        }
    }
}
