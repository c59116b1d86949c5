// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import Synchronization

/// The provider's logic behind the HTTP server: configuration, state and the endpoint handlers
/// (in `Endpoints/`). It does not own the server, so the server's handler can hold it strongly.
final class ProviderEngine: Sendable {
    /// A client with its parsed `private_key_jwt` key.
    struct RegisteredClient: Sendable {
        let client: OIDCTestProvider.Client
        let verificationKey: VerificationKey?

        var id: String { self.client.id }
        var method: OIDCTestProvider.ClientAuthenticationMethod { self.client.authenticationMethod }
    }

    let issuer: String
    let clients: [String: RegisteredClient]
    let user: OIDCTestProvider.User
    let accessTokenLifetime: Double
    let idTokenLifetime: Double
    let codeLifetime: Double
    let refreshTokenLifetime: Double
    let now: @Sendable () -> Double
    let state: Mutex<ProviderState>

    var authorizationEndpoint: String { self.issuer + "/authorize" }
    var tokenEndpoint: String { self.issuer + "/token" }
    var userInfoEndpoint: String { self.issuer + "/userinfo" }
    var revocationEndpoint: String { self.issuer + "/revoke" }
    var jwksURI: String { self.issuer + "/jwks" }

    /// - Parameter clients: already validated by ``validate(_:)``.
    init(issuer: String, configuration: OIDCTestProvider.Configuration, clients: [RegisteredClient], keys: KeyRing) {
        self.issuer = issuer
        self.clients = Dictionary(uniqueKeysWithValues: clients.map { ($0.id, $0) })
        self.user = configuration.user
        self.accessTokenLifetime = configuration.lifetimes.accessToken.secondsValue
        self.idTokenLifetime = configuration.lifetimes.idToken.secondsValue
        self.codeLifetime = configuration.lifetimes.authorizationCode.secondsValue
        self.refreshTokenLifetime = configuration.lifetimes.refreshToken.secondsValue
        self.now = configuration.now
        self.state = Mutex(ProviderState(keys: keys, misbehaviour: configuration.misbehaviour))
    }

    /// Checks the configuration and parses the clients' keys.
    /// - Throws: ``OIDCTestProviderError/Code/invalidConfiguration``.
    static func validate(_ configuration: OIDCTestProvider.Configuration) throws -> [RegisteredClient] {
        var seen = Set<String>()
        var result: [RegisteredClient] = []
        for client in configuration.clients {
            let name = "client \"\(client.id.prefix(64))\""
            guard !client.id.isEmpty, seen.insert(client.id).inserted else {
                throw OIDCTestProviderError.invalidConfiguration(reason: "\(name): empty or duplicate client_id")
            }
            guard !client.redirectURIs.isEmpty else {
                throw OIDCTestProviderError.invalidConfiguration(reason: "\(name) has no redirect URI")
            }
            for uri in client.redirectURIs {
                let lowered = uri.lowercased()
                guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.contains(":/"),
                    !uri.contains("#")
                else {
                    throw OIDCTestProviderError.invalidConfiguration(
                        reason: "\(name): redirect URI must be absolute and have no fragment")
                }
            }
            guard KeyRing.algorithms.contains(client.idTokenSigningAlgorithm) else {
                throw OIDCTestProviderError.invalidConfiguration(
                    reason: "\(name): ID tokens are signed with RS256 or ES256, not \(client.idTokenSigningAlgorithm)")
            }
            var key: VerificationKey? = nil
            switch client.authenticationMethod {
            case .clientSecretBasic, .clientSecretPost:
                guard let secret = client.secret, !secret.isEmpty else {
                    throw OIDCTestProviderError.invalidConfiguration(reason: "\(name) needs a secret")
                }
            case .privateKeyJWT:
                guard let jwk = client.publicKey else {
                    throw OIDCTestProviderError.invalidConfiguration(reason: "\(name) needs a public JWK")
                }
                guard !jwk.isPrivate, let parsed = try? VerificationKey(jwk: jwk), !parsed.algorithms.contains(.hs256)
                else {
                    throw OIDCTestProviderError.invalidConfiguration(
                        reason: "\(name): the JWK must be a usable public key, not a private or HMAC key")
                }
                key = parsed
            case .none:
                guard client.secret == nil else {
                    throw OIDCTestProviderError.invalidConfiguration(reason: "\(name) is public but has a secret")
                }
            default:
                throw OIDCTestProviderError.invalidConfiguration(
                    reason:
                        "\(name): unsupported authentication method \(client.authenticationMethod.rawValue.prefix(40))")
            }
            result.append(RegisteredClient(client: client, verificationKey: key))
        }
        return result
    }

    /// Answers one HTTP request.
    func handle(_ request: HTTPRequest, body: [UInt8]) -> (HTTPResponse, [UInt8]) {
        let target = request.path ?? "/"
        let queryStart = target.firstIndex(of: "?")
        let path = queryStart.map { target[..<$0] } ?? target[...]
        let query = queryStart.map { target[target.index(after: $0)...] } ?? ""
        var reply: Reply
        switch path {
        case "/.well-known/openid-configuration":
            reply =
                request.method == .get || request.method == .head
                ? .json(self.discoveryDocument, noStore: false) : .methodNotAllowed(allow: "GET, HEAD")
        case "/jwks":
            reply =
                request.method == .get || request.method == .head
                ? .json(self.state.withLock { $0.keys.jwks.jsonObject }, noStore: false)
                : .methodNotAllowed(allow: "GET, HEAD")
        case "/authorize": reply = self.authorizeEndpoint(request, query: query, body: body)
        case "/token": reply = self.tokenEndpoint(request, body: body)
        case "/userinfo": reply = self.userInfoEndpoint(request)
        case "/revoke": reply = self.revocationEndpoint(request, body: body)
        default: reply = .text("not found", status: .notFound)
        }
        reply.response.headerFields[.date] = HTTPDate.format(secondsSinceEpoch: self.now())
        return (reply.response, reply.body)
    }

    /// The form parameters of a POST body; requires `application/x-www-form-urlencoded`.
    func formParameters(_ request: HTTPRequest, body: [UInt8]) throws(OAuthFailure) -> [String: String] {
        guard request.method == .post else { throw .invalidRequest("use POST") }
        let type = request.headerFields[.contentType]?.split(separator: ";").first?.trimmingSpaces.lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw .invalidRequest("the body must be application/x-www-form-urlencoded")
        }
        guard let text = String(validating: body, as: UTF8.self) else { throw .invalidRequest("the body is not UTF-8") }
        do {
            return Dictionary(uniqueKeysWithValues: try FormCoding.decode(Substring(text)))
        } catch {
            throw .invalidRequest("malformed form body: \(error.reason)")
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
