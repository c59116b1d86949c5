// SPDX-License-Identifier: Apache-2.0
import JOSE

/// Everything the provider remembers, guarded by one lock in ``ProviderEngine``.
///
/// Codes and tokens are stored under a digest of their value (``key(for:)``), so that neither a
/// dictionary lookup's timing nor a memory dump reveals them.
struct ProviderState: Sendable {
    /// The most live entries of each kind; past it, new ones are refused (bounded memory).
    static let maxEntries = 50_000

    /// One user's consent to one client: the family of every code and token issued from one authorization.
    struct Grant: Sendable {
        let clientID: String
        let subject: String
        let scope: String
        let authTime: Double
        var isRevoked = false
    }

    /// An authorization code.
    struct Code: Sendable {
        let grantID: Int
        let clientID: String
        let redirectURI: String
        let codeChallenge: String
        let nonce: String?
        let expiresAt: Double
        var isRedeemed = false
    }

    /// An access or refresh token.
    struct Token: Sendable {
        let grantID: Int
        let clientID: String
        let scope: String
        let expiresAt: Double
        /// For refresh tokens: already exchanged (rotated).
        var isUsed = false
    }

    var keys: KeyRing
    var misbehaviour: OIDCTestProvider.Misbehaviour
    private(set) var nextGrantID = 1
    var grants: [Int: Grant] = [:]
    var codes: [String: Code] = [:]
    var accessTokens: [String: Token] = [:]
    var refreshTokens: [String: Token] = [:]
    /// `private_key_jwt` assertion IDs seen (`client_id` + space + `jti`), with their expiry.
    var assertionIDs: [String: Double] = [:]

    init(keys: KeyRing, misbehaviour: OIDCTestProvider.Misbehaviour) {
        self.keys = keys
        self.misbehaviour = misbehaviour
    }

    /// The lookup key of a code or token: the left half of its SHA-256, base64url.
    static func key(for value: String) throws -> String {
        try TokenHash.compute(for: value, algorithm: .rs256)
    }

    /// Starts a new grant and returns its identifier.
    mutating func addGrant(_ grant: Grant) -> Int {
        let identifier = self.nextGrantID
        self.nextGrantID += 1
        self.grants[identifier] = grant
        return identifier
    }

    /// Whether the grant exists and was not revoked.
    func isLive(grant identifier: Int) -> Bool { self.grants[identifier].map { !$0.isRevoked } ?? false }

    /// Revokes a grant and forgets its tokens.
    mutating func revoke(grant identifier: Int) {
        self.grants[identifier]?.isRevoked = true
        self.accessTokens = self.accessTokens.filter { $0.value.grantID != identifier }
        self.refreshTokens = self.refreshTokens.filter { $0.value.grantID != identifier }
    }

    /// Whether there is room for more entries after pruning.
    var hasRoom: Bool {
        max(
            self.codes.count, self.accessTokens.count, self.refreshTokens.count, self.assertionIDs.count,
            self.grants.count)
            < Self.maxEntries
    }

    /// Forgets expired codes, tokens and assertion IDs, and grants with nothing left.
    mutating func prune(now: Double) {
        self.codes = self.codes.filter { $0.value.expiresAt > now }
        self.accessTokens = self.accessTokens.filter { $0.value.expiresAt > now }
        self.refreshTokens = self.refreshTokens.filter { $0.value.expiresAt > now }
        self.assertionIDs = self.assertionIDs.filter { $0.value > now }
        guard self.grants.count > 1000 else { return }
        var alive = Set<Int>()
        for code in self.codes.values { alive.insert(code.grantID) }
        for token in self.accessTokens.values { alive.insert(token.grantID) }
        for token in self.refreshTokens.values { alive.insert(token.grantID) }
        self.grants = self.grants.filter { alive.contains($0.key) }
    }
}
