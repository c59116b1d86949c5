// SPDX-License-Identifier: Apache-2.0
public import JOSE
import PKCE

/// An OpenID Connect authentication request (OIDC Core §3.1.2.1, §3.3.2.1) with PKCE S256, `state`
/// and `nonce` always.
///
/// ```swift
/// var request = AuthorizationRequest(clientID: "merchant-app", redirectURI: "https://shop.example/callback")
/// request.scopes = ["openid", "offline_access", "invoice"]
/// request.responseMode = .formPost
/// request.extraParameters = [("merchant_vat", "DK12345678")]
/// let prepared = try request.prepare(authorizationEndpoint: metadata.authorizationEndpoint!, issuer: metadata.issuer)
/// // store prepared.session, redirect the user to prepared.url
/// ```
public struct AuthorizationRequest: Sendable {
    /// `client_id`.
    public var clientID: String
    /// `redirect_uri`: absolute, without a fragment; `http` only on a loopback host (RFC 8252 §7.3).
    public var redirectURI: String
    /// `response_type`; `code id_token` (hybrid) by default.
    public var responseType: ResponseType
    /// `response_mode`; `nil` uses the type's default (fragment for hybrid, query for code).
    public var responseMode: ResponseMode?
    /// `scope`; must include `openid`.
    public var scopes: [String]
    /// `prompt` values (`none`, `login`, `consent`, `select_account`).
    public var prompt: [String]
    /// `max_age` in seconds; then the ID token's `auth_time` is required and checked.
    public var maxAge: Int?
    /// `login_hint`.
    public var loginHint: String?
    /// `ui_locales`.
    public var uiLocales: [String]
    /// `acr_values`, in order of preference.
    public var acrValues: [String]
    /// `claims` (OIDC Core §5.5).
    public var claims: JSONObject?
    /// Further parameters (e.g. MobilePay's `merchant_vat`); they cannot replace the ones above, nor be
    /// `request`/`request_uri`, whose request object would take precedence over them (OIDC Core §6.3.3).
    public var extraParameters: [(name: String, value: String)]
    /// How long the session stays valid, in seconds.
    public var sessionLifetime: Double

    /// Creates a request with PKCE S256, fresh state and nonce, and the hybrid response type by default.
    public init(
        clientID: String, redirectURI: String, responseType: ResponseType = .codeIDToken, scopes: [String] = ["openid"]
    ) {
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.responseType = responseType
        self.scopes = scopes
        self.prompt = []
        self.uiLocales = []
        self.acrValues = []
        self.extraParameters = []
        self.sessionLifetime = 600
    }

    /// Parameters the toolkit sets itself; extra parameters may not override them.
    static let reservedParameters: Set<String> = [
        "client_id", "redirect_uri", "response_type", "response_mode", "scope", "state", "nonce", "code_challenge",
        "code_challenge_method", "prompt", "max_age", "login_hint", "ui_locales", "acr_values", "claims", "request",
        "request_uri",
    ]

    /// Builds the authorization URL and the session to keep until the callback.
    /// - Parameters:
    ///   - authorizationEndpoint: the provider's `authorization_endpoint` (its own query is kept).
    ///   - issuer: the provider's issuer, recorded in the session for the callback checks.
    ///   - now: the current time in seconds since the epoch.
    /// - Throws: ``FlowsError/Code/invalidRequest`` for a configuration the specs forbid.
    public func prepare(
        authorizationEndpoint: String, issuer: String, now: Double = WallClock.secondsSinceEpoch()
    ) throws -> PreparedAuthorization {
        try self.validate()
        let mode = self.responseMode ?? self.responseType.defaultResponseMode
        if mode == .query && self.responseType.returnsTokensInFrontChannel {
            throw FlowsError.invalidRequest(
                reason: "response_mode query is not allowed for response_type \(self.responseType) (tokens in the URL)")
        }
        let verifier = try PKCECodeVerifier()
        let state = try RandomString.makeState()
        let nonce = try RandomString.makeNonce()
        var prompt = self.prompt
        // OIDC Core §11: offline_access needs prompt=consent, or the provider must ignore it.
        if self.scopes.contains("offline_access") && !prompt.contains("consent") && !prompt.contains("none") {
            prompt.append("consent")
        }
        var parameters: [(String, String)] = [
            ("response_type", self.responseType.rawValue), ("client_id", self.clientID),
            ("redirect_uri", self.redirectURI), ("scope", self.scopes.joined(separator: " ")), ("state", state),
            ("nonce", nonce), ("code_challenge", verifier.challenge.value), ("code_challenge_method", "S256"),
        ]
        if self.responseMode != nil || mode != self.responseType.defaultResponseMode {
            parameters.append(("response_mode", mode.rawValue))
        }
        if !prompt.isEmpty { parameters.append(("prompt", prompt.joined(separator: " "))) }
        if let maxAge = self.maxAge { parameters.append(("max_age", String(maxAge))) }
        if let loginHint = self.loginHint { parameters.append(("login_hint", loginHint)) }
        if !self.uiLocales.isEmpty { parameters.append(("ui_locales", self.uiLocales.joined(separator: " "))) }
        if !self.acrValues.isEmpty { parameters.append(("acr_values", self.acrValues.joined(separator: " "))) }
        if let claims = self.claims { parameters.append(("claims", JSONValue.object(claims).jsonText)) }
        parameters.append(contentsOf: self.extraParameters.map { ($0.name, $0.value) })
        let separator = authorizationEndpoint.contains("?") ? "&" : "?"
        let session = AuthorizationSession(
            state: state, nonce: nonce, codeVerifier: verifier, redirectURI: self.redirectURI, clientID: self.clientID,
            issuer: issuer, responseType: self.responseType, responseMode: mode, maxAge: self.maxAge,
            acrValues: self.acrValues.isEmpty ? nil : self.acrValues, createdAt: now, expiresAt: now + self.sessionLifetime)
        return PreparedAuthorization(
            url: authorizationEndpoint + separator + FormEncoding.encode(parameters), session: session)
    }

    private func validate() throws {
        guard !self.clientID.isEmpty else { throw FlowsError.invalidRequest(reason: "client_id is empty") }
        guard self.scopes.contains("openid") else {
            throw FlowsError.invalidRequest(reason: "scope must include openid for an OpenID Connect request")
        }
        guard self.redirectURI.hasPrefix("https://") || self.redirectURI.hasPrefix("http://") else {
            throw FlowsError.invalidRequest(reason: "redirect_uri must be an absolute http(s) URI")
        }
        guard !self.redirectURI.contains("#") else {
            throw FlowsError.invalidRequest(reason: "redirect_uri must not contain a fragment (RFC 6749 §3.1.2)")
        }
        // The code (and, in the hybrid flow, the ID token) must not cross the network in clear text.
        if self.redirectURI.hasPrefix("http://") { _ = try LoopbackTarget(self.redirectURI) }
        if let maxAge = self.maxAge, maxAge < 0 { throw FlowsError.invalidRequest(reason: "max_age must be >= 0") }
        guard self.sessionLifetime > 0 else { throw FlowsError.invalidRequest(reason: "session lifetime must be > 0") }
        for parameter in self.extraParameters where Self.reservedParameters.contains(parameter.name) {
            throw FlowsError.invalidRequest(reason: "extra parameter \(parameter.name) would replace one the toolkit sets")
        }
    }
}

/// An authorization URL to send the user to, and the session to keep until the callback.
public struct PreparedAuthorization: Sendable {
    /// The full authorization URL.
    public let url: String
    /// The session to store (it holds the PKCE verifier: keep it server-side).
    public let session: AuthorizationSession
}
