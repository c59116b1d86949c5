// SPDX-License-Identifier: Apache-2.0
public import HTTPTypes
import Logging

/// The default ``HTTPTransport``: HTTP/1.1 over non-blocking POSIX sockets and OpenSSL 3, with a
/// keep-alive pool. No URLSession, no FoundationNetworking, no SwiftNIO.
///
/// Create one per application, share it, and call ``shutdown()`` when done. Requests never block a
/// thread of Swift's cooperative pool: sockets are non-blocking and park on one process-wide poll
/// thread; host names resolve on a private Dispatch queue.
///
/// ```swift
/// let client = try SocketHTTPClient()
/// defer { client.shutdown() }
/// let request = HTTPRequest(method: .get, scheme: "https", authority: "op.example.com",
///                           path: "/.well-known/openid-configuration")
/// let (response, body) = try await client.send(request, body: nil, deadline: .now + .seconds(10))
/// ```
public final class SocketHTTPClient: HTTPTransport, Sendable {
    /// The configuration the client was created with.
    public let configuration: Configuration
    private let tlsContext: TLSContext
    private let pool: IdleConnectionPool

    /// Creates a client; TLS trust and client certificates are loaded now.
    ///
    /// - Throws: `TransportError.invalidConfiguration` when a CA bundle or client certificate or key
    ///   cannot be loaded, or the key does not match the certificate.
    public init(configuration: Configuration = .init()) throws {
        self.configuration = configuration
        self.tlsContext = try TLSContext(
            usesSystemTrustStore: configuration.tls.usesSystemTrustStore,
            additionalTrustRootsFile: configuration.tls.additionalTrustRootsFile,
            clientCertificateFile: configuration.tls.clientCertificateFile,
            clientPrivateKeyFile: configuration.tls.clientPrivateKeyFile,
            requiresTLS13: configuration.tls.requiresTLS13)
        self.pool = IdleConnectionPool(
            maximumIdlePerOrigin: configuration.connectionPool.maximumIdlePerOrigin,
            idleTimeout: configuration.connectionPool.idleTimeout)
    }

    deinit { self.pool.shutdown() }

    /// Closes every idle connection; later calls to ``send(_:body:deadline:)`` throw
    /// `TransportError.alreadyShutdown`. Requests in flight finish, then close their connection.
    public func shutdown() { self.pool.shutdown() }

    /// The number of idle keep-alive connections currently pooled.
    public var idleConnectionCount: Int { self.pool.idleCount }

    /// Sends `request` and returns the response with its whole body.
    ///
    /// `Content-Encoding: gzip`/`deflate` bodies are decoded (the returned fields then drop
    /// `Content-Encoding` and carry the decoded `Content-Length`). Redirects follow
    /// ``Configuration/redirectPolicy``. A request that meets a stale pooled connection is retried once
    /// on a new one when that is safe: the request was not completely written, or its method is idempotent.
    ///
    /// - Throws: `TransportError` with code `invalidRequest`, `alreadyShutdown`, `dnsFailed`, `connectFailed`,
    ///   `proxyFailed`, `tlsHandshakeFailed`, `certificateExpired`, `certificateSelfSigned`,
    ///   `certificateUnknownIssuer`, `certificateHostnameMismatch`, `certificateInvalid`, `timedOut`,
    ///   `cancelled`, `connectionClosed`, `malformedResponse`, `limitExceeded` or `redirectRefused`.
    public func send(
        _ request: HTTPRequest, body: [UInt8]?, deadline: ContinuousClock.Instant
    ) async throws -> (HTTPResponse, [UInt8]) {
        guard !self.pool.isShutdown else { throw TransportError.alreadyShutdown(reason: "the client was shut down") }
        var request = request
        var body = body
        var redirectCount = 0
        while true {
            let target = try RequestTarget(request)
            let (response, responseBody) = try await self.sendOnce(
                request, target: target, body: body, deadline: deadline)
            let policy = self.configuration.redirectPolicy
            guard policy.maximumCount > 0, [301, 302, 303, 307, 308].contains(response.status.code),
                request.method == .get || request.method == .head,
                let location = response.headerFields[.location]
            else { return (response, responseBody) }
            redirectCount += 1
            guard redirectCount <= policy.maximumCount else {
                throw TransportError.redirectRefused(reason: "more than \(policy.maximumCount) redirects")
            }
            let next = try Self.redirect(request, to: location, from: target)
            if target.isSecure && next.scheme != "https" {
                throw TransportError.redirectRefused(reason: "refusing to follow a redirect from https to http")
            }
            self.configuration.logger.debug(
                "following redirect",
                metadata: [
                    "status": "\(response.status.code)",
                    "to": "\(next.scheme ?? "")://\(next.authority ?? "")\(Redaction.path(next.path ?? ""))",
                ])
            request = next
            body = nil
        }
    }

    // MARK: One exchange

    private struct Outcome {
        var response: HTTPResponse
        var body: [UInt8]
        var isReusable: Bool
    }

    /// What happened before an exchange failed, to decide whether a retry is safe.
    private struct Progress {
        var requestWritten = false
        var responseStarted = false
    }

    private func sendOnce(
        _ request: HTTPRequest, target: RequestTarget, body: [UInt8]?, deadline: ContinuousClock.Instant
    ) async throws -> (HTTPResponse, [UInt8]) {
        let logger = self.configuration.logger
        let keepAlive =
            self.configuration.connectionPool.maximumIdlePerOrigin > 0
            && !HTTP1Message.connectionHeader(request.headerFields, contains: "close")
        let head = try HTTP1Serializer.requestHead(
            request, target: target, bodyCount: body?.count, userAgent: self.configuration.userAgent,
            keepAlive: keepAlive)
        let started = ContinuousClock.now
        logger.debug(
            "→ \(request.method) \(target.isSecure ? "https" : "http")://\(target.authority)\(Redaction.path(target.path))",
            metadata: [
                "headers": "\(Redaction.describe(request.headerFields))",
                "body": "\(body.map { "<\($0.count) bytes, not logged>" } ?? "none")",
            ])
        var hasRetried = false
        while true {
            let (connection, isReused) = try await self.connection(for: target, deadline: deadline)
            var progress = Progress()
            do {
                let outcome = try await self.exchange(
                    on: connection, head: head, body: body, method: request.method, deadline: deadline,
                    progress: &progress)
                if let tls = connection.tls, let session = tls.resumableSession() {
                    self.tlsContext.store(session, for: target.poolKey)
                }
                if outcome.isReusable && keepAlive {
                    self.pool.release(connection, key: target.poolKey)
                } else {
                    connection.close()
                }
                logger.debug(
                    "← \(outcome.response.status.code) \(outcome.body.count) bytes in \(ContinuousClock.now - started)",
                    metadata: [
                        "headers": "\(Redaction.describe(outcome.response.headerFields))",
                        "connection": "\(isReused ? "reused" : "new")",
                    ])
                return (outcome.response, outcome.body)
            } catch {
                connection.close()
                let transportError = error as? TransportError
                let isStale = transportError?.code == .connectionClosed && !progress.responseStarted
                let isSafe = !progress.requestWritten || Self.isIdempotent(request.method)
                if isReused && isStale && isSafe && !hasRetried {
                    hasRetried = true
                    logger.debug(
                        "retrying on a new connection: the pooled one was stale",
                        metadata: ["reason": "\(transportError?.reason ?? "")"])
                    continue
                }
                logger.debug("✗ \(request.method) \(target.authority)", metadata: ["error": "\(error)"])
                throw error
            }
        }
    }

    private func exchange(
        on connection: Connection, head: [UInt8], body: [UInt8]?, method: HTTPRequest.Method,
        deadline: ContinuousClock.Instant, progress: inout Progress
    ) async throws -> Outcome {
        let limits = self.configuration.limits
        connection.requestCount += 1
        if let body, body.count <= 65_536 {
            try await connection.write(head + body, deadline: deadline)
        } else {
            try await connection.write(head, deadline: deadline)
            if let body { try await connection.write(body, deadline: deadline) }
        }
        progress.requestWritten = true
        let reader = HTTP1Reader(
            connection: connection, deadline: deadline, readTimeout: self.configuration.timeouts.read)
        var interimCount = 0
        while true {
            let line: [UInt8]?
            do {
                line = try await reader.readLine(
                    maxBytes: limits.maxStartLineBytes,
                    tooLong: {
                        .limitExceeded(reason: "the status line is longer than \(limits.maxStartLineBytes) bytes")
                    })
            } catch {
                progress.responseStarted = reader.receivedCount > 0
                throw error
            }
            progress.responseStarted = reader.receivedCount > 0
            guard let line else {
                throw TransportError.connectionClosed(reason: "the server closed the connection without responding")
            }
            let statusLine = try HTTP1Message.parseStatusLine(line)
            let fields = try await HTTP1Message.readFields(from: reader, limits: limits)
            let code = statusLine.status.code
            if (100..<200).contains(code) {
                guard code != 101 else {
                    throw TransportError.malformedResponse(reason: "unexpected 101 Switching Protocols")
                }
                interimCount += 1
                guard interimCount <= 8 else {
                    throw TransportError.malformedResponse(reason: "too many 1xx responses")
                }
                continue
            }
            let framing: HTTP1Message.Framing =
                (method == .head || code == 204 || code == 304)
                ? .none : try HTTP1Message.framing(of: fields, isResponse: true)
            var response = HTTPResponse(status: statusLine.status, headerFields: fields)
            var body = try await HTTP1Message.readBody(framing, from: reader, limits: limits)
            body = try Self.decodeContent(of: &response, body: body, limit: limits.maxDecompressedBodyBytes)
            let isReusable =
                statusLine.isHTTP11 && framing != .untilClose && reader.bufferedCount == 0
                && !HTTP1Message.connectionHeader(fields, contains: "close")
            return Outcome(response: response, body: body, isReusable: isReusable)
        }
    }

    /// Decodes `gzip`/`deflate` content codings, in reverse order of application (RFC 9110 §8.4).
    private static func decodeContent(of response: inout HTTPResponse, body: [UInt8], limit: Int) throws -> [UInt8] {
        let codings = response.headerFields[values: .contentEncoding]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingOWS().lowercased() }
            .filter { $0 != "identity" }
        guard !codings.isEmpty else { return body }
        guard !body.isEmpty else { return body }
        var decoded = body
        for coding in codings.reversed() {
            switch coding {
            case "gzip", "x-gzip": decoded = try Inflater.decode(decoded, coding: .gzip, limit: limit)
            case "deflate": decoded = try Inflater.decode(decoded, coding: .deflate, limit: limit)
            default: throw TransportError.malformedResponse(reason: "unsupported Content-Encoding \(coding)")
            }
        }
        response.headerFields[.contentEncoding] = nil
        response.headerFields[.contentLength] = String(decoded.count)
        return decoded
    }

    private static func isIdempotent(_ method: HTTPRequest.Method) -> Bool {
        [.get, .head, .put, .delete, .options, .trace].contains(method)
    }

    // MARK: Connections

    private func connection(
        for target: RequestTarget, deadline: ContinuousClock.Instant
    ) async throws -> (Connection, isReused: Bool) {
        if let pooled = self.pool.take(target.poolKey) { return (pooled, true) }
        let timeouts = self.configuration.timeouts
        let connection: Connection
        let proxy =
            target.isSecure
            ? self.configuration.proxy.flatMap { $0.isExcluded(host: target.endpoint.host) ? nil : $0 } : nil
        if let proxy {
            connection = try await self.openTunnel(through: proxy, to: target.endpoint, deadline: deadline)
        } else {
            let addresses = try await Resolver.resolve(
                host: target.endpoint.host, port: target.endpoint.port, deadline: deadline)
            let socket = try await TCPSocket.connect(
                to: addresses, connectTimeout: timeouts.connect, deadline: deadline)
            connection = Connection(socket: socket)
        }
        if target.isSecure {
            do {
                try await connection.startTLS(
                    context: self.tlsContext, serverName: target.endpoint.host,
                    session: self.tlsContext.takeSession(for: target.poolKey),
                    deadline: min(deadline, .now + timeouts.read))
            } catch {
                connection.close()
                throw error
            }
            self.configuration.logger.trace(
                "TLS established",
                metadata: [
                    "peer": "\(target.endpoint)", "version": "\(connection.tls?.protocolVersion ?? "")",
                    "resumed": "\(connection.tls?.isSessionReused ?? false)",
                ])
        }
        return (connection, false)
    }

    /// Opens a `CONNECT` tunnel to `endpoint` through `proxy`.
    private func openTunnel(
        through proxy: HTTPSProxy, to endpoint: HostAndPort, deadline: ContinuousClock.Instant
    ) async throws -> Connection {
        let socket: TCPSocket
        do {
            let addresses = try await Resolver.resolve(host: proxy.host, port: proxy.port, deadline: deadline)
            socket = try await TCPSocket.connect(
                to: addresses, connectTimeout: self.configuration.timeouts.connect, deadline: deadline)
        } catch let error as TransportError where error.code == .dnsFailed || error.code == .connectFailed {
            throw TransportError.proxyFailed(reason: "cannot reach proxy \(proxy.host):\(proxy.port): \(error.reason)")
        }
        let connection = Connection(socket: socket)
        var head = "CONNECT \(endpoint) HTTP/1.1\r\nHost: \(endpoint)\r\n"
        if let authorization = proxy.authorizationValue { head += "Proxy-Authorization: \(authorization)\r\n" }
        head += "\r\n"
        do {
            try await connection.write(Array(head.utf8), deadline: deadline)
            let reader = HTTP1Reader(
                connection: connection, deadline: deadline, readTimeout: self.configuration.timeouts.read)
            guard
                let line = try await reader.readLine(
                    maxBytes: self.configuration.limits.maxStartLineBytes,
                    tooLong: { .proxyFailed(reason: "the proxy's status line is too long") })
            else { throw TransportError.proxyFailed(reason: "the proxy closed the connection") }
            let status = try HTTP1Message.parseStatusLine(line)
            _ = try await HTTP1Message.readFields(from: reader, limits: self.configuration.limits)
            guard (200..<300).contains(status.status.code) else {
                throw TransportError.proxyFailed(
                    reason: "the proxy refused CONNECT \(endpoint) with \(status.status.code)")
            }
            guard reader.bufferedCount == 0 else {
                throw TransportError.proxyFailed(reason: "the proxy sent data before the tunnel was used")
            }
        } catch let error as TransportError
            where error.code == .malformedResponse || error.code == .connectionClosed || error.code == .limitExceeded
        {
            connection.close()
            throw TransportError.proxyFailed(reason: "CONNECT through \(proxy.host):\(proxy.port): \(error.reason)")
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    // MARK: Redirects

    /// The request that `location` points to, resolved against the current request (RFC 3986 §5.2, simplified).
    static func redirect(_ request: HTTPRequest, to location: String, from target: RequestTarget) throws -> HTTPRequest
    {
        var location = location.trimmingOWS()
        if let hash = location.firstIndex(of: "#") { location = String(location[..<hash]) }
        guard HTTP1Message.isSafeFieldText(location), !location.contains(" ") else {
            throw TransportError.redirectRefused(reason: "invalid Location header")
        }
        var scheme = target.isSecure ? "https" : "http"
        var authority = target.authority
        var path: String
        let lowered = location.lowercased()
        var afterScheme: Substring? = nil
        if lowered.hasPrefix("https://") || lowered.hasPrefix("http://") {
            scheme = lowered.hasPrefix("https://") ? "https" : "http"
            afterScheme = location.dropFirst(scheme.count + 3)
        } else if location.hasPrefix("//") {
            afterScheme = location.dropFirst(2)
        }
        if afterScheme == nil, let colon = location.firstIndex(of: ":"),
            !location[..<colon].contains("/"), !location[..<colon].contains("?")
        {
            throw TransportError.redirectRefused(reason: "unsupported redirect scheme \(location[..<colon])")
        }
        if let rest = afterScheme {
            let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            authority = String(rest[..<end])
            path = String(rest[end...])
            if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        } else if location.hasPrefix("/") {
            path = location
        } else {
            let basePath =
                target.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "/"
            let directory = basePath[...(basePath.lastIndex(of: "/") ?? basePath.startIndex)]
            path = directory + location
        }
        var next = request
        next.scheme = scheme
        next.path = path
        if authority.lowercased() != target.authority.lowercased() || scheme != (target.isSecure ? "https" : "http") {
            next.headerFields[.authorization] = nil
            next.headerFields[.cookie] = nil
            next.headerFields[.proxyAuthorization] = nil
        }
        next.authority = authority
        _ = try RequestTarget(next)
        return next
    }
}
