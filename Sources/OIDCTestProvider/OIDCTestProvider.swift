// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
public import JOSE
import Synchronization
import Transport

/// An embedded OpenID Provider on 127.0.0.1, for demos and for integrators' own tests.
///
/// It serves discovery, a JWKS with RS256 and ES256 keys, an authorization endpoint that signs a
/// configured test user in at once (auto-consent) for `code` and `code id_token` in `query`, `fragment`
/// and `form_post` modes with PKCE S256 required, a token endpoint (authorization code and refresh with
/// rotation; `client_secret_basic`, `client_secret_post`, `private_key_jwt` and `none`), userinfo and
/// revocation. ``Misbehaviour`` injects faults on purpose.
///
/// ```swift
/// let provider = try await OIDCTestProvider.start(configuration: .init(clients: [
///     .init(id: "app", secret: "s3cret", redirectURIs: ["http://127.0.0.1:8080/callback"])
/// ]))
/// defer { Task { await provider.shutdown() } }
/// // Point the relying party at provider.issuer, then let a headless browser sign in:
/// let landing = try await provider.authorize(url: authorizationURL)
/// ```
public final class OIDCTestProvider: Sendable {
    /// The issuer identifier, `http://127.0.0.1:<port>`; discovery is at
    /// `<issuer>/.well-known/openid-configuration`.
    public let issuer: String
    private let engine: ProviderEngine
    private let server: LoopbackHTTPServer

    private init(engine: ProviderEngine, server: LoopbackHTTPServer) {
        self.issuer = engine.issuer
        self.engine = engine
        self.server = server
    }

    /// Generates (or takes) the signing keys, binds 127.0.0.1 and starts serving.
    /// - Parameter configuration: clients, user, lifetimes, keys and initial faults.
    /// - Returns: the running provider; call ``shutdown()`` when done.
    /// - Throws: ``OIDCTestProviderError/Code/invalidConfiguration``, `JOSEError` when key generation
    ///   fails, `TransportError.bindFailed` when the port cannot be bound.
    public static func start(configuration: Configuration) async throws -> OIDCTestProvider {
        let clients = try ProviderEngine.validate(configuration)
        let keys = try KeyRing(provided: configuration.signingKeys)
        let slot = EngineSlot()
        let limits = HTTPMessageLimits(
            maxBodyBytes: FormCoding.maxBytes, maxDecompressedBodyBytes: FormCoding.maxBytes)
        let server = try LoopbackHTTPServer.start(
            address: .ipv4, port: configuration.port, configuration: .init(limits: limits)
        ) { request, body in
            guard let engine = slot.engine else { return (HTTPResponse(status: .serviceUnavailable), []) }
            return engine.handle(request, body: body)
        }
        let engine = ProviderEngine(issuer: server.baseURL, configuration: configuration, clients: clients, keys: keys)
        slot.engine = engine
        return OIDCTestProvider(engine: engine, server: server)
    }

    /// Stops serving and closes every connection.
    public func shutdown() async { await self.server.shutdown() }

    /// The bound port.
    public var port: Int { self.server.port }
    /// `<issuer>/.well-known/openid-configuration`.
    public var discoveryURL: String { self.issuer + "/.well-known/openid-configuration" }
    /// `<issuer>/authorize`.
    public var authorizationEndpoint: String { self.engine.authorizationEndpoint }
    /// `<issuer>/token`.
    public var tokenEndpoint: String { self.engine.tokenEndpoint }
    /// `<issuer>/userinfo`.
    public var userInfoEndpoint: String { self.engine.userInfoEndpoint }
    /// `<issuer>/revoke`.
    public var revocationEndpoint: String { self.engine.revocationEndpoint }
    /// `<issuer>/jwks`.
    public var jwksURI: String { self.engine.jwksURI }

    /// The faults currently injected.
    public var misbehaviour: Misbehaviour {
        get async { self.engine.state.withLock { $0.misbehaviour } }
    }

    /// Replaces the injected faults; requests that arrive afterwards see the new ones.
    public func setMisbehaviour(_ misbehaviour: Misbehaviour) async {
        self.engine.state.withLock { $0.misbehaviour = misbehaviour }
    }

    /// The keys published at `/jwks` now.
    public var publishedKeys: JWKSet {
        get async { self.engine.state.withLock { $0.keys.jwks } }
    }

    /// Generates a new RS256 and a new ES256 key and signs with them from now on; the old keys stay
    /// published until ``retireOldKeys()`` (as a provider does during a rollover).
    /// - Throws: `JOSEError` when key generation fails.
    public func rotateKeys() async throws {
        let entries = try KeyRing.algorithms.map { KeyRing.Entry(key: try KeyRing.generate($0), algorithm: $0) }
        self.engine.state.withLock { $0.keys.add(entries) }
    }

    /// Takes every key but the current RS256 and ES256 ones out of the JWKS. ID tokens signed earlier
    /// no longer verify; ``Misbehaviour/unpublishedSigningKey`` then signs with the newest retired key.
    public func retireOldKeys() async {
        self.engine.state.withLock { $0.keys.retireOld() }
    }

    /// Plays a browser at the authorization endpoint: performs the request for `url` (in process, on the
    /// same code path as an HTTP GET) and returns where the browser lands.
    ///
    /// - Parameter url: an authorization request URL for this provider's ``authorizationEndpoint``.
    /// - Returns: the redirect (query or fragment mode) or the form a `form_post` page submits.
    /// - Throws: ``OIDCTestProviderError/Code/invalidURL`` when `url` is not this provider's
    ///   authorization endpoint or is longer than a request line may be;
    ///   ``OIDCTestProviderError/Code/authorizationRefused`` when the provider shows an error page
    ///   instead of redirecting (unknown client, unregistered `redirect_uri`, malformed request).
    public func authorize(url: String) async throws -> AuthorizationRedirect {
        guard url.utf8.count <= HTTPMessageLimits().maxStartLineBytes - 16 else {
            throw OIDCTestProviderError.invalidURL(reason: "the URL is longer than a request line may be")
        }
        let request = try HTTPRequest(method: .get, url: url)
        let target = request.path ?? "/"
        let (path, query) =
            target.firstIndex(of: "?").map { (target[..<$0], target[target.index(after: $0)...]) } ?? (target[...], "")
        guard request.scheme == "http", request.authority == self.server.authority, path == "/authorize" else {
            throw OIDCTestProviderError.invalidURL(reason: "not this provider's authorization endpoint")
        }
        switch self.engine.authorize(query) {
        case .deliver(let delivery): return delivery.redirect
        case .refuse(let reason): throw OIDCTestProviderError.authorizationRefused(reason: reason)
        }
    }
}

/// Where the server's handler finds the engine, which exists only once the port (and so the issuer) is known.
private final class EngineSlot: Sendable {
    private let storage = Mutex<ProviderEngine?>(nil)

    var engine: ProviderEngine? {
        get { self.storage.withLock { $0 } }
        set { self.storage.withLock { $0 = newValue } }
    }
}
