// SPDX-License-Identifier: Apache-2.0
import Discovery
import JOSE

/// Keys, tokens and documents shared by the suites.
enum Fixtures {
    static let issuer = "https://op.example.com"
    static let discoveryURL = "https://op.example.com/.well-known/openid-configuration"
    static let jwksURI = "https://op.example.com/jwks"

    static let keyA = try! SigningKey.generate(.ec(.p256), keyID: "key-a")
    static let keyB = try! SigningKey.generate(.ec(.p256), keyID: "key-b")
    static let rsaKey = try! SigningKey.generate(.rsa(bits: 2048), keyID: "rsa-1")

    /// A complete OIDC metadata document for `issuer`, with endpoints under `base` (defaults to the issuer).
    static func metadata(issuer: String = issuer, base: String? = nil, extra: JSONObject = [:]) -> JSONObject {
        let base = base ?? issuer
        var object: JSONObject = [
            "issuer": .string(issuer),
            "authorization_endpoint": .string(base + "/authorize"),
            "token_endpoint": .string(base + "/token"),
            "userinfo_endpoint": .string(base + "/userinfo"),
            "jwks_uri": .string(base + "/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
        ]
        for member in extra { object[member.key] = member.value }
        return object
    }

    /// `{"keys": [...]}` with the public keys of `keys`.
    static func jwks(_ keys: [SigningKey]) -> JSONObject { JWKSet(keys: keys.map(\.publicJWK)).jsonObject }

    /// A compact JWS signed by `key`, optionally claiming another `kid`.
    static func token(_ key: SigningKey = keyA, keyID: String? = nil) throws -> CompactJWS {
        var header: JSONObject = [:]
        if let keyID { header["kid"] = .string(keyID) }
        let text = try JWSSigner(key: key).sign(claims: ["iss": .string(issuer), "sub": "alice"], extraHeader: header)
        return try CompactJWS(text)
    }

    /// The `kid` of the key that verified a fresh ES256 token by `key`.
    static func keyID(verifying key: SigningKey, with provider: some JWKSProvider) async throws -> String? {
        try await provider.verify(try self.token(key), algorithms: [.es256]).key.keyID
    }
}
