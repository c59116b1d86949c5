// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Synchronization

extension ProviderEngine {
    /// `/revoke` (RFC 7009): the client authenticates as at the token endpoint; revoking a refresh token
    /// revokes its whole grant (§2.1), revoking an access token only that token. Unknown tokens, and
    /// tokens of other clients, get the same `200` (§2.2), so nothing is learned from the answer.
    func revocationEndpoint(_ request: HTTPRequest, body: [UInt8]) -> Reply {
        guard request.method == .post else { return .methodNotAllowed(allow: "POST") }
        do throws(OAuthFailure) {
            let form = try self.formParameters(request, body: body)
            let client = try self.authenticateClient(request, form: form, endpoint: self.revocationEndpoint)
            guard let token = form["token"], !token.isEmpty else { throw .invalidRequest("token is missing") }
            guard let key = try? ProviderState.key(for: token) else { throw .serverError("hashing failed") }
            self.state.withLock { state in
                if let refresh = state.refreshTokens[key], refresh.clientID == client.id {
                    state.revoke(grant: refresh.grantID)
                } else if let access = state.accessTokens[key], access.clientID == client.id {
                    state.accessTokens[key] = nil
                }
            }
            return .emptyOK
        } catch {
            return .failure(error)
        }
    }
}
