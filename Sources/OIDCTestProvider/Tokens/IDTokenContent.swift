// SPDX-License-Identifier: Apache-2.0

/// What goes into one ID token, before any fault is applied.
struct IDTokenContent {
    /// The audience.
    let client: ProviderEngine.RegisteredClient
    /// `sub`.
    let subject: String
    /// `auth_time`.
    let authTime: Double
    /// `nonce`, when the authorization request had one (never in refreshed ID tokens).
    var nonce: String? = nil
    /// The code, for `c_hash` (front channel of the hybrid flow).
    var code: String? = nil
    /// The access token, for `at_hash`.
    var accessToken: String? = nil
    /// Whether the token endpoint issues it (for ``OIDCTestProvider/Misbehaviour/wrongSubjectAtTokenEndpoint``).
    var isFromTokenEndpoint: Bool
}
