// SPDX-License-Identifier: Apache-2.0
import JOSE

extension ProviderEngine {
    /// The OpenID Provider Metadata (OIDC Discovery §3, RFC 8414 §2, RFC 9207 §3, RFC 7009).
    var discoveryDocument: JSONObject {
        let methods: JSONValue = .array(
            OIDCTestProvider.ClientAuthenticationMethod.supported.map { .string($0.rawValue) })
        let algorithms: JSONValue = .array(KeyRing.algorithms.map { .string($0.rawValue) })
        let assertionAlgorithms: JSONValue = [
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
            "ES512", "EdDSA",
        ]
        var claims: [JSONValue] = ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "c_hash"]
        claims += self.user.claims.keys.filter { $0 != "sub" }.map { .string($0) }
        return [
            "issuer": .string(self.issuer),
            "authorization_endpoint": .string(self.authorizationEndpoint),
            "token_endpoint": .string(self.tokenEndpoint),
            "userinfo_endpoint": .string(self.userInfoEndpoint),
            "revocation_endpoint": .string(self.revocationEndpoint),
            "jwks_uri": .string(self.jwksURI),
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "response_types_supported": ["code", "code id_token"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": algorithms,
            "token_endpoint_auth_methods_supported": methods,
            "token_endpoint_auth_signing_alg_values_supported": assertionAlgorithms,
            "revocation_endpoint_auth_methods_supported": methods,
            "revocation_endpoint_auth_signing_alg_values_supported": assertionAlgorithms,
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": .array(claims),
            "authorization_response_iss_parameter_supported": true,
            "claims_parameter_supported": false,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
        ]
    }
}
