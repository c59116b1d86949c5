// SPDX-License-Identifier: Apache-2.0

extension ProviderMetadata {
    /// How a registered member is typed.
    enum Field {
        case issuer
        case responseTypes
        case issParameter
        /// A URL; endpoints are fetched or sent to, so they must be https (or loopback http).
        case url(WritableKeyPath<ProviderMetadata, String?>, isEndpoint: Bool)
        case text(WritableKeyPath<ProviderMetadata, String?>)
        case strings(WritableKeyPath<ProviderMetadata, [String]?>)
        case flag(WritableKeyPath<ProviderMetadata, Bool?>)
        case urlMap
    }

    /// The registered members (OIDC Discovery §3, RFC 8414 §2 and the IANA OAuth Authorization
    /// Server Metadata registry), in the order ``jsonObject`` writes them. (Computed: key paths are
    /// not `Sendable`, so they cannot live in a `static let`.)
    static var fields: [(name: String, field: Field)] {
        [
            ("issuer", .issuer),
            ("authorization_endpoint", .url(\.authorizationEndpoint, isEndpoint: true)),
            ("token_endpoint", .url(\.tokenEndpoint, isEndpoint: true)),
            ("userinfo_endpoint", .url(\.userinfoEndpoint, isEndpoint: true)),
            ("jwks_uri", .url(\.jwksURI, isEndpoint: true)),
            ("registration_endpoint", .url(\.registrationEndpoint, isEndpoint: true)),
            ("revocation_endpoint", .url(\.revocationEndpoint, isEndpoint: true)),
            ("introspection_endpoint", .url(\.introspectionEndpoint, isEndpoint: true)),
            ("end_session_endpoint", .url(\.endSessionEndpoint, isEndpoint: true)),
            ("pushed_authorization_request_endpoint", .url(\.pushedAuthorizationRequestEndpoint, isEndpoint: true)),
            ("device_authorization_endpoint", .url(\.deviceAuthorizationEndpoint, isEndpoint: true)),
            ("backchannel_authentication_endpoint", .url(\.backchannelAuthenticationEndpoint, isEndpoint: true)),
            ("check_session_iframe", .url(\.checkSessionIframe, isEndpoint: true)),
            ("mtls_endpoint_aliases", .urlMap),
            ("service_documentation", .url(\.serviceDocumentation, isEndpoint: false)),
            ("op_policy_uri", .url(\.policyURI, isEndpoint: false)),
            ("op_tos_uri", .url(\.termsOfServiceURI, isEndpoint: false)),
            ("signed_metadata", .text(\.signedMetadata)),
            ("scopes_supported", .strings(\.scopesSupported)),
            ("response_types_supported", .responseTypes),
            ("response_modes_supported", .strings(\.responseModesSupported)),
            ("grant_types_supported", .strings(\.grantTypesSupported)),
            ("acr_values_supported", .strings(\.acrValuesSupported)),
            ("subject_types_supported", .strings(\.subjectTypesSupported)),
            ("id_token_signing_alg_values_supported", .strings(\.idTokenSigningAlgValuesSupported)),
            ("id_token_encryption_alg_values_supported", .strings(\.idTokenEncryptionAlgValuesSupported)),
            ("id_token_encryption_enc_values_supported", .strings(\.idTokenEncryptionEncValuesSupported)),
            ("userinfo_signing_alg_values_supported", .strings(\.userinfoSigningAlgValuesSupported)),
            ("userinfo_encryption_alg_values_supported", .strings(\.userinfoEncryptionAlgValuesSupported)),
            ("userinfo_encryption_enc_values_supported", .strings(\.userinfoEncryptionEncValuesSupported)),
            ("request_object_signing_alg_values_supported", .strings(\.requestObjectSigningAlgValuesSupported)),
            ("request_object_encryption_alg_values_supported", .strings(\.requestObjectEncryptionAlgValuesSupported)),
            ("request_object_encryption_enc_values_supported", .strings(\.requestObjectEncryptionEncValuesSupported)),
            ("token_endpoint_auth_methods_supported", .strings(\.tokenEndpointAuthMethodsSupported)),
            (
                "token_endpoint_auth_signing_alg_values_supported",
                .strings(\.tokenEndpointAuthSigningAlgValuesSupported)
            ),
            ("revocation_endpoint_auth_methods_supported", .strings(\.revocationEndpointAuthMethodsSupported)),
            (
                "revocation_endpoint_auth_signing_alg_values_supported",
                .strings(\.revocationEndpointAuthSigningAlgValuesSupported)
            ),
            ("introspection_endpoint_auth_methods_supported", .strings(\.introspectionEndpointAuthMethodsSupported)),
            (
                "introspection_endpoint_auth_signing_alg_values_supported",
                .strings(\.introspectionEndpointAuthSigningAlgValuesSupported)
            ),
            ("introspection_signing_alg_values_supported", .strings(\.introspectionSigningAlgValuesSupported)),
            ("introspection_encryption_alg_values_supported", .strings(\.introspectionEncryptionAlgValuesSupported)),
            ("introspection_encryption_enc_values_supported", .strings(\.introspectionEncryptionEncValuesSupported)),
            ("code_challenge_methods_supported", .strings(\.codeChallengeMethodsSupported)),
            ("display_values_supported", .strings(\.displayValuesSupported)),
            ("claim_types_supported", .strings(\.claimTypesSupported)),
            ("claims_supported", .strings(\.claimsSupported)),
            ("claims_locales_supported", .strings(\.claimsLocalesSupported)),
            ("ui_locales_supported", .strings(\.uiLocalesSupported)),
            ("prompt_values_supported", .strings(\.promptValuesSupported)),
            ("dpop_signing_alg_values_supported", .strings(\.dpopSigningAlgValuesSupported)),
            ("authorization_signing_alg_values_supported", .strings(\.authorizationSigningAlgValuesSupported)),
            ("authorization_encryption_alg_values_supported", .strings(\.authorizationEncryptionAlgValuesSupported)),
            ("authorization_encryption_enc_values_supported", .strings(\.authorizationEncryptionEncValuesSupported)),
            ("authorization_details_types_supported", .strings(\.authorizationDetailsTypesSupported)),
            ("backchannel_token_delivery_modes_supported", .strings(\.backchannelTokenDeliveryModesSupported)),
            (
                "backchannel_authentication_request_signing_alg_values_supported",
                .strings(\.backchannelAuthenticationRequestSigningAlgValuesSupported)
            ),
            ("authorization_response_iss_parameter_supported", .issParameter),
            ("claims_parameter_supported", .flag(\.claimsParameterSupported)),
            ("request_parameter_supported", .flag(\.requestParameterSupported)),
            ("request_uri_parameter_supported", .flag(\.requestURIParameterSupported)),
            ("require_request_uri_registration", .flag(\.requireRequestURIRegistration)),
            ("require_signed_request_object", .flag(\.requireSignedRequestObject)),
            ("require_pushed_authorization_requests", .flag(\.requirePushedAuthorizationRequests)),
            ("tls_client_certificate_bound_access_tokens", .flag(\.tlsClientCertificateBoundAccessTokens)),
            ("frontchannel_logout_supported", .flag(\.frontchannelLogoutSupported)),
            ("frontchannel_logout_session_supported", .flag(\.frontchannelLogoutSessionSupported)),
            ("backchannel_logout_supported", .flag(\.backchannelLogoutSupported)),
            ("backchannel_logout_session_supported", .flag(\.backchannelLogoutSessionSupported)),
            ("backchannel_user_code_parameter_supported", .flag(\.backchannelUserCodeParameterSupported)),
        ]
    }

    /// ``fields`` by name.
    static var fieldIndex: [String: Field] { Dictionary(uniqueKeysWithValues: Self.fields.map { ($0.name, $0.field) }) }

    /// The wire names of every registered member this type types.
    public static var registeredMemberNames: [String] { Self.fields.map(\.name) }
}
