// SPDX-License-Identifier: Apache-2.0
public import JOSE

/// Hands out a valid access token, refreshing ahead of expiry.
///
/// Refreshes are single-flight: any number of concurrent callers cause exactly one request, and all
/// get its result. Rotated tokens are saved through the ``TokenStore`` before anyone uses them. When
/// the provider rejects the refresh token (`invalid_grant`), every caller gets
/// ``FlowsError/Code/reauthenticationRequired`` until new tokens are installed: no retry loop.
public actor TokenManager {
    private let client: TokenClient
    private let store: any TokenStore
    private let idTokens: IDTokenValidator?
    private let refreshAhead: Double
    private let now: @Sendable () -> Double
    private var current: TokenSet?
    private var inFlight: Task<TokenSet, any Error>?
    private var reauthenticationReason: String?
    /// Counts ``install(_:)``s: a refresh or load that began before an install must not undo it.
    private var generation = 0

    /// How many refresh requests this manager has sent.
    public private(set) var refreshCount = 0

    /// Creates a manager.
    /// - Parameters:
    ///   - client: the token endpoint client.
    ///   - store: where tokens live.
    ///   - idTokens: validates refreshed ID tokens (OIDC Core §12.2) when the provider returns one.
    ///   - refreshAhead: refresh this many seconds before the access token expires.
    public init(
        client: TokenClient, store: any TokenStore, idTokens: IDTokenValidator? = nil, refreshAhead: Double = 30,
        now: @escaping @Sendable () -> Double = { WallClock.secondsSinceEpoch() }
    ) {
        self.client = client
        self.store = store
        self.idTokens = idTokens
        self.refreshAhead = refreshAhead
        self.now = now
    }

    /// Installs fresh tokens (after an authorization) and clears any re-authentication state.
    public func install(_ tokens: TokenSet) async throws {
        try await self.store.save(tokens)
        self.current = tokens
        self.reauthenticationReason = nil
        self.generation += 1
    }

    /// The current tokens, loading them from the store the first time.
    public func tokens() async throws -> TokenSet? {
        guard self.current == nil else { return self.current }
        let loaded = try await self.store.load()
        // Tokens installed or refreshed while the store was read are newer than what it returned.
        if self.current == nil { self.current = loaded }
        return self.current
    }

    /// A valid access token: the current one, or a refreshed one when it expires within `refreshAhead`.
    /// - Throws: ``FlowsError/Code/reauthenticationRequired`` when there are no tokens or the refresh
    ///   token was rejected; token endpoint and network errors otherwise.
    public func accessToken() async throws -> String {
        if let reason = self.reauthenticationReason { throw FlowsError.reauthenticationRequired(reason: reason) }
        guard let tokens = try await self.tokens() else {
            throw FlowsError.reauthenticationRequired(reason: "no tokens stored: authorize first")
        }
        if let expiresAt = tokens.expiresAt, self.now() >= expiresAt - self.refreshAhead {
            return try await self.refreshed().accessToken
        }
        return tokens.accessToken
    }

    /// Refreshes because `rejectedAccessToken` was refused by an API (HTTP 401). If another caller
    /// already replaced that token, the newer one is returned without a second refresh.
    public func accessToken(replacing rejectedAccessToken: String) async throws -> String {
        if let reason = self.reauthenticationReason { throw FlowsError.reauthenticationRequired(reason: reason) }
        if let tokens = try await self.tokens(), tokens.accessToken != rejectedAccessToken { return tokens.accessToken }
        return try await self.refreshed().accessToken
    }

    /// Refreshes now (joining a refresh already under way).
    public func refreshed() async throws -> TokenSet {
        if let inFlight = self.inFlight { return try await inFlight.value }
        let task = Task { try await self.performRefresh() }
        self.inFlight = task
        defer { self.inFlight = nil }
        return try await task.value
    }

    private func performRefresh() async throws -> TokenSet {
        guard let tokens = try await self.tokens(), let refreshToken = tokens.refreshToken else {
            let reason = "no refresh token: authorize again"
            self.reauthenticationReason = reason
            throw FlowsError.reauthenticationRequired(reason: reason)
        }
        self.refreshCount += 1
        // Actor reentrancy: install(_:) may run during any await below. Tokens it installed (a new
        // authorization) supersede this refresh, its result and its failure alike.
        let generation = self.generation
        let exchange: TokenExchange
        do {
            exchange = try await self.client.refresh(refreshToken)
        } catch {
            if let installed = self.installed(since: generation) { return installed }
            if let error = error as? FlowsError, error.code == .reauthenticationRequired {
                self.reauthenticationReason = error.reason
            }
            throw error
        }
        let refreshedTokens = TokenSet(exchange.tokens, previous: tokens)
        if let validator = self.idTokens, let idToken = exchange.tokens.idToken {
            var expectations = IDTokenExpectations(accessToken: exchange.tokens.accessToken, isRefresh: true)
            expectations.previous = tokens.idToken.flatMap { try? IDToken(unverified: $0) }
            do {
                _ = try await validator.validate(idToken, expectations: expectations)
            } catch {
                // The new tokens are refused, but the provider may have retired the old refresh token
                // already (one-time rotation): keep the rotated one, or the user is locked out for good.
                if let rotated = exchange.tokens.refreshToken, self.installed(since: generation) == nil {
                    var kept = tokens
                    kept.refreshToken = rotated
                    try await self.store.save(kept)
                    self.current = kept
                }
                throw error
            }
        }
        if let installed = self.installed(since: generation) { return installed }
        // Saved before anyone sees it: a rotated refresh token must never be lost.
        try await self.store.save(refreshedTokens)
        if let installed = self.installed(since: generation) {
            try await self.store.save(installed)  // its save may have landed before this one
            return installed
        }
        self.current = refreshedTokens
        return refreshedTokens
    }

    /// The tokens installed after `generation` was read, if any were.
    private func installed(since generation: Int) -> TokenSet? {
        self.generation == generation ? nil : self.current
    }
}

extension IDToken {
    /// Rebuilds an ID token that was validated when it was stored (for §12.2 comparisons only).
    init(unverified compact: String) throws {
        let jws = try CompactJWS(compact)
        self.init(compact: compact, header: jws.header, claims: try JWTClaims(payload: jws.payload))
    }
}
