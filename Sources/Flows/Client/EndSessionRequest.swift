// SPDX-License-Identifier: Apache-2.0

/// An RP-initiated logout URL (OpenID Connect RP-Initiated Logout 1.0 §2).
public struct EndSessionRequest: Sendable {
    /// `end_session_endpoint`.
    public var endpoint: String
    /// `id_token_hint`: the ID token of the session to end.
    public var idTokenHint: String?
    /// `client_id`.
    public var clientID: String?
    /// `post_logout_redirect_uri` (registered with the provider).
    public var postLogoutRedirectURI: String?
    /// `state`, echoed back to the post-logout redirect.
    public var state: String?

    /// Creates a request.
    public init(
        endpoint: String, idTokenHint: String? = nil, clientID: String? = nil, postLogoutRedirectURI: String? = nil,
        state: String? = nil
    ) {
        self.endpoint = endpoint
        self.idTokenHint = idTokenHint
        self.clientID = clientID
        self.postLogoutRedirectURI = postLogoutRedirectURI
        self.state = state
    }

    /// The URL to send the user to.
    public var url: String {
        var parameters: [(String, String)] = []
        if let idTokenHint { parameters.append(("id_token_hint", idTokenHint)) }
        if let clientID { parameters.append(("client_id", clientID)) }
        if let postLogoutRedirectURI { parameters.append(("post_logout_redirect_uri", postLogoutRedirectURI)) }
        if let state { parameters.append(("state", state)) }
        guard !parameters.isEmpty else { return self.endpoint }
        return self.endpoint + (self.endpoint.contains("?") ? "&" : "?") + FormEncoding.encode(parameters)
    }
}
