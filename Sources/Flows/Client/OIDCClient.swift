// SPDX-License-Identifier: Apache-2.0
public import Discovery
public import JOSE
public import Transport

/// One client at one OpenID Provider: the eight steps of the hybrid (or code) flow, done right by default.
///
/// ```swift
/// let client = try await OIDCClient.discover(issuer: "https://op.example.com", configuration: .init(
///     clientID: "app", authentication: .clientSecretPost(clientID: "app", secret: secret),
///     redirectURI: "https://app.example/callback"), transport: try SocketHTTPClient())
/// let prepared = try client.prepareAuthorization(client.makeAuthorizationRequest())  // 1-2: redirect the user
/// // ... the browser comes back to the redirect URI ...
/// let result = try await client.completeAuthorization(                                // 3-7
///     try AuthorizationResponse(formBody: body), session: prepared.session)
/// let manager = client.makeTokenManager(store: store, initial: result.tokenSet)         // 8: stay fresh
/// ```
public struct OIDCClient: Sendable {
    /// The client's registration and policy.
    public struct Configuration: Sendable {
        /// `client_id`.
        public var clientID: String
        /// How the client authenticates at the token endpoint.
        public var authentication: ClientAuthentication
        /// The registered redirect URI used by default.
        public var redirectURI: String
        /// ID token algorithms the client accepts (narrowed further by what the provider advertises).
        public var allowedAlgorithms: Set<JWSAlgorithm>
        /// Audiences besides the client that ID tokens may name.
        public var trustedAudiences: Set<String>
        /// Allowed clock skew, in seconds.
        public var leeway: Double
        /// Seconds to add to the local clock; with ``learnClockOffset`` also learned from the token
        /// endpoint's `Date` header.
        public var clockOffset: Double
        /// Whether to trust the provider's `Date` header to correct a wrong local clock.
        public var learnClockOffset: Bool
        /// How long each HTTP request may take.
        public var timeout: Duration

        /// Creates a configuration.
        public init(
            clientID: String, authentication: ClientAuthentication, redirectURI: String,
            allowedAlgorithms: Set<JWSAlgorithm> = IDTokenValidator.defaultAlgorithms, trustedAudiences: Set<String> = [],
            leeway: Double = 60, clockOffset: Double = 0, learnClockOffset: Bool = false, timeout: Duration = .seconds(30)
        ) {
            self.clientID = clientID
            self.authentication = authentication
            self.redirectURI = redirectURI
            self.allowedAlgorithms = allowedAlgorithms
            self.trustedAudiences = trustedAudiences
            self.leeway = leeway
            self.clockOffset = clockOffset
            self.learnClockOffset = learnClockOffset
            self.timeout = timeout
        }
    }

    /// The validated provider metadata.
    public let metadata: ProviderMetadata
    /// The provider's signing keys.
    public let keys: any JWKSProvider
    /// The HTTP client.
    public let transport: any HTTPTransport
    /// The client's configuration.
    public let configuration: Configuration
    /// The local wall clock.
    public let now: @Sendable () -> Double

    /// Creates a client from metadata already discovered and validated.
    public init(
        metadata: ProviderMetadata, keys: any JWKSProvider, transport: any HTTPTransport, configuration: Configuration,
        now: @escaping @Sendable () -> Double = { WallClock.secondsSinceEpoch() }
    ) {
        self.metadata = metadata
        self.keys = keys
        self.transport = transport
        self.configuration = configuration
        self.now = now
    }

    /// Discovers the provider (issuer checked exactly) and sets up a caching JWKS source.
    /// - Parameters:
    ///   - issuer: the expected issuer.
    ///   - discoveryURL: where the discovery document lives when not under the issuer (MobilePay).
    /// - Throws: `DiscoveryError`, `TransportError`.
    public static func discover(
        issuer: String, discoveryURL: String? = nil, configuration: Configuration, transport: any HTTPTransport
    ) async throws -> OIDCClient {
        let discovery = ProviderDiscovery(transport: transport)
        let metadata = try await discovery.metadata(
            issuer: issuer, discoveryURL: discoveryURL, deadline: .now + configuration.timeout)
        guard metadata.jwksURI != nil else {
            throw FlowsError.invalidResponse(reason: "provider metadata has no jwks_uri")
        }
        // From the metadata, so that ID token algorithms are narrowed to id_token_signing_alg_values_supported.
        let keys = try JWKSource(metadata: metadata, transport: transport)
        return OIDCClient(metadata: metadata, keys: keys, transport: transport, configuration: configuration)
    }

    /// A request prefilled with this client's id and redirect URI (hybrid `code id_token` by default).
    public func makeAuthorizationRequest(
        responseType: ResponseType = .codeIDToken, scopes: [String] = ["openid"]
    ) -> AuthorizationRequest {
        AuthorizationRequest(
            clientID: self.configuration.clientID, redirectURI: self.configuration.redirectURI, responseType: responseType,
            scopes: scopes)
    }

    /// Steps 1-2: the URL to send the user to, and the session to keep.
    /// - Throws: ``FlowsError/Code/invalidRequest`` (e.g. the provider does not support the response type).
    public func prepareAuthorization(_ request: AuthorizationRequest) throws -> PreparedAuthorization {
        guard let endpoint = self.metadata.authorizationEndpoint else {
            throw FlowsError.invalidRequest(reason: "provider metadata has no authorization_endpoint")
        }
        let supported = self.metadata.responseTypesSupported.compactMap { try? ResponseType($0) }
        guard supported.isEmpty || supported.contains(request.responseType) else {
            throw FlowsError.invalidRequest(reason: "provider does not support response_type \(request.responseType)")
        }
        if let methods = self.metadata.codeChallengeMethodsSupported, !methods.contains("S256") {
            throw FlowsError.invalidRequest(reason: "provider does not advertise PKCE S256")
        }
        return try request.prepare(authorizationEndpoint: endpoint, issuer: self.metadata.issuer, now: self.now())
    }

    /// Steps 3-7: validates the whole front channel, then redeems the code and validates the token
    /// endpoint's ID token (nonce, `at_hash`, same `iss` and `sub` as the front-channel one).
    /// - Throws: ``FlowsError``, `JOSEError`, `TransportError`; a bad front channel never reaches the
    ///   token endpoint. ``FlowsError/Code/invalidRequest`` for a session made by another client or at
    ///   another issuer.
    public func completeAuthorization(_ response: AuthorizationResponse, session: AuthorizationSession) async throws
        -> AuthorizationResult
    {
        // The iss parameter is checked against the session's issuer (RFC 9207 §2.4), and the code then goes
        // to this client's token endpoint: a session from elsewhere would send it to the wrong provider.
        guard session.issuer.isIdentical(to: self.metadata.issuer),
            session.clientID.isIdentical(to: self.configuration.clientID)
        else {
            throw FlowsError.invalidRequest(
                reason: "the session was made for \"\(session.clientID)\" at \(session.issuer), not for this client "
                    + "\"\(self.configuration.clientID)\" at \(self.metadata.issuer)")
        }
        let callback = try await self.callbackValidator().validate(response, session: session)
        guard let code = callback.code else {
            throw FlowsError.invalidRequest(reason: "response_type \(session.responseType) returns no code to redeem")
        }
        let exchange = try await self.tokenClient().exchangeCode(code, session: session)
        var validator = self.idTokenValidator()
        if self.configuration.learnClockOffset, let offset = exchange.clockOffset {
            validator.clockOffset = offset
        }
        guard let compact = exchange.tokens.idToken else {
            throw FlowsError.invalidResponse(reason: "token response has no id_token")
        }
        guard exchange.tokens.isBearer else {
            throw FlowsError.invalidResponse(reason: "token_type \(exchange.tokens.tokenType.prefix(20)) is not Bearer")
        }
        let expectations = IDTokenExpectations(
            nonce: session.nonce, accessToken: exchange.tokens.accessToken, maxAge: session.maxAge,
            acrValues: session.acrValues, previous: callback.idToken)
        let idToken = try await validator.validate(compact, expectations: expectations)
        return AuthorizationResult(
            frontChannelIDToken: callback.idToken, idToken: idToken, tokens: exchange.tokens,
            clockOffset: exchange.clockOffset)
    }

    /// Refreshes `tokens`, keeping the old refresh token when none is returned and validating a
    /// refreshed ID token per OIDC Core §12.2 (same iss, sub, aud, azp, auth_time; no other nonce).
    /// - Throws: ``FlowsError/Code/reauthenticationRequired`` on `invalid_grant`. When the refreshed ID
    ///   token fails a check, the error's ``FlowsError/rotatedTokens`` holds the new tokens: store them
    ///   anyway, because with one-time rotation the old refresh token no longer works.
    public func refresh(_ tokens: TokenSet) async throws -> RefreshResult {
        guard let refreshToken = tokens.refreshToken else {
            throw FlowsError.reauthenticationRequired(reason: "no refresh token: authorize again")
        }
        let exchange = try await self.tokenClient().refresh(refreshToken)
        var idToken: IDToken? = nil
        var rotated = TokenSet(exchange.tokens, previous: tokens)
        if let compact = exchange.tokens.idToken {
            var expectations = IDTokenExpectations(accessToken: exchange.tokens.accessToken, isRefresh: true)
            expectations.previous = tokens.idToken.flatMap { try? IDToken(unverified: $0) }
            do {
                idToken = try await self.idTokenValidator().validate(compact, expectations: expectations)
            } catch {
                // The refresh token rotated even though the ID token is bad: hand the new one back.
                rotated.idToken = tokens.idToken
                var failure = (error as? FlowsError)
                    ?? FlowsError.idTokenInvalid(reason: "refreshed ID token: \(Self.reason(of: error))")
                failure.rotatedTokens = rotated
                throw failure
            }
        }
        return RefreshResult(tokens: exchange.tokens, idToken: idToken, tokenSet: rotated)
    }

    private static func reason(of error: any Error) -> String {
        (error as? JOSEError)?.reason ?? "\(error)"
    }

    /// Fetches UserInfo for `accessToken`; `sub` must be `subject`.
    /// - Throws: ``FlowsError/Code/invalidRequest`` when the provider has no userinfo endpoint.
    public func userInfo(accessToken: String, subject: String) async throws -> JSONObject {
        guard let endpoint = self.metadata.userinfoEndpoint else {
            throw FlowsError.invalidRequest(reason: "the provider has no userinfo_endpoint")
        }
        return try await UserInfoClient(
            endpoint: endpoint, transport: self.transport, keys: self.keys, issuer: self.metadata.issuer,
            clientID: self.configuration.clientID, timeout: self.configuration.timeout
        ).fetch(accessToken: accessToken, subject: subject)
    }

    /// Revokes a token (RFC 7009).
    public func revoke(_ token: String, hint: String? = nil) async throws {
        try await self.tokenClient().revoke(token, hint: hint)
    }

    /// The RP-initiated logout URL.
    /// - Throws: ``FlowsError/Code/invalidRequest`` when the provider has no end_session_endpoint.
    public func endSessionURL(idTokenHint: String?, postLogoutRedirectURI: String? = nil, state: String? = nil) throws
        -> String
    {
        guard let endpoint = self.metadata.endSessionEndpoint else {
            throw FlowsError.invalidRequest(reason: "the provider has no end_session_endpoint")
        }
        return EndSessionRequest(
            endpoint: endpoint, idTokenHint: idTokenHint, clientID: self.configuration.clientID,
            postLogoutRedirectURI: postLogoutRedirectURI, state: state
        ).url
    }

    /// A token manager for this client's tokens.
    public func makeTokenManager(store: any TokenStore, refreshAhead: Double = 30) throws -> TokenManager {
        TokenManager(
            client: try self.tokenClient(), store: store, idTokens: self.idTokenValidator(), refreshAhead: refreshAhead,
            now: self.now)
    }

    /// The ID token validator for this client and provider.
    public func idTokenValidator() -> IDTokenValidator {
        IDTokenValidator(
            issuer: self.metadata.issuer, clientID: self.configuration.clientID, keys: self.keys,
            allowedAlgorithms: self.configuration.allowedAlgorithms, trustedAudiences: self.configuration.trustedAudiences,
            leeway: self.configuration.leeway, clockOffset: self.configuration.clockOffset, now: self.now)
    }

    /// The front-channel validator for this client and provider.
    public func callbackValidator() -> CallbackValidator {
        CallbackValidator(
            idTokens: self.idTokenValidator(),
            requireIssuerParameter: self.metadata.authorizationResponseIssParameterSupported)
    }

    /// The token endpoint client.
    /// - Throws: ``FlowsError/Code/invalidRequest`` when the provider has no token endpoint.
    public func tokenClient() throws -> TokenClient {
        guard let endpoint = self.metadata.tokenEndpoint else {
            throw FlowsError.invalidRequest(reason: "provider metadata has no token_endpoint")
        }
        return TokenClient(
            issuer: self.metadata.issuer, tokenEndpoint: endpoint, revocationEndpoint: self.metadata.revocationEndpoint,
            authentication: self.configuration.authentication, transport: self.transport,
            timeout: self.configuration.timeout, now: self.now)
    }
}

/// The outcome of a completed authorization.
public struct AuthorizationResult: Sendable {
    /// The validated front-channel ID token (hybrid flows).
    public let frontChannelIDToken: IDToken?
    /// The validated token-endpoint ID token.
    public let idToken: IDToken
    /// The token response.
    public let tokens: TokenResponse
    /// The provider's clock minus the local clock, from the token response's `Date` header.
    public let clockOffset: Double?

    /// The tokens to store.
    public var tokenSet: TokenSet { TokenSet(self.tokens) }
}

/// The outcome of a refresh.
public struct RefreshResult: Sendable {
    /// The token response.
    public let tokens: TokenResponse
    /// The validated refreshed ID token, when the provider returned one.
    public let idToken: IDToken?
    /// The tokens to store (the old refresh token kept when none was returned).
    public let tokenSet: TokenSet
}
