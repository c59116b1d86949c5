// SPDX-License-Identifier: Apache-2.0
import JOSE

/// Validates the whole front-channel response before anything is redeemed: session freshness, error
/// response, `state` (constant time), the RFC 9207 `iss` parameter, the presence of what the response
/// type promises, and the front-channel ID token (signature, claims, nonce, `c_hash`, `at_hash`).
///
/// A response that fails here never reaches the token endpoint.
public struct CallbackValidator: Sendable {
    /// Validates ID tokens for this client and provider.
    public var idTokens: IDTokenValidator
    /// Whether the provider advertises `authorization_response_iss_parameter_supported`: then `iss`
    /// is required in every response (RFC 9207 §2.4).
    public var requireIssuerParameter: Bool

    /// Creates a validator.
    public init(idTokens: IDTokenValidator, requireIssuerParameter: Bool) {
        self.idTokens = idTokens
        self.requireIssuerParameter = requireIssuerParameter
    }

    /// Validates `response` against `session`.
    /// - Throws: ``FlowsError`` (`sessionExpired`, `authorizationFailed`, `stateMismatch`,
    ///   `issuerParameterMismatch`, `malformedCallback`, `idTokenInvalid`) or `JOSEError` for the ID token.
    public func validate(_ response: AuthorizationResponse, session: AuthorizationSession) async throws
        -> ValidatedCallback
    {
        let now = self.idTokens.now()
        guard !session.isExpired(now: now) else {
            throw FlowsError.sessionExpired(
                reason: "authorization session expired \(Diagnostics.seconds(now - session.expiresAt)) s ago")
        }
        if let error = response.error {
            // An error that carries a state must carry ours: a forged error is a CSRF probe.
            if let state = response.state, !ConstantTimeText.isEqual(state, session.state) {
                throw FlowsError.stateMismatch(reason: "state mismatch in an error response")
            }
            // Anyone who can reach the redirect URI can send these: shown bounded and without control characters.
            let shown = Diagnostics.printable(error, limit: 64)
            var reason = "authorization failed: \(shown)"
            if let description = response["error_description"] {
                reason += " (\(Diagnostics.printable(description, limit: 200)))"
            }
            throw FlowsError.authorizationFailed(error: shown, reason: reason)
        }
        guard let state = response.state else { throw FlowsError.stateMismatch(reason: "state missing") }
        guard ConstantTimeText.isEqual(state, session.state) else { throw FlowsError.stateMismatch(reason: "state mismatch") }
        try self.checkIssuer(response.issuer, session: session)
        let type = session.responseType
        let code = response.code
        if type.includesCode && (code ?? "").isEmpty { throw FlowsError.malformedCallback(reason: "code missing") }
        let accessToken = response.accessToken
        if type.includesAccessToken && (accessToken ?? "").isEmpty {
            throw FlowsError.malformedCallback(reason: "access_token missing")
        }
        var idToken: IDToken? = nil
        if type.includesIDToken {
            guard let compact = response.idToken, !compact.isEmpty else {
                throw FlowsError.malformedCallback(reason: "id_token missing")
            }
            let expectations = IDTokenExpectations(
                nonce: session.nonce, code: type.includesCode ? code : nil, requireCodeHash: type.includesCode,
                accessToken: accessToken, requireAccessTokenHash: type.includesAccessToken, maxAge: session.maxAge,
                acrValues: session.acrValues)
            idToken = try await self.idTokens.validate(compact, expectations: expectations)
        }
        return ValidatedCallback(code: code, idToken: idToken, accessToken: accessToken, session: session)
    }

    private func checkIssuer(_ issuer: String?, session: AuthorizationSession) throws {
        guard let issuer else {
            if self.requireIssuerParameter {
                throw FlowsError.issuerParameterMismatch(reason: "iss parameter missing though the provider advertises it")
            }
            return
        }
        guard issuer.isIdentical(to: session.issuer) else {
            let shown = Diagnostics.printable(issuer, limit: 100)
            throw FlowsError.issuerParameterMismatch(
                reason: "iss parameter \"\(shown)\" is not \"\(session.issuer)\" (mix-up?)")
        }
    }
}

/// A front-channel response that passed every check.
public struct ValidatedCallback: Sendable, CustomStringConvertible {
    /// The authorization code to redeem.
    public let code: String?
    /// The validated front-channel ID token (hybrid flows).
    public let idToken: IDToken?
    /// A front-channel access token (`token` response types).
    public let accessToken: String?
    /// The session it belongs to.
    public let session: AuthorizationSession

    /// What arrived, without the code or the access token.
    public var description: String {
        "ValidatedCallback(code: \(self.code == nil ? "no" : "yes"), id_token: \(self.idToken.map { "\($0)" } ?? "no"), "
            + "access_token: \(self.accessToken == nil ? "no" : "yes"), session: \(self.session))"
    }
}
