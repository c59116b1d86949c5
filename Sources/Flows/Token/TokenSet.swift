// SPDX-License-Identifier: Apache-2.0

/// The tokens a client holds for one user, as a ``TokenStore`` keeps them.
public struct TokenSet: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The access token.
    public var accessToken: String
    /// `token_type` (normally `Bearer`).
    public var tokenType: String
    /// When the access token expires (seconds since the epoch, local clock), if known.
    public var expiresAt: Double?
    /// The newest refresh token. Always store the newest: rotation may make the old one useless.
    public var refreshToken: String?
    /// The newest ID token (compact), kept for refresh checks and `id_token_hint`.
    public var idToken: String?
    /// The granted scope.
    public var scope: String?

    /// Creates a token set.
    public init(
        accessToken: String, tokenType: String = "Bearer", expiresAt: Double? = nil, refreshToken: String? = nil,
        idToken: String? = nil, scope: String? = nil
    ) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresAt = expiresAt
        self.refreshToken = refreshToken
        self.idToken = idToken
        self.scope = scope
    }

    /// A token set from a token response; a response without a refresh token keeps `previous`'s.
    public init(_ response: TokenResponse, previous: TokenSet? = nil) {
        self.init(
            accessToken: response.accessToken, tokenType: response.tokenType, expiresAt: response.expiresAt,
            refreshToken: response.refreshToken ?? previous?.refreshToken, idToken: response.idToken ?? previous?.idToken,
            scope: response.scope ?? previous?.scope)
    }

    /// Tokens hidden.
    public var description: String {
        "TokenSet(token_type: \(self.tokenType), expires_at: \(self.expiresAt.map(Diagnostics.seconds) ?? "-"), "
            + "refresh_token: \(self.refreshToken == nil ? "no" : "yes"))"
    }
}

/// Where a ``TokenManager`` keeps tokens: a database row, a keychain item, a file. `save` must be
/// durable before it returns, because a rotated refresh token that is lost locks the user out.
public protocol TokenStore: Sendable {
    /// The stored tokens, if any.
    func load() async throws -> TokenSet?
    /// Replaces the stored tokens.
    func save(_ tokens: TokenSet) async throws
}

/// A ``TokenStore`` in memory (for tests and short-lived tools).
public actor InMemoryTokenStore: TokenStore {
    private var tokens: TokenSet?
    /// How many times ``save(_:)`` was called.
    public private(set) var saveCount = 0

    /// Creates a store, optionally holding tokens already.
    public init(_ tokens: TokenSet? = nil) { self.tokens = tokens }

    /// The stored tokens.
    public func load() async throws -> TokenSet? { self.tokens }

    /// Replaces the stored tokens.
    public func save(_ tokens: TokenSet) async throws {
        self.tokens = tokens
        self.saveCount += 1
    }
}
