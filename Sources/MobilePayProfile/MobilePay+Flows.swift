// SPDX-License-Identifier: Apache-2.0
public import Flows
import JOSE
public import Transport

extension MobilePay {
    /// The client configuration MobilePay expects: client_secret_post, RS256 ID tokens.
    public static func configuration(clientID: String, clientSecret: String, redirectURI: String)
        -> OIDCClient.Configuration
    {
        OIDCClient.Configuration(
            clientID: clientID, authentication: .clientSecretPost(clientID: clientID, secret: clientSecret),
            redirectURI: redirectURI, allowedAlgorithms: self.idTokenAlgorithms)
    }

    /// Discovers MobilePay for an environment and country (discovery host ≠ issuer, checked exactly).
    /// - Parameters:
    ///   - issuer/discoveryURL: override both to point the profile at a test provider.
    public static func discover(
        environment: Environment, country: Country, configuration: OIDCClient.Configuration,
        transport: any HTTPTransport, issuer: String? = nil, discoveryURL: String? = nil
    ) async throws -> OIDCClient {
        try await OIDCClient.discover(
            issuer: issuer ?? self.issuer, discoveryURL: discoveryURL ?? (issuer == nil ? self.discoveryURL(environment, country) : nil),
            configuration: configuration, transport: transport)
    }

    /// The hybrid request MobilePay documents: `code id_token`, form_post, PKCE S256, fresh state and
    /// nonce, `openid offline_access` plus products, and the merchant's VAT number.
    public static func authorizationRequest(
        clientID: String, redirectURI: String, merchantVAT: MerchantVAT, products: [Scope],
        responseMode: ResponseMode = .formPost
    ) -> AuthorizationRequest {
        var request = AuthorizationRequest(
            clientID: clientID, redirectURI: redirectURI, responseType: .codeIDToken, scopes: self.scopes(products))
        request.responseMode = responseMode
        request.extraParameters = [("merchant_vat", merchantVAT.value)]
        return request
    }
}
