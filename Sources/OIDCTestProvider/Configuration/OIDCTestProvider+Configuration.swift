// SPDX-License-Identifier: Apache-2.0
public import JOSE

extension OIDCTestProvider {
    /// Everything the provider is started with: clients, the test user, lifetimes, keys and faults.
    public struct Configuration: Sendable {
        /// The registered clients; `client_id`s must be unique.
        public var clients: [Client]
        /// The user every authorization request signs in, without a login page (auto-consent).
        public var user: User
        /// How long codes and tokens live.
        public var lifetimes: Lifetimes
        /// Faults to inject from the start; change them later with ``OIDCTestProvider/setMisbehaviour(_:)``.
        public var misbehaviour: Misbehaviour
        /// Signing keys to use instead of generating them: the first RSA key signs RS256 and the first
        /// P-256 key ES256; what is missing is generated. Reusing keys makes many providers quick to start.
        public var signingKeys: [SigningKey]
        /// The loopback port, or 0 for one chosen by the system.
        public var port: Int
        /// The provider's clock in seconds since the Unix epoch (inject one to test expiry).
        public var now: @Sendable () -> Double

        /// Creates a configuration.
        /// - Parameters: see the properties.
        public init(
            clients: [Client] = [], user: User = User(), lifetimes: Lifetimes = Lifetimes(),
            misbehaviour: Misbehaviour = Misbehaviour(), signingKeys: [SigningKey] = [], port: Int = 0,
            now: @escaping @Sendable () -> Double = { WallClock.secondsSinceEpoch() }
        ) {
            self.clients = clients
            self.user = user
            self.lifetimes = lifetimes
            self.misbehaviour = misbehaviour
            self.signingKeys = signingKeys
            self.port = port
            self.now = now
        }
    }

    /// The signed-in test user.
    public struct User: Hashable, Sendable {
        /// `sub`, the same in every token and in userinfo.
        public var subject: String
        /// The claims userinfo returns besides `sub` (`name`, `email`, ...).
        public var claims: JSONObject

        /// Creates a user.
        /// - Parameters:
        ///   - subject: `sub`.
        ///   - claims: userinfo claims; a `sub` member here is ignored.
        public init(
            subject: String = "test-user-1",
            claims: JSONObject = ["name": "Test User", "email": "test.user@example.com", "email_verified": true]
        ) {
            self.subject = subject
            self.claims = claims
        }
    }

    /// Lifetimes of what the provider issues. The defaults are MobilePay's.
    public struct Lifetimes: Hashable, Sendable {
        /// Access tokens (`expires_in`); 300 s.
        public var accessToken: Duration
        /// ID tokens (`exp - iat`); 300 s.
        public var idToken: Duration
        /// Authorization codes; 5 minutes.
        public var authorizationCode: Duration
        /// Refresh tokens; 30 days.
        public var refreshToken: Duration

        /// Creates lifetimes.
        /// - Parameters: see the properties.
        public init(
            accessToken: Duration = .seconds(300), idToken: Duration = .seconds(300),
            authorizationCode: Duration = .seconds(300), refreshToken: Duration = .seconds(30 * 86_400)
        ) {
            self.accessToken = accessToken
            self.idToken = idToken
            self.authorizationCode = authorizationCode
            self.refreshToken = refreshToken
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var secondsValue: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
