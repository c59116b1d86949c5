// SPDX-License-Identifier: Apache-2.0
public import JOSE

extension OIDCTestProvider {
    /// A registered client (OIDC Dynamic Client Registration's metadata, the parts that matter here).
    ///
    /// Its `description` never shows the secret.
    public struct Client: Sendable, CustomStringConvertible {
        /// `client_id`.
        public var id: String
        /// `client_secret`, for `client_secret_basic` and `client_secret_post`. A secret.
        public var secret: String?
        /// `redirect_uris`, compared exactly (no prefix or normalisation leniency).
        public var redirectURIs: [String]
        /// `token_endpoint_auth_method`; also used at the revocation endpoint.
        public var authenticationMethod: ClientAuthenticationMethod
        /// The public JWK that verifies `private_key_jwt` assertions.
        public var publicKey: JWK?
        /// `id_token_signed_response_alg`: ``JOSE/JWSAlgorithm/rs256`` (the default) or
        /// ``JOSE/JWSAlgorithm/es256``.
        public var idTokenSigningAlgorithm: JWSAlgorithm

        /// Registers a client.
        /// - Parameters:
        ///   - id: `client_id`.
        ///   - secret: the secret, for the `client_secret_*` methods.
        ///   - redirectURIs: the exact redirect URIs.
        ///   - authenticationMethod: the method; by default `private_key_jwt` with a key,
        ///     `client_secret_basic` with a secret, else `none` (a public client).
        ///   - publicKey: the client's public JWK, for `private_key_jwt`.
        ///   - idTokenSigningAlgorithm: RS256 or ES256.
        public init(
            id: String, secret: String? = nil, redirectURIs: [String],
            authenticationMethod: ClientAuthenticationMethod? = nil, publicKey: JWK? = nil,
            idTokenSigningAlgorithm: JWSAlgorithm = .rs256
        ) {
            self.id = id
            self.secret = secret
            self.redirectURIs = redirectURIs
            self.authenticationMethod =
                authenticationMethod
                ?? (publicKey != nil
                    ? .privateKeyJWT : secret != nil ? .clientSecretBasic : ClientAuthenticationMethod.none)
            self.publicKey = publicKey
            self.idTokenSigningAlgorithm = idTokenSigningAlgorithm
        }

        /// The id, method and redirect URIs; never the secret.
        public var description: String {
            "Client(\(self.id), \(self.authenticationMethod.rawValue), redirect URIs: \(self.redirectURIs))"
        }
    }

    /// A `token_endpoint_auth_method` (OIDC Core §9, RFC 7591 §2).
    public struct ClientAuthenticationMethod: RawRepresentable, Hashable, Sendable {
        /// The registered name.
        public let rawValue: String

        /// Wraps a registered name; only the four below are accepted by the provider.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// HTTP Basic with the form-urlencoded id and secret (RFC 6749 §2.3.1).
        public static let clientSecretBasic = Self(rawValue: "client_secret_basic")
        /// `client_id` and `client_secret` in the form body.
        public static let clientSecretPost = Self(rawValue: "client_secret_post")
        /// A JWT assertion signed with the client's private key (RFC 7523).
        public static let privateKeyJWT = Self(rawValue: "private_key_jwt")
        /// A public client: `client_id` in the body, no credentials (PKCE protects the code).
        public static let none = Self(rawValue: "none")

        /// Every method the provider implements, as advertised in discovery.
        public static let supported: [Self] = [.clientSecretBasic, .clientSecretPost, .privateKeyJWT, .none]
    }
}
