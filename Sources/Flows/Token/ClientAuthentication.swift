// SPDX-License-Identifier: Apache-2.0
public import JOSE
import PKCE

/// How the client authenticates at the token, revocation and introspection endpoints
/// (OIDC Core §9, RFC 6749 §2.3.1, RFC 7523).
public enum ClientAuthentication: Sendable, CustomStringConvertible {
    /// A public client: `client_id` in the body, no secret (PKCE protects the code).
    case none(clientID: String)
    /// HTTP Basic with the form-urlencoded id and secret (RFC 6749 §2.3.1).
    case clientSecretBasic(clientID: String, secret: String)
    /// `client_id` and `client_secret` in the body.
    case clientSecretPost(clientID: String, secret: String)
    /// A JWT assertion MACed with the client secret (HS256 by default).
    case clientSecretJWT(clientID: String, secret: String, algorithm: JWSAlgorithm = .hs256)
    /// A JWT assertion signed with the client's private key.
    case privateKeyJWT(clientID: String, key: SigningKey, algorithm: JWSAlgorithm? = nil)

    /// The client's `client_id`.
    public var clientID: String {
        switch self {
        case .none(let id), .clientSecretBasic(let id, _), .clientSecretPost(let id, _), .clientSecretJWT(let id, _, _),
            .privateKeyJWT(let id, _, _):
            return id
        }
    }

    /// The registered method name (`client_secret_basic`, ...).
    public var methodName: String {
        switch self {
        case .none: return "none"
        case .clientSecretBasic: return "client_secret_basic"
        case .clientSecretPost: return "client_secret_post"
        case .clientSecretJWT: return "client_secret_jwt"
        case .privateKeyJWT: return "private_key_jwt"
        }
    }

    /// The method and client, never the secret.
    public var description: String { "\(self.methodName) for \(self.clientID)" }

    /// Adds the credentials to a request: an `Authorization` header value and/or body parameters.
    /// - Parameters:
    ///   - audience: the `aud` of JWT assertions (the issuer identifier, as current guidance recommends).
    ///   - now: seconds since the epoch, for `iat`/`exp` of assertions.
    func credentials(audience: String, now: Double) throws -> (authorization: String?, parameters: [(String, String)]) {
        switch self {
        case .none(let id):
            return (nil, [("client_id", id)])
        case .clientSecretBasic(let id, let secret):
            let pair = FormEncoding.encode(id) + ":" + FormEncoding.encode(secret)
            return ("Basic " + StandardBase64.encode(Array(pair.utf8)), [])
        case .clientSecretPost(let id, let secret):
            return (nil, [("client_id", id), ("client_secret", secret)])
        case .clientSecretJWT(let id, let secret, let algorithm):
            let key = try SigningKey(hmacSecret: Array(secret.utf8))
            return (nil, try Self.assertion(clientID: id, key: key, algorithm: algorithm, audience: audience, now: now))
        case .privateKeyJWT(let id, let key, let algorithm):
            return (nil, try Self.assertion(clientID: id, key: key, algorithm: algorithm, audience: audience, now: now))
        }
    }

    /// RFC 7523 §3: iss = sub = client_id, aud, a unique jti, a short lifetime.
    private static func assertion(
        clientID: String, key: SigningKey, algorithm: JWSAlgorithm?, audience: String, now: Double
    ) throws -> [(String, String)] {
        let issuedAt = now.rounded(.down)
        let claims: JSONObject = [
            "iss": .string(clientID), "sub": .string(clientID), "aud": .string(audience), "jti": .string(try RandomString.make(byteCount: 24)),
            "iat": .number(issuedAt), "exp": .number(issuedAt + 60),
        ]
        let token = try JWSSigner(key: key, algorithm: algorithm).sign(claims: claims)
        return [
            ("client_id", clientID), ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", token),
        ]
    }
}

/// Standard (padded) base64, for HTTP Basic credentials.
enum StandardBase64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let url = Base64URL.encode(bytes).replacing("-", with: "+").replacing("_", with: "/")
        return url + String(repeating: "=", count: (4 - url.utf8.count % 4) % 4)
    }
}
