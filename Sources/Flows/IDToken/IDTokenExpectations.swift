// SPDX-License-Identifier: Apache-2.0

/// What one particular ID token must satisfy beyond the always-on checks (OIDC Core §3.1.3.7,
/// §3.3.2.12, §3.3.3.7, §12.2).
public struct IDTokenExpectations: Sendable {
    /// The nonce sent in the request; the token must carry exactly this. `nil` for refreshed tokens,
    /// which then must carry no nonce or the original one (see ``previous``).
    public var nonce: String?
    /// The `code` returned beside a front-channel ID token: `c_hash` is then checked, and required
    /// when ``requireCodeHash`` is set (hybrid `code id_token`, OIDC Core §3.3.2.11).
    public var code: String?
    /// Whether `c_hash` must be present.
    public var requireCodeHash: Bool
    /// An access token returned with the ID token: `at_hash` is checked when present, and required
    /// when ``requireAccessTokenHash`` is set (front-channel `id_token token`).
    public var accessToken: String?
    /// Whether `at_hash` must be present.
    public var requireAccessTokenHash: Bool
    /// `max_age` requested: `auth_time` must be present and recent enough.
    public var maxAge: Int?
    /// `acr_values` requested: `acr` must be present and one of them.
    public var acrValues: [String]?
    /// An earlier ID token of the same authentication: `iss` and `sub` must match; for a refreshed
    /// token (``isRefresh``) also `aud`, `azp`, `auth_time` and `nonce`.
    public var previous: IDToken?
    /// Whether the token comes from a refresh (OIDC Core §12.2).
    public var isRefresh: Bool

    /// Creates expectations.
    public init(
        nonce: String? = nil, code: String? = nil, requireCodeHash: Bool = false, accessToken: String? = nil,
        requireAccessTokenHash: Bool = false, maxAge: Int? = nil, acrValues: [String]? = nil, previous: IDToken? = nil,
        isRefresh: Bool = false
    ) {
        self.nonce = nonce
        self.code = code
        self.requireCodeHash = requireCodeHash
        self.accessToken = accessToken
        self.requireAccessTokenHash = requireAccessTokenHash
        self.maxAge = maxAge
        self.acrValues = acrValues
        self.previous = previous
        self.isRefresh = isRefresh
    }
}
