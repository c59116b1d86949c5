// SPDX-License-Identifier: Apache-2.0
public import JOSE

/// An OpenID Provider's or OAuth authorization server's metadata (OpenID Connect Discovery 1.0 §3,
/// RFC 8414 §2), with every registered member typed and the others kept in ``otherMembers``.
///
/// Parsing (``init(json:)``) checks types only; call ``validated(expectedIssuer:allowInsecureLoopback:requiredFields:)``
/// before trusting a document, or let ``ProviderDiscovery`` fetch, validate and cache it.
public struct ProviderMetadata: Sendable, Hashable {
    // MARK: Issuer and endpoints

    /// `issuer`: the provider's issuer identifier, compared exactly with the `iss` of its tokens.
    public var issuer: String
    /// `authorization_endpoint` (RFC 6749 §3.1).
    public var authorizationEndpoint: String?
    /// `token_endpoint` (RFC 6749 §3.2).
    public var tokenEndpoint: String?
    /// `userinfo_endpoint` (OIDC Core §5.3).
    public var userinfoEndpoint: String?
    /// `jwks_uri`: where the provider publishes its signing keys.
    public var jwksURI: String?
    /// `registration_endpoint` (OIDC Dynamic Client Registration, RFC 7591).
    public var registrationEndpoint: String?
    /// `revocation_endpoint` (RFC 7009).
    public var revocationEndpoint: String?
    /// `introspection_endpoint` (RFC 7662).
    public var introspectionEndpoint: String?
    /// `end_session_endpoint` (OIDC RP-Initiated Logout 1.0).
    public var endSessionEndpoint: String?
    /// `pushed_authorization_request_endpoint` (RFC 9126).
    public var pushedAuthorizationRequestEndpoint: String?
    /// `device_authorization_endpoint` (RFC 8628).
    public var deviceAuthorizationEndpoint: String?
    /// `backchannel_authentication_endpoint` (OpenID CIBA Core).
    public var backchannelAuthenticationEndpoint: String?
    /// `check_session_iframe` (OIDC Session Management 1.0).
    public var checkSessionIframe: String?
    /// `mtls_endpoint_aliases` (RFC 8705 §5): endpoint names mapped to their mutual-TLS URLs.
    public var mtlsEndpointAliases: [String: String]?

    // MARK: Human-readable documents

    /// `service_documentation`.
    public var serviceDocumentation: String?
    /// `op_policy_uri`.
    public var policyURI: String?
    /// `op_tos_uri`.
    public var termsOfServiceURI: String?
    /// `signed_metadata` (RFC 8414 §2.1): a JWT, kept as text and not verified here.
    public var signedMetadata: String?

    // MARK: Supported values

    /// `scopes_supported`.
    public var scopesSupported: [String]?
    /// `response_types_supported` (required by both specifications).
    public var responseTypesSupported: [String]
    /// `response_modes_supported`.
    public var responseModesSupported: [String]?
    /// `grant_types_supported`.
    public var grantTypesSupported: [String]?
    /// `acr_values_supported`.
    public var acrValuesSupported: [String]?
    /// `subject_types_supported` (`public`, `pairwise`).
    public var subjectTypesSupported: [String]?
    /// `id_token_signing_alg_values_supported`: required by OIDC Discovery, absent from RFC 8414
    /// documents; ``idTokenSigningAlgorithms`` narrows what ID-token verification accepts.
    public var idTokenSigningAlgValuesSupported: [String]?
    /// `id_token_encryption_alg_values_supported`.
    public var idTokenEncryptionAlgValuesSupported: [String]?
    /// `id_token_encryption_enc_values_supported`.
    public var idTokenEncryptionEncValuesSupported: [String]?
    /// `userinfo_signing_alg_values_supported`.
    public var userinfoSigningAlgValuesSupported: [String]?
    /// `userinfo_encryption_alg_values_supported`.
    public var userinfoEncryptionAlgValuesSupported: [String]?
    /// `userinfo_encryption_enc_values_supported`.
    public var userinfoEncryptionEncValuesSupported: [String]?
    /// `request_object_signing_alg_values_supported`.
    public var requestObjectSigningAlgValuesSupported: [String]?
    /// `request_object_encryption_alg_values_supported`.
    public var requestObjectEncryptionAlgValuesSupported: [String]?
    /// `request_object_encryption_enc_values_supported`.
    public var requestObjectEncryptionEncValuesSupported: [String]?
    /// `token_endpoint_auth_methods_supported` (absent means `client_secret_basic`).
    public var tokenEndpointAuthMethodsSupported: [String]?
    /// `token_endpoint_auth_signing_alg_values_supported`.
    public var tokenEndpointAuthSigningAlgValuesSupported: [String]?
    /// `revocation_endpoint_auth_methods_supported`.
    public var revocationEndpointAuthMethodsSupported: [String]?
    /// `revocation_endpoint_auth_signing_alg_values_supported`.
    public var revocationEndpointAuthSigningAlgValuesSupported: [String]?
    /// `introspection_endpoint_auth_methods_supported`.
    public var introspectionEndpointAuthMethodsSupported: [String]?
    /// `introspection_endpoint_auth_signing_alg_values_supported`.
    public var introspectionEndpointAuthSigningAlgValuesSupported: [String]?
    /// `introspection_signing_alg_values_supported` (RFC 9701).
    public var introspectionSigningAlgValuesSupported: [String]?
    /// `introspection_encryption_alg_values_supported` (RFC 9701).
    public var introspectionEncryptionAlgValuesSupported: [String]?
    /// `introspection_encryption_enc_values_supported` (RFC 9701).
    public var introspectionEncryptionEncValuesSupported: [String]?
    /// `code_challenge_methods_supported` (RFC 7636, RFC 8414).
    public var codeChallengeMethodsSupported: [String]?
    /// `display_values_supported`.
    public var displayValuesSupported: [String]?
    /// `claim_types_supported`.
    public var claimTypesSupported: [String]?
    /// `claims_supported`.
    public var claimsSupported: [String]?
    /// `claims_locales_supported`.
    public var claimsLocalesSupported: [String]?
    /// `ui_locales_supported`.
    public var uiLocalesSupported: [String]?
    /// `prompt_values_supported` (OIDC Prompt Create 1.0).
    public var promptValuesSupported: [String]?
    /// `dpop_signing_alg_values_supported` (RFC 9449).
    public var dpopSigningAlgValuesSupported: [String]?
    /// `authorization_signing_alg_values_supported` (JARM).
    public var authorizationSigningAlgValuesSupported: [String]?
    /// `authorization_encryption_alg_values_supported` (JARM).
    public var authorizationEncryptionAlgValuesSupported: [String]?
    /// `authorization_encryption_enc_values_supported` (JARM).
    public var authorizationEncryptionEncValuesSupported: [String]?
    /// `authorization_details_types_supported` (RFC 9396).
    public var authorizationDetailsTypesSupported: [String]?
    /// `backchannel_token_delivery_modes_supported` (CIBA).
    public var backchannelTokenDeliveryModesSupported: [String]?
    /// `backchannel_authentication_request_signing_alg_values_supported` (CIBA).
    public var backchannelAuthenticationRequestSigningAlgValuesSupported: [String]?

    // MARK: Flags

    /// `authorization_response_iss_parameter_supported` (RFC 9207); `false` when absent.
    public var authorizationResponseIssParameterSupported: Bool
    /// `claims_parameter_supported` (absent means `false`).
    public var claimsParameterSupported: Bool?
    /// `request_parameter_supported` (absent means `false`).
    public var requestParameterSupported: Bool?
    /// `request_uri_parameter_supported` (absent means `true`).
    public var requestURIParameterSupported: Bool?
    /// `require_request_uri_registration` (absent means `false`).
    public var requireRequestURIRegistration: Bool?
    /// `require_signed_request_object` (RFC 9101).
    public var requireSignedRequestObject: Bool?
    /// `require_pushed_authorization_requests` (RFC 9126).
    public var requirePushedAuthorizationRequests: Bool?
    /// `tls_client_certificate_bound_access_tokens` (RFC 8705).
    public var tlsClientCertificateBoundAccessTokens: Bool?
    /// `frontchannel_logout_supported` (OIDC Front-Channel Logout 1.0).
    public var frontchannelLogoutSupported: Bool?
    /// `frontchannel_logout_session_supported`.
    public var frontchannelLogoutSessionSupported: Bool?
    /// `backchannel_logout_supported` (OIDC Back-Channel Logout 1.0).
    public var backchannelLogoutSupported: Bool?
    /// `backchannel_logout_session_supported`.
    public var backchannelLogoutSessionSupported: Bool?
    /// `backchannel_user_code_parameter_supported` (CIBA).
    public var backchannelUserCodeParameterSupported: Bool?

    /// Every member not named above, in document order.
    public var otherMembers: JSONObject

    /// Creates metadata with the two members both specifications require; set the others as needed.
    public init(issuer: String, responseTypesSupported: [String]) {
        self.issuer = issuer
        self.responseTypesSupported = responseTypesSupported
        self.authorizationResponseIssParameterSupported = false
        self.otherMembers = JSONObject()
    }

    /// The advertised ID-token signing algorithms this library implements (never `none`), or `nil` when
    /// the document advertises none: intersect it with the algorithms you accept.
    public var idTokenSigningAlgorithms: Set<JWSAlgorithm>? {
        guard let names = self.idTokenSigningAlgValuesSupported else { return nil }
        return Set(names.map(JWSAlgorithm.init(rawValue:)).filter(\.isSupported))
    }

    /// The issuer as a template, when it holds a `{tenantid}` placeholder (a multi-tenant provider's
    /// common document, such as Microsoft Entra ID's).
    public var issuerTemplate: IssuerTemplate? { try? IssuerTemplate(self.issuer) }
}
