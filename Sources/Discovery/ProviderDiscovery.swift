// SPDX-License-Identifier: Apache-2.0
public import Transport

/// Fetches, validates and caches provider metadata (OpenID Connect Discovery 1.0 §4).
///
/// Each (discovery URL, expected issuer) pair is fetched once per lifetime, single-flight, and its
/// last good document is served through outages within the ``CachePolicy``. Every document, fetched
/// or read from the shared ``DiscoveryCache``, is validated before it is returned.
///
/// ```swift
/// let discovery = ProviderDiscovery(transport: client)
/// let metadata = try await discovery.metadata(issuer: "https://op.example.com", deadline: .now + .seconds(10))
/// // A provider whose document lives elsewhere (MobilePay):
/// let mobilePay = try await discovery.metadata(
///     issuer: "https://api.mobilepay.dk/merchant",
///     discoveryURL: "https://sandprod-admin.mobilepay.dk/account/.well-known/openid-configuration",
///     deadline: .now + .seconds(10))
/// ```
public actor ProviderDiscovery {
    /// The configuration the discovery was created with.
    public nonisolated let configuration: Configuration
    private let transport: any HTTPTransport
    private let cache: (any DiscoveryCache)?
    private var sources: [String: DocumentSource<ProviderMetadata>] = [:]
    private var order: [String] = []

    /// The suffix OIDC Discovery §4 appends to an issuer.
    public static let wellKnownSuffix = "/.well-known/openid-configuration"

    /// Creates a discovery client; nothing is fetched until ``metadata(issuer:discoveryURL:deadline:)``.
    /// - Parameters:
    ///   - transport: how to fetch, e.g. a shared `SocketHTTPClient`.
    ///   - configuration: cache bounds, validation options, the clock.
    ///   - cache: a cache shared with other instances or processes, or `nil`.
    public init(
        transport: any HTTPTransport, configuration: Configuration = .init(), cache: (any DiscoveryCache)? = nil
    ) {
        self.transport = transport
        self.configuration = configuration
        self.cache = cache
    }

    /// The validated metadata of `issuer`.
    ///
    /// Fetches `<issuer>/.well-known/openid-configuration`, or `discoveryURL` when the provider
    /// publishes its document elsewhere, unless a fresh copy is cached. The document's `issuer` must
    /// equal `issuer` exactly, wherever it was fetched from; see
    /// ``ProviderMetadata/validated(expectedIssuer:allowInsecureLoopback:requiredFields:)`` for the other checks.
    /// - Parameters:
    ///   - issuer: the expected issuer.
    ///   - discoveryURL: where the document is, when not under the issuer.
    ///   - deadline: when to give up fetching (a fetch already in flight keeps its own deadline).
    /// - Throws: ``DiscoveryError`` with ``DiscoveryError/Code/invalidURL`` or ``DiscoveryError/Code/insecureEndpoint``
    ///   for an unusable issuer or discovery URL, a validation code (`issuerMismatch`, `insecureEndpoint`,
    ///   `missingField`, `invalidField`), or a fetch code (`network`, `httpStatus`, `invalidDocument`,
    ///   `staleCacheExpired`); `CancellationError`.
    public func metadata(
        issuer: String, discoveryURL: String? = nil, deadline: ContinuousClock.Instant
    ) async throws -> ProviderMetadata {
        let url = try EndpointURL(discoveryURL ?? Self.discoveryURL(forIssuer: issuer), what: "discovery URL")
        guard url.isSecure(allowingLoopback: self.configuration.allowInsecureLoopback) else {
            throw DiscoveryError.insecureEndpoint(
                reason: "discovery URL \(EndpointURL.printable(url.description)) is not https")
        }
        return try await self.source(url: url, issuer: issuer).value(deadline: deadline).value
    }

    /// The validated metadata of one tenant of a multi-tenant provider: the template's issuer with
    /// `tenant` substituted, fetched from under that issuer and compared with it exactly.
    /// - Throws: ``DiscoveryError/Code/invalidTemplate`` for an unusable tenant; otherwise as
    ///   ``metadata(issuer:discoveryURL:deadline:)``.
    public func metadata(
        template: IssuerTemplate, tenant: String, deadline: ContinuousClock.Instant
    ) async throws -> ProviderMetadata {
        try await self.metadata(issuer: try template.issuer(forTenant: tenant), deadline: deadline)
    }

    /// `<issuer>/.well-known/openid-configuration` (a trailing `/` of the issuer is dropped first).
    /// - Throws: ``DiscoveryError/Code/invalidURL`` when the issuer is not an absolute URL without query.
    public static func discoveryURL(forIssuer issuer: String) throws -> String {
        let url = try EndpointURL(issuer, what: "issuer")
        guard !url.hasQuery else { throw DiscoveryError.invalidURL(reason: "issuer \(url) has a query component") }
        return (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + Self.wellKnownSuffix
    }

    private func source(url: EndpointURL, issuer: String) -> DocumentSource<ProviderMetadata> {
        let key = url.text + "\u{0}" + issuer
        if let source = self.sources[key] { return source }
        let configuration = self.configuration
        let fetcher = DocumentFetcher(
            transport: self.transport, policy: configuration.cachePolicy, maxBytes: configuration.maximumDocumentBytes,
            now: configuration.now)
        let source = DocumentSource(
            url: url, fetcher: fetcher, accept: "application/json", cache: self.cache, logger: configuration.logger,
            decode: { body in
                try ProviderMetadata(json: body).validated(
                    expectedIssuer: issuer, allowInsecureLoopback: configuration.allowInsecureLoopback,
                    requiredFields: configuration.requiredFields)
            })
        self.sources[key] = source
        self.order.append(key)
        if self.order.count > configuration.maximumProviders { self.sources[self.order.removeFirst()] = nil }
        return source
    }
}
