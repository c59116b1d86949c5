// SPDX-License-Identifier: Apache-2.0
import Flows
import JOSE
import MobilePayProfile

/// `oidc login`'s options checked and resolved before any network call (bad usage is exit 2).
struct LoginSetup {
    var issuer: String
    var discoveryURL: String?
    var clientID: String
    var clientSecret: String?
    var authMethod: String?
    var privateKey: SigningKey?
    var scopes: [String]
    var responseType: ResponseType
    var responseMode: ResponseMode?
    var redirectURI: String?
    var extraParameters: [(name: String, value: String)]
    var allowedAlgorithms: Set<JWSAlgorithm> = IDTokenValidator.defaultAlgorithms

    /// The shared provider and client options (issuer or profile, client, authentication).
    init(options: ClientOptions) throws {
        try self.init(options: options, scope: nil, responseType: "code id_token", responseMode: nil, redirectURI: nil, parameters: [])
    }

    /// `oidc login`'s options.
    init(command: LoginCommand) throws {
        try self.init(
            options: command.client, scope: command.scope, responseType: command.responseType,
            responseMode: command.responseMode, redirectURI: command.redirectURI, parameters: command.param)
    }

    private init(
        options command: ClientOptions, scope: String?, responseType: String, responseMode: String?, redirectURI: String?,
        parameters: [String]
    ) throws {
        var issuer = command.issuer
        var scopes = scope.map { $0.split(separator: " ").map(String.init) } ?? ["openid"]
        var mode: ResponseMode? = nil
        if let profile = command.profile {
            let parts = profile.split(separator: "-")
            guard parts.count == 3, parts[0] == "mobilepay",
                let environment = MobilePay.Environment(rawValue: String(parts[1])),
                let country = MobilePay.Country(rawValue: String(parts[2]))
            else { throw CommandFailure.usage("unknown --profile \(profile)") }
            if issuer == nil {
                issuer = MobilePay.issuer
                self.discoveryURL = MobilePay.discoveryURL(environment, country)
            }
            if scope == nil { scopes = MobilePay.scopes([]) }
            mode = .formPost
            self.allowedAlgorithms = MobilePay.idTokenAlgorithms
        }
        guard let issuer else { throw CommandFailure.usage("--issuer (or --profile) is required") }
        guard issuer.hasPrefix("https://") || (issuer.hasPrefix("http://") && Self.isLoopback(issuer)) else {
            throw CommandFailure.usage("issuer must be https (http only for loopback hosts): \(issuer)")
        }
        self.issuer = issuer
        self.clientID = command.clientID
        self.clientSecret = command.clientSecret
        self.authMethod = command.authMethod
        self.scopes = scopes
        do {
            self.responseType = try ResponseType(responseType)
        } catch {
            throw CommandFailure.usage("unsupported --response-type \(responseType)")
        }
        if let name = responseMode {
            guard let parsed = ResponseMode(rawValue: name) else { throw CommandFailure.usage("unknown --response-mode \(name)") }
            mode = parsed
        }
        self.responseMode = mode
        self.redirectURI = redirectURI
        self.extraParameters = try parameters.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else { throw CommandFailure.usage("--param must be k=v: \(pair)") }
            return (name: String(parts[0]), value: String(parts[1]))
        }
        if let vat = self.extraParameters.first(where: { $0.name == "merchant_vat" }), command.profile != nil {
            do { _ = try MerchantVAT(vat.value) } catch { throw CommandFailure.from(error) }
        }
        if let path = command.privateKey { self.privateKey = try Self.loadKey(path) }
        if let method = command.authMethod {
            let known = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
            guard known.contains(method) else { throw CommandFailure.usage("unknown --auth-method \(method)") }
            if method.hasPrefix("client_secret"), command.clientSecret == nil {
                throw CommandFailure.usage("--auth-method \(method) needs --client-secret")
            }
            if method == "private_key_jwt", self.privateKey == nil {
                throw CommandFailure.usage("--auth-method private_key_jwt needs --private-key")
            }
        }
        if self.responseMode == .query && self.responseType.returnsTokensInFrontChannel {
            throw CommandFailure.usage("--response-mode query is not allowed for response_type \(self.responseType)")
        }
    }

    /// The client authentication: explicit, or from what was given (a secret: basic, or post when the
    /// provider advertises only post; a private key: private_key_jwt; else none).
    func authentication(advertised: [String]?) -> ClientAuthentication {
        let method = self.authMethod ?? {
            if self.clientSecret != nil {
                if let advertised, !advertised.contains("client_secret_basic"), advertised.contains("client_secret_post") {
                    return "client_secret_post"
                }
                return "client_secret_basic"
            }
            return self.privateKey != nil ? "private_key_jwt" : "none"
        }()
        switch method {
        case "client_secret_basic": return .clientSecretBasic(clientID: self.clientID, secret: self.clientSecret ?? "")
        case "client_secret_post": return .clientSecretPost(clientID: self.clientID, secret: self.clientSecret ?? "")
        case "private_key_jwt": return .privateKeyJWT(clientID: self.clientID, key: self.privateKey!)
        default: return .none(clientID: self.clientID)
        }
    }

    /// Whether the URL's host is `localhost`, `[::1]` or a dotted-quad in 127.0.0.0/8 (no user info:
    /// `http://127.0.0.1@op.example.com` goes to op.example.com).
    static func isLoopback(_ url: String) -> Bool {
        let rest = url.dropFirst(url.hasPrefix("https://") ? 8 : 7)
        let authority = rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        guard !authority.contains("@") else { return false }
        let host = authority.hasPrefix("[") ? String(authority.prefix(while: { $0 != "]" }) + "]") :
            String(authority.prefix(while: { $0 != ":" }))
        if host == "localhost" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { octet in
                (1...3).contains(octet.utf8.count) && octet.utf8.allSatisfy { (0x30...0x39).contains($0) }
                    && UInt8(octet) != nil
            }
    }

    /// A private JWK, a JWKS holding one signing key, or a PKCS#8/SEC1 PEM.
    static func loadKey(_ path: String) throws -> SigningKey {
        let text = String(decoding: try InputReader.file(path, what: "private key"), as: UTF8.self)
        do {
            if text.contains("-----BEGIN") { return try SigningKey(pem: text) }
            let object = try JSONParser().parseObject(Array(text.utf8), what: "private key")
            if object["keys"] != nil {
                let privateKeys = try JWKSet(json: text).keys.filter { $0.isPrivate && $0.use != "enc" }
                guard privateKeys.count == 1 else {
                    throw CommandFailure.usage("the JWKS in \(path) must hold exactly one private signing key")
                }
                return try SigningKey(jwk: privateKeys[0])
            }
            return try SigningKey(jwk: try JWK(jsonObject: object))
        } catch let error as JOSEError {
            throw CommandFailure.usage("unusable private key \(path): \(error.reason)")
        }
    }
}
