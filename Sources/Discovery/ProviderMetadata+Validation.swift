// SPDX-License-Identifier: Apache-2.0
import JOSE

extension ProviderMetadata {
    /// The members a document must have to pass validation, by wire name.
    public struct RequiredFields: Hashable, Sendable {
        /// The wire names, e.g. `jwks_uri`.
        public var names: [String]

        /// Requires exactly `names`.
        public init(_ names: [String]) { self.names = names }

        /// OpenID Connect Discovery 1.0 §3: `issuer`, `authorization_endpoint`, `token_endpoint`,
        /// `jwks_uri`, `response_types_supported`, `subject_types_supported` and
        /// `id_token_signing_alg_values_supported` (`token_endpoint` is required because this library
        /// does not do the implicit flow).
        public static let openIDConnect = Self([
            "issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "response_types_supported",
            "subject_types_supported", "id_token_signing_alg_values_supported",
        ])

        /// RFC 8414 §2 for an authorization server used with the code flow: `issuer`,
        /// `authorization_endpoint`, `token_endpoint` and `response_types_supported`.
        public static let authorizationServer = Self([
            "issuer", "authorization_endpoint", "token_endpoint", "response_types_supported",
        ])
    }

    /// Checks the document against what the caller expects, and returns it unchanged when it passes.
    ///
    /// - The `issuer` must equal `expectedIssuer` exactly, code point for code point (OIDC Discovery §4.3,
    ///   RFC 8414 §3.3): no trailing-slash, case or Unicode normalization leniency.
    /// - The issuer must be an `https` URL without query or fragment; every endpoint (`*_endpoint`,
    ///   `jwks_uri`, `check_session_iframe`, `mtls_endpoint_aliases`) an `https` URL without fragment.
    ///   `http` is accepted only for loopback hosts (`localhost`, `127.0.0.0/8`, `::1`), and only when
    ///   `allowInsecureLoopback` is `true`, for local test providers.
    /// - Every member in `requiredFields` must be present.
    ///
    /// - Parameters:
    ///   - expectedIssuer: the issuer you configured (for a multi-tenant provider, see ``IssuerTemplate``).
    ///   - allowInsecureLoopback: whether `http://127.0.0.1…` style URLs pass.
    ///   - requiredFields: ``RequiredFields/openIDConnect`` unless the provider is a plain OAuth server.
    /// - Returns: `self`.
    /// - Throws: ``DiscoveryError/Code/issuerMismatch``, ``DiscoveryError/Code/insecureEndpoint``,
    ///   ``DiscoveryError/Code/missingField`` or ``DiscoveryError/Code/invalidField``, naming the member.
    public func validated(
        expectedIssuer: String, allowInsecureLoopback: Bool = true, requiredFields: RequiredFields = .openIDConnect
    ) throws -> ProviderMetadata {
        guard self.issuer.unicodeScalars.elementsEqual(expectedIssuer.unicodeScalars) else {
            throw DiscoveryError.issuerMismatch(
                reason:
                    "\"issuer\" is \(EndpointURL.printable(self.issuer)) but \(EndpointURL.printable(expectedIssuer)) was expected"
            )
        }
        let issuerURL = try Self.checkURL(self.issuer, name: "issuer", allowInsecureLoopback: allowInsecureLoopback)
        guard !issuerURL.hasQuery else {
            throw DiscoveryError.invalidField(reason: "\"issuer\" \(issuerURL) has a query component")
        }
        let present = self.jsonObject
        for name in requiredFields.names where present[name] == nil {
            throw DiscoveryError.missingField(reason: "\"\(name)\" is missing")
        }
        for (name, field) in Self.fields {
            guard case .url(let keyPath, isEndpoint: true) = field, let text = self[keyPath: keyPath] else { continue }
            try Self.checkURL(text, name: name, allowInsecureLoopback: allowInsecureLoopback)
        }
        for (alias, text) in (self.mtlsEndpointAliases ?? [:]).sorted(by: { $0.key < $1.key }) {
            try Self.checkURL(
                text, name: "mtls_endpoint_aliases.\(alias)", allowInsecureLoopback: allowInsecureLoopback)
        }
        return self
    }

    /// Parses a member's URL and checks it is https (or allowed loopback http).
    @discardableResult
    static func checkURL(_ text: String, name: String, allowInsecureLoopback: Bool) throws -> EndpointURL {
        let url = try EndpointURL(text, what: "\"\(name)\"", failure: { DiscoveryError.invalidField(reason: $0) })
        guard url.isSecure(allowingLoopback: allowInsecureLoopback) else {
            let rule = allowInsecureLoopback ? "https is required except for loopback hosts" : "https is required"
            throw DiscoveryError.insecureEndpoint(
                reason: "\"\(name)\" is \(EndpointURL.printable(url.description)): \(rule)")
        }
        return url
    }
}
