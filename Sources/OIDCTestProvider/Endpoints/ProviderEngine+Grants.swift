// SPDX-License-Identifier: Apache-2.0
import JOSE
import PKCE
import Synchronization

extension ProviderEngine {
    /// The authorization-code grant (RFC 6749 §4.1.3, RFC 7636 §4.6): a one-time, unexpired code issued
    /// to this client for this exact redirect URI, whose challenge is the S256 of `code_verifier`.
    /// Reusing a code revokes every token issued from it (RFC 6749 §4.1.2).
    func redeemCode(form: [String: String], client: RegisteredClient) throws(OAuthFailure) -> IssuedTokens {
        guard let code = form["code"], !code.isEmpty else { throw .invalidRequest("code is missing") }
        guard let redirectURI = form["redirect_uri"] else { throw .invalidRequest("redirect_uri is missing") }
        guard let verifierText = form["code_verifier"] else { throw .invalidRequest("code_verifier is missing (PKCE)") }
        guard let verifier = try? PKCECodeVerifier(validating: verifierText) else {
            throw .invalidGrant("code_verifier is not a valid PKCE verifier")
        }
        let challenge = verifier.challenge.value
        guard let codeKey = try? ProviderState.key(for: code) else { throw .serverError("hashing failed") }
        let access = try self.makeToken()
        let refresh = try self.makeToken()
        let now = self.now()
        let result = self.state.withLock { state -> Result<IssuedTokens, OAuthFailure> in
            state.prune(now: now)
            guard var record = state.codes[codeKey], record.expiresAt > now else {
                return .failure(.invalidGrant("the code is unknown or expired"))
            }
            guard record.clientID == client.id else {
                return .failure(.invalidGrant("the code was issued to another client"))
            }
            guard !record.isRedeemed else {
                state.revoke(grant: record.grantID)
                return .failure(.invalidGrant("the code was already used; tokens issued from it are revoked"))
            }
            guard record.redirectURI.utf8.elementsEqual(redirectURI.utf8) else {
                return .failure(.invalidGrant("redirect_uri differs from the authorization request's"))
            }
            guard ConstantTime.isEqual(challenge, record.codeChallenge) else {
                return .failure(.invalidGrant("code_verifier does not match the code_challenge"))
            }
            guard let grant = state.grants[record.grantID], !grant.isRevoked else {
                return .failure(.invalidGrant("the authorization was revoked"))
            }
            guard state.hasRoom else { return .failure(.serverError("too many live tokens")) }
            record.isRedeemed = true
            state.codes[codeKey] = record
            let tokens = self.storeTokens(
                in: &state, grantID: record.grantID, grant: grant, now: now, access: access, refresh: refresh)
            return .success(
                IssuedTokens(
                    accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, grant: grant,
                    nonce: record.nonce))
        }
        return try result.get()
    }

    /// The refresh-token grant (RFC 6749 §6) with rotation: the old refresh token stops working, and
    /// presenting it again revokes the whole grant (RFC 9700 §4.14.2). The refreshed ID token keeps the
    /// original `auth_time` and carries no nonce (OIDC Core §12.2).
    func refresh(form: [String: String], client: RegisteredClient) throws(OAuthFailure) -> IssuedTokens {
        guard let token = form["refresh_token"], !token.isEmpty else {
            throw .invalidRequest("refresh_token is missing")
        }
        guard let tokenKey = try? ProviderState.key(for: token) else { throw .serverError("hashing failed") }
        let requestedScope = form["scope"].map { Set($0.split(separator: " ").map(String.init)) }
        let access = try self.makeToken()
        let refresh = try self.makeToken()
        let now = self.now()
        let result = self.state.withLock { state -> Result<IssuedTokens, OAuthFailure> in
            state.prune(now: now)
            guard var record = state.refreshTokens[tokenKey] else {
                return .failure(.invalidGrant("the refresh token is unknown, expired or revoked"))
            }
            guard record.clientID == client.id else {
                return .failure(.invalidGrant("the refresh token was issued to another client"))
            }
            guard !record.isUsed else {
                state.revoke(grant: record.grantID)
                return .failure(.invalidGrant("the refresh token was already used (rotated); the grant is revoked"))
            }
            guard let grant = state.grants[record.grantID], !grant.isRevoked else {
                return .failure(.invalidGrant("the authorization was revoked"))
            }
            if let requestedScope, !requestedScope.isSubset(of: Set(grant.scope.split(separator: " ").map(String.init)))
            {
                return .failure(.invalidScope("the requested scope exceeds the original grant"))
            }
            guard state.hasRoom else { return .failure(.serverError("too many live tokens")) }
            record.isUsed = true
            state.refreshTokens[tokenKey] = record
            let tokens = self.storeTokens(
                in: &state, grantID: record.grantID, grant: grant, now: now, access: access, refresh: refresh)
            return .success(
                IssuedTokens(
                    accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, grant: grant, nonce: nil))
        }
        return try result.get()
    }
}
