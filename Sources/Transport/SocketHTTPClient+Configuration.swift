// SPDX-License-Identifier: Apache-2.0
public import Logging

extension SocketHTTPClient {
    /// Everything a ``SocketHTTPClient`` can be told; the defaults are secure and suit OIDC traffic.
    public struct Configuration: Sendable {
        /// Connect and read timeouts (each request also has its own deadline).
        public var timeouts: Timeouts
        /// Bounds on every response read.
        public var limits: HTTPMessageLimits
        /// Trust and client-certificate settings.
        public var tls: TLS
        /// Keep-alive settings.
        public var connectionPool: ConnectionPool
        /// Whether redirects are followed; ``RedirectPolicy/disabled`` by default.
        public var redirectPolicy: RedirectPolicy
        /// A proxy for `https` requests, or `nil` to connect directly (the default). Use
        /// ``HTTPSProxy/fromEnvironment()`` to honour `HTTPS_PROXY`/`NO_PROXY`.
        public var proxy: HTTPSProxy?
        /// The `User-Agent` sent when the request has none.
        public var userAgent: String
        /// Debug traces go here; `Authorization`, `Cookie`, `Set-Cookie`, `Proxy-Authorization`, query
        /// strings and all bodies are redacted. Discards everything by default.
        public var logger: Logger

        /// The defaults: 10 s connect, 30 s read, TLS 1.2+ against the system trust store, no redirects,
        /// no proxy, 8 idle connections per origin kept for 60 s.
        public init(
            timeouts: Timeouts = .init(), limits: HTTPMessageLimits = .init(), tls: TLS = .init(),
            connectionPool: ConnectionPool = .init(), redirectPolicy: RedirectPolicy = .disabled,
            proxy: HTTPSProxy? = nil, userAgent: String = "swift-oidc",
            logger: Logger = Logger(label: "swift-oidc.transport", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.timeouts = timeouts
            self.limits = limits
            self.tls = tls
            self.connectionPool = connectionPool
            self.redirectPolicy = redirectPolicy
            self.proxy = proxy
            self.userAgent = userAgent
            self.logger = logger
        }
    }

    /// Timeouts within each request's deadline.
    public struct Timeouts: Hashable, Sendable {
        /// The limit for the TCP connection to each address (the next address is tried after it).
        public var connect: Duration
        /// The longest wait for the next byte from the server (TLS handshake and response).
        public var read: Duration

        /// - Parameters: see the properties.
        public init(connect: Duration = .seconds(10), read: Duration = .seconds(30)) {
            self.connect = connect
            self.read = read
        }
    }

    /// TLS settings. Verification is always on: chain, validity and host name (RFC 6125).
    public struct TLS: Hashable, Sendable {
        /// Trust OpenSSL's default store, which honours `SSL_CERT_FILE` and `SSL_CERT_DIR` as OpenSSL's
        /// own tools do. `true` by default.
        public var usesSystemTrustStore: Bool
        /// A PEM file of extra CA certificates to trust (a private PKI, a test CA).
        public var additionalTrustRootsFile: String?
        /// A PEM file with the client certificate (and its chain) for mutual TLS (RFC 8705 `tls_client_auth`).
        public var clientCertificateFile: String?
        /// The PEM file with the client certificate's private key.
        public var clientPrivateKeyFile: String?
        /// Refuse TLS 1.2 and accept only TLS 1.3.
        public var requiresTLS13: Bool

        /// - Parameters: see the properties.
        public init(
            usesSystemTrustStore: Bool = true, additionalTrustRootsFile: String? = nil,
            clientCertificateFile: String? = nil, clientPrivateKeyFile: String? = nil, requiresTLS13: Bool = false
        ) {
            self.usesSystemTrustStore = usesSystemTrustStore
            self.additionalTrustRootsFile = additionalTrustRootsFile
            self.clientCertificateFile = clientCertificateFile
            self.clientPrivateKeyFile = clientPrivateKeyFile
            self.requiresTLS13 = requiresTLS13
        }
    }

    /// Keep-alive settings, per origin (scheme, host, port).
    public struct ConnectionPool: Hashable, Sendable {
        /// How many idle connections to keep per origin; 0 disables keep-alive.
        public var maximumIdlePerOrigin: Int
        /// How long an idle connection is kept before it is closed.
        public var idleTimeout: Duration

        /// - Parameters: see the properties.
        public init(maximumIdlePerOrigin: Int = 8, idleTimeout: Duration = .seconds(60)) {
            self.maximumIdlePerOrigin = maximumIdlePerOrigin
            self.idleTimeout = idleTimeout
        }
    }
}
