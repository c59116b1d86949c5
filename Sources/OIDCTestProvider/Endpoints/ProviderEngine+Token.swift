// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import PKCE
import Synchronization

extension ProviderEngine {
    /// Tokens issued by one successful grant, before the ID token is signed.
    struct IssuedTokens {
        let accessToken: String
        let refreshToken: String?
        let grant: ProviderState.Grant
        let nonce: String?
    }

    /// `/token` (RFC 6749 §3.2, OIDC Core §3.1.3): the authorization-code and refresh-token grants.
    func tokenEndpoint(_ request: HTTPRequest, body: [UInt8]) -> Reply {
        guard request.method == .post else { return .methodNotAllowed(allow: "POST") }
        let misbehaviour = self.state.withLock { $0.misbehaviour }
        if misbehaviour.tokenEndpointServerError {
            return .text("internal server error (the test provider was told to fail)", status: .internalServerError)
        }
        do throws(OAuthFailure) {
            let form = try self.formParameters(request, body: body)
            let client = try self.authenticateClient(request, form: form, endpoint: self.tokenEndpoint)
            let issued: IssuedTokens
            switch form["grant_type"] {
            case "authorization_code": issued = try self.redeemCode(form: form, client: client)
            case "refresh_token":
                if misbehaviour.refreshInvalidGrant {
                    throw .invalidGrant("the refresh token is no longer valid (the test provider was told to fail)")
                }
                issued = try self.refresh(form: form, client: client)
            case nil: throw .invalidRequest("grant_type is missing")
            default: throw .unsupportedGrantType("only authorization_code and refresh_token are supported")
            }
            return .json(try self.tokenResponse(issued, client: client, misbehaviour: misbehaviour))
        } catch {
            return .failure(error)
        }
    }

    /// The successful token response (RFC 6749 §5.1) with an ID token (OIDC Core §3.1.3.3).
    private func tokenResponse(
        _ issued: IssuedTokens, client: RegisteredClient, misbehaviour: OIDCTestProvider.Misbehaviour
    ) throws(OAuthFailure) -> JSONObject {
        let content = IDTokenContent(
            client: client, subject: issued.grant.subject, authTime: issued.grant.authTime, nonce: issued.nonce,
            accessToken: issued.accessToken, isFromTokenEndpoint: true)
        let idToken: String
        do {
            idToken = try self.makeIDToken(content, misbehaviour: misbehaviour)
        } catch {
            throw .serverError("the ID token could not be signed")
        }
        var object: JSONObject = [
            "access_token": .string(issued.accessToken), "token_type": "Bearer",
            "expires_in": .number(self.accessTokenLifetime.rounded(.down)), "id_token": .string(idToken),
            "scope": .string(issued.grant.scope),
        ]
        if let refreshToken = issued.refreshToken { object["refresh_token"] = .string(refreshToken) }
        return object
    }

    /// A fresh opaque token and its lookup key.
    func makeToken() throws(OAuthFailure) -> (value: String, key: String) {
        guard let value = try? RandomString.make(byteCount: 32), let key = try? ProviderState.key(for: value) else {
            throw .serverError("no randomness")
        }
        return (value, key)
    }

    /// Stores a new access token (and, with `offline_access`, a refresh token) for `grant`.
    /// Call with the state lock held.
    func storeTokens(
        in state: inout ProviderState, grantID: Int, grant: ProviderState.Grant, now: Double,
        access: (value: String, key: String), refresh: (value: String, key: String)
    ) -> (accessToken: String, refreshToken: String?) {
        state.accessTokens[access.key] = ProviderState.Token(
            grantID: grantID, clientID: grant.clientID, scope: grant.scope, expiresAt: now + self.accessTokenLifetime)
        guard grant.scope.split(separator: " ").contains("offline_access") else { return (access.value, nil) }
        state.refreshTokens[refresh.key] = ProviderState.Token(
            grantID: grantID, clientID: grant.clientID, scope: grant.scope, expiresAt: now + self.refreshTokenLifetime)
        return (access.value, refresh.value)
    }
}
