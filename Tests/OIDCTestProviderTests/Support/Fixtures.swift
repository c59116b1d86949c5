// SPDX-License-Identifier: Apache-2.0
import JOSE
import OIDCTestProvider

/// Keys and clients shared by the suites (keys are generated once: RSA generation is slow).
enum Fixtures {
    static let redirectURI = "http://127.0.0.1:9/callback"
    static let otherRedirectURI = "http://127.0.0.1:9/other-callback"
    static let secret = "s3cr3t: with spaces & symbols+/="
    static let providerKeys: [SigningKey] = [
        try! SigningKey.generate(.rsa(bits: 2048)), try! SigningKey.generate(.ec(.p256)),
    ]
    static let clientKey = try! SigningKey.generate(.ec(.p256), keyID: "client-key-1")
    static let strangerKey = try! SigningKey.generate(.ec(.p256), keyID: "client-key-1")

    static let basicClient = OIDCTestProvider.Client(
        id: "basic-client", secret: secret, redirectURIs: [redirectURI, otherRedirectURI],
        authenticationMethod: .clientSecretBasic)
    static let postClient = OIDCTestProvider.Client(
        id: "post-client", secret: secret, redirectURIs: [redirectURI], authenticationMethod: .clientSecretPost)
    static let jwtClient = OIDCTestProvider.Client(
        id: "jwt-client", redirectURIs: [redirectURI], authenticationMethod: .privateKeyJWT,
        publicKey: clientKey.publicJWK)
    static let publicClient = OIDCTestProvider.Client(
        id: "public-client", redirectURIs: [redirectURI],
        authenticationMethod: OIDCTestProvider.ClientAuthenticationMethod.none)
    static let es256Client = OIDCTestProvider.Client(
        id: "es256-client", secret: secret, redirectURIs: [redirectURI], authenticationMethod: .clientSecretPost,
        idTokenSigningAlgorithm: .es256)

    static let clients = [basicClient, postClient, jwtClient, publicClient, es256Client]

    static func configuration(
        misbehaviour: OIDCTestProvider.Misbehaviour = .none, now: (@Sendable () -> Double)? = nil
    ) -> OIDCTestProvider.Configuration {
        var configuration = OIDCTestProvider.Configuration(
            clients: clients, misbehaviour: misbehaviour, signingKeys: providerKeys)
        if let now { configuration.now = now }
        return configuration
    }
}
