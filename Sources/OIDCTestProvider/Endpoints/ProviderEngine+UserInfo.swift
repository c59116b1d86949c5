// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import Synchronization

extension ProviderEngine {
    /// `/userinfo` (OIDC Core §5.3): the test user's claims for a live Bearer access token (RFC 6750 §2.1).
    func userInfoEndpoint(_ request: HTTPRequest) -> Reply {
        guard request.method == .get || request.method == .post else { return .methodNotAllowed(allow: "GET, POST") }
        guard let authorization = request.headerFields[.authorization] else {
            var reply = Reply.text("a Bearer access token is required", status: .unauthorized)
            reply.response.headerFields[.wwwAuthenticate] = "Bearer"
            return reply
        }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            let key = try? ProviderState.key(for: String(parts[1]))
        else { return .failure(.invalidToken("the Authorization header is not a Bearer token")) }
        let now = self.now()
        let grant = self.state.withLock { state -> ProviderState.Grant? in
            guard let token = state.accessTokens[key], token.expiresAt > now, state.isLive(grant: token.grantID) else {
                return nil
            }
            return state.grants[token.grantID]
        }
        guard let grant else { return .failure(.invalidToken("the access token is unknown, expired or revoked")) }
        let misbehaviour = self.state.withLock { $0.misbehaviour }
        let subject = misbehaviour.wrongSubjectAtUserInfo ? grant.subject + "-someone-else" : grant.subject
        var claims: JSONObject = ["sub": .string(subject)]
        for member in self.user.claims where member.key != "sub" { claims[member.key] = member.value }
        return .json(claims)
    }
}
