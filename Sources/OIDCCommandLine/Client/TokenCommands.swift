// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Flows
import JOSE

/// `oidc refresh`: exchanges a refresh token, validating a refreshed ID token (OIDC Core §12.2).
struct RefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh", abstract: "Use a refresh token; prints the new tokens (keep the newest refresh token).",
        discussion: """
            When the provider rotated the refresh token but the refreshed ID token fails a check, the new tokens \
            are still printed on stdout (the old refresh token may be dead) and the command exits 1.
            """)

    @OptionGroup var client: ClientOptions

    @Option(name: .customLong("refresh-token"), help: "The refresh token, as --refresh-token=VALUE (a token may start with -), or - to read it from standard input.")
    var refreshToken: String

    @Option(name: .customLong("id-token"), help: "The current ID token, to check a refreshed one against (same sub, aud, auth_time).")
    var idToken: String?

    @Flag(name: .long, help: "Print one JSON object on stdout.")
    var json = false

    @Flag(name: .customLong("show-secrets"), help: "Print tokens in full in the human output.")
    var showSecrets = false

    func run() async throws {
        let setup = try LoginSetup(options: self.client)
        let refreshToken = try InputReader.token(self.refreshToken)
        try await ClientOptions.withTransport { transport in
            let client = try await self.client.makeClient(setup: setup, redirectURI: "http://127.0.0.1/unused", transport: transport)
            let result: RefreshResult
            do {
                result = try await client.refresh(TokenSet(accessToken: "", refreshToken: refreshToken, idToken: self.idToken))
            } catch let error as FlowsError where error.rotatedTokens != nil {
                // The refresh token rotated although a check failed: print the new tokens, then fail.
                let rotated = error.rotatedTokens!
                LoginOutput(json: self.json, showSecrets: self.showSecrets).print(
                    LoginOutput.tokenObject(claims: nil, tokens: rotated, expiresIn: nil))
                throw error
            }
            let object = LoginOutput.tokenObject(
                claims: result.idToken?.claims.all, tokens: result.tokenSet, expiresIn: result.tokens.expiresIn)
            LoginOutput(json: self.json, showSecrets: self.showSecrets).print(object)
        }
    }
}

/// `oidc revoke`: revokes a token (RFC 7009).
struct RevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an access or refresh token (RFC 7009).")

    @OptionGroup var client: ClientOptions

    @Option(name: .long, help: "The token to revoke, as --token=VALUE (a token may start with -), or - for standard input.")
    var token: String

    @Option(name: .long, help: "token_type_hint: refresh_token or access_token.")
    var hint: String?

    func run() async throws {
        let setup = try LoginSetup(options: self.client)
        let token = try InputReader.token(self.token)
        try await ClientOptions.withTransport { transport in
            let client = try await self.client.makeClient(setup: setup, redirectURI: "http://127.0.0.1/unused", transport: transport)
            try await client.revoke(token, hint: self.hint)
            print("revoked")
        }
    }
}

/// `oidc userinfo`: calls the UserInfo endpoint; `sub` must equal `--subject`.
struct UserInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "userinfo", abstract: "Fetch UserInfo with an access token; sub must match --subject.")

    @OptionGroup var client: ClientOptions

    @Option(name: .customLong("access-token"), help: "The access token, as --access-token=VALUE (a token may start with -), or - for standard input.")
    var accessToken: String

    @Option(name: .long, help: "The ID token's sub; the response must be about this user.")
    var subject: String

    @Flag(name: .long, help: "Print the claims as compact JSON.")
    var json = false

    func run() async throws {
        let setup = try LoginSetup(options: self.client)
        let accessToken = try InputReader.token(self.accessToken)
        try await ClientOptions.withTransport { transport in
            let client = try await self.client.makeClient(setup: setup, redirectURI: "http://127.0.0.1/unused", transport: transport)
            let claims = try await client.userInfo(accessToken: accessToken, subject: self.subject)
            print(self.json ? JSONValue.object(claims).jsonText : JSONValue.object(claims).prettyPrinted())
        }
    }
}
