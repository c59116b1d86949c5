// SPDX-License-Identifier: Apache-2.0
public import JOSE

/// MobilePay's merchant OpenID Connect, as its "OAuth access token" documentation describes it.
///
/// Legacy: since the Vipps MobilePay merger this login is being replaced, but integrators still hold
/// tokens from it. Everything here is constants and thin glue over ``Flows``; nothing generic lives here.
public enum MobilePay {
    /// The issuer in every MobilePay ID token, sandbox included.
    public static let issuer = "https://api.mobilepay.dk/merchant"

    /// Access and ID tokens live 300 s.
    public static let accessTokenLifetime: Double = 300
    /// Authorization codes live 5 minutes.
    public static let codeLifetime: Double = 300
    /// Refresh tokens live 13 months and are renewed on use (rotation may be one-time: always store the newest).
    public static let refreshTokenLifetime: Double = 13 * 30 * 86_400

    /// MobilePay signs ID tokens with RS256 only.
    public static let idTokenAlgorithms: Set<JWSAlgorithm> = [.rs256]

    /// Sandbox or production.
    public enum Environment: String, Sendable, CaseIterable {
        /// `sandprod` hosts.
        case sandbox
        /// Production hosts.
        case production
    }

    /// The merchant's country, which picks the admin host.
    public enum Country: String, Sendable, CaseIterable {
        /// Denmark (`.dk`).
        case denmark = "dk"
        /// Finland (`.fi`).
        case finland = "fi"
    }

    /// Where the discovery document lives (a different host from the issuer).
    public static func discoveryURL(_ environment: Environment, _ country: Country) -> String {
        let host = environment == .sandbox ? "sandprod-admin" : "admin"
        return "https://\(host).mobilepay.\(country.rawValue)/account/.well-known/openid-configuration"
    }

    /// The older documents' base (`https://api{.sandbox}.mobilepay.dk/merchant-authentication-openidconnect`).
    public static func legacyBaseURL(_ environment: Environment) -> String {
        "https://api\(environment == .sandbox ? ".sandbox" : "").mobilepay.dk/merchant-authentication-openidconnect"
    }

    /// The token endpoint.
    public static func tokenEndpoint(_ environment: Environment) -> String {
        self.legacyBaseURL(environment) + "/connect/token"
    }

    /// The product scopes a merchant grants; `openid offline_access` are always added.
    public enum Scope: String, Sendable, CaseIterable {
        /// Invoice API.
        case invoice
        /// Subscriptions API.
        case subscriptions
        /// Transaction reporting API.
        case transactionReporting = "transactionreporting"
        /// Merchant payments API.
        case merchantPayments = "merchantpayments"
        /// Webhooks API.
        case webhooks
    }

    /// `openid offline_access` plus the product scopes, in a stable order.
    public static func scopes(_ products: [Scope]) -> [String] {
        ["openid", "offline_access"] + Scope.allCases.filter(products.contains).map(\.rawValue)
    }
}
