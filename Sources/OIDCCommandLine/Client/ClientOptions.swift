// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Discovery
import Flows
import JOSE
import MobilePayProfile
import Transport

/// The provider and client options shared by `login`, `refresh`, `revoke` and `userinfo`.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "The issuer (http only for loopback hosts).")
    var issuer: String?

    @Option(name: .customLong("client-id"), help: "The client_id.")
    var clientID: String

    @Option(name: .customLong("client-secret"), help: "The client secret.")
    var clientSecret: String?

    @Option(name: .customLong("auth-method"), help: "client_secret_basic|client_secret_post|private_key_jwt|none")
    var authMethod: String?

    @Option(name: .customLong("private-key"), help: "A private JWK (or a JWKS with one) or a PKCS#8/SEC1 PEM file.")
    var privateKey: String?

    @Option(name: .long, help: "A provider profile: mobilepay-sandbox-dk, mobilepay-sandbox-fi, mobilepay-production-dk, mobilepay-production-fi.")
    var profile: String?

    @Option(name: .long, help: "Seconds allowed for the whole command.")
    var timeout: Double = 60

    /// Refuses a `--timeout` that is NaN, infinite or out of range (it becomes an integer deadline).
    func validate() throws {
        guard self.timeout > 0, self.timeout <= 3600 else { throw ValidationError("--timeout must be in (0, 3600]") }
    }

    /// Discovers the provider and returns a client configured with the resolved authentication.
    func makeClient(setup: LoginSetup, redirectURI: String, transport: any HTTPTransport) async throws -> OIDCClient {
        let provisional = OIDCClient.Configuration(
            clientID: setup.clientID, authentication: .none(clientID: setup.clientID), redirectURI: redirectURI,
            allowedAlgorithms: setup.allowedAlgorithms, timeout: .seconds(30))
        let discovered = try await OIDCClient.discover(
            issuer: setup.issuer, discoveryURL: setup.discoveryURL, configuration: provisional, transport: transport)
        var configuration = provisional
        configuration.authentication = setup.authentication(
            advertised: discovered.metadata.tokenEndpointAuthMethodsSupported)
        return OIDCClient(metadata: discovered.metadata, keys: discovered.keys, transport: transport, configuration: configuration)
    }

    /// Runs `body` with an HTTP client and maps every failure to the documented exit codes.
    static func withTransport<T>(_ body: (SocketHTTPClient) async throws -> T) async throws -> T {
        let transport: SocketHTTPClient
        do {
            transport = try SocketHTTPClient()
        } catch {
            throw CommandFailure.usage("cannot create an HTTP client: \(error)")
        }
        defer { transport.shutdown() }
        do {
            return try await body(transport)
        } catch {
            throw CommandFailure.from(error)
        }
    }
}
