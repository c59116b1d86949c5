// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import PKCE
public import JOSE
public import Transport

/// Talks to the token endpoint: code exchange (RFC 6749 §4.1.3 with PKCE), refresh (§6), and
/// revocation (RFC 7009), with the client's authentication method.
public struct TokenClient: Sendable {
    /// The provider's issuer identifier (the `aud` of client assertions).
    public var issuer: String
    /// `token_endpoint`.
    public var tokenEndpoint: String
    /// `revocation_endpoint`, if the provider has one.
    public var revocationEndpoint: String?
    /// How the client authenticates.
    public var authentication: ClientAuthentication
    /// The HTTP client.
    public var transport: any HTTPTransport
    /// How long one request may take.
    public var timeout: Duration
    /// The local wall clock.
    public var now: @Sendable () -> Double

    /// Creates a client.
    public init(
        issuer: String, tokenEndpoint: String, revocationEndpoint: String? = nil, authentication: ClientAuthentication,
        transport: any HTTPTransport, timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Double = { WallClock.secondsSinceEpoch() }
    ) {
        self.issuer = issuer
        self.tokenEndpoint = tokenEndpoint
        self.revocationEndpoint = revocationEndpoint
        self.authentication = authentication
        self.transport = transport
        self.timeout = timeout
        self.now = now
    }

    /// Redeems an authorization code with the session's PKCE verifier and exact `redirect_uri`.
    /// - Throws: ``FlowsError/Code/tokenEndpointError`` for an OAuth error response,
    ///   ``FlowsError/Code/invalidResponse`` for anything malformed, `TransportError` for the network.
    public func exchangeCode(_ code: String, session: AuthorizationSession) async throws -> TokenExchange {
        try await self.requestTokens([
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", session.redirectURI),
            ("code_verifier", session.codeVerifier.value),
        ])
    }

    /// Uses a refresh token (RFC 6749 §6). An `invalid_grant` answer becomes
    /// ``FlowsError/Code/reauthenticationRequired``: the user must authorize again.
    public func refresh(_ refreshToken: String, scope: [String]? = nil) async throws -> TokenExchange {
        var parameters = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
        if let scope { parameters.append(("scope", scope.joined(separator: " "))) }
        do {
            return try await self.requestTokens(parameters)
        } catch let error as FlowsError where error.oauthError == "invalid_grant" {
            throw FlowsError.reauthenticationRequired(reason: "refresh token rejected (invalid_grant): authorize again")
        }
    }

    /// Revokes a token (RFC 7009). Success means the provider no longer honours it (or never knew it).
    /// - Throws: ``FlowsError/Code/invalidRequest`` when the provider has no revocation endpoint.
    public func revoke(_ token: String, hint: String? = nil) async throws {
        guard let endpoint = self.revocationEndpoint else {
            throw FlowsError.invalidRequest(reason: "the provider has no revocation_endpoint")
        }
        var parameters = [("token", token)]
        if let hint { parameters.append(("token_type_hint", hint)) }
        let (response, body) = try await self.post(parameters, to: endpoint)
        guard response.status == .ok else { throw Self.errorResponse(response, body, endpoint: "revocation") }
    }

    private func requestTokens(_ parameters: [(String, String)]) async throws -> TokenExchange {
        let (response, body) = try await self.post(parameters, to: self.tokenEndpoint)
        guard response.status == .ok else { throw Self.errorResponse(response, body, endpoint: "token") }
        let received = self.now()
        let tokens = try TokenResponse(json: body, receivedAt: received)
        let offset = response.headerFields[.date].flatMap { ClockOffset.offset(dateHeader: $0, localTime: received) }
        return TokenExchange(tokens: tokens, clockOffset: offset)
    }

    private func post(_ parameters: [(String, String)], to endpoint: String) async throws -> (HTTPResponse, [UInt8]) {
        let (authorization, credentials) = try self.authentication.credentials(audience: self.issuer, now: self.now())
        var request = try HTTPRequest(method: .post, url: endpoint)
        request.headerFields[.contentType] = "application/x-www-form-urlencoded"
        request.headerFields[.accept] = "application/json"
        request.headerFields[.cacheControl] = "no-store"
        if let authorization { request.headerFields[.authorization] = authorization }
        let body = Array(FormEncoding.encode(parameters + credentials).utf8)
        return try await self.transport.send(request, body: body, deadline: .now + self.timeout)
    }

    /// RFC 6749 §5.2: a JSON `error` (+ description) becomes a typed error naming it.
    static func errorResponse(_ response: HTTPResponse, _ body: [UInt8], endpoint: String) -> FlowsError {
        let object = try? JSONParser(limits: .document).parseObject(body, what: "error response")
        guard let error = object?["error"]?.stringValue else {
            return FlowsError.invalidResponse(reason: "\(endpoint) endpoint answered HTTP \(response.status.code)")
        }
        let safeError = Diagnostics.printable(error, limit: 64)
        var reason = "\(endpoint) endpoint error \(safeError) (HTTP \(response.status.code))"
        if let description = object?["error_description"]?.stringValue {
            reason += ": \(Diagnostics.printable(description, limit: 200))"
        }
        return FlowsError.tokenEndpointError(error: safeError, reason: reason)
    }
}

/// A token response and what the provider's `Date` header says about the local clock.
public struct TokenExchange: Sendable {
    /// The tokens.
    public let tokens: TokenResponse
    /// `providerTime - localTime` in seconds, when the response had a `Date` header.
    public let clockOffset: Double?
}
