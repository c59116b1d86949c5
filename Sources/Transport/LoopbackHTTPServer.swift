// SPDX-License-Identifier: Apache-2.0
public import HTTPTypes
public import Logging

/// A minimal HTTP/1.1 server bound to the loopback interface only (127.0.0.1 or ::1).
///
/// It serves the RFC 8252 §7.3 loopback redirect of a native app's authorization flow, and embedded
/// test providers. Requests are parsed within ``Configuration/limits``; a malformed or oversized
/// request gets a 400, 413 or 431 and the connection is closed. Bodies are framed with
/// `Content-Length` or `chunked`; responses always carry `Content-Length`.
///
/// ```swift
/// let server = try LoopbackHTTPServer.start { request, body in
///     (HTTPResponse(status: .ok), Array("signed in, you can close this tab".utf8))
/// }
/// let redirectURI = "http://127.0.0.1:\(server.port)/callback"
/// // …
/// await server.shutdown()
/// ```
public final class LoopbackHTTPServer: Sendable {
    /// Answers one request; called concurrently for different connections.
    public typealias Handler = @Sendable (HTTPRequest, [UInt8]) async -> (HTTPResponse, [UInt8])

    /// Which loopback address to bind.
    public enum Address: Hashable, Sendable {
        /// `127.0.0.1` (RFC 8252 §7.3 recommends the IPv4 literal).
        case ipv4
        /// `::1`.
        case ipv6
    }

    /// Server limits and timeouts.
    public struct Configuration: Sendable {
        /// Bounds on each request; the body limit defaults to 1 MiB.
        public var limits: HTTPMessageLimits
        /// The time allowed to receive one whole request once its first byte arrived.
        public var requestTimeout: Duration
        /// How long an idle keep-alive connection waits for its next request; `nil` disables keep-alive.
        public var keepAliveTimeout: Duration?
        /// Debug traces (paths without their query; no header values, no bodies).
        public var logger: Logger

        /// - Parameters: see the properties.
        public init(
            limits: HTTPMessageLimits = .init(maxBodyBytes: 1 << 20, maxDecompressedBodyBytes: 1 << 20),
            requestTimeout: Duration = .seconds(10), keepAliveTimeout: Duration? = .seconds(5),
            logger: Logger = Logger(label: "swift-oidc.loopback", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.limits = limits
            self.requestTimeout = requestTimeout
            self.keepAliveTimeout = keepAliveTimeout
            self.logger = logger
        }
    }

    /// The bound port.
    public let port: Int
    /// The bound address.
    public let address: Address
    private let task: Task<Void, Never>

    /// `http://127.0.0.1:<port>` or `http://[::1]:<port>`.
    public var baseURL: String { self.address == .ipv4 ? "http://127.0.0.1:\(self.port)" : "http://[::1]:\(self.port)" }

    /// `127.0.0.1:<port>` or `[::1]:<port>`, for `HTTPRequest.authority`.
    public var authority: String { self.address == .ipv4 ? "127.0.0.1:\(self.port)" : "[::1]:\(self.port)" }

    private init(port: Int, address: Address, task: Task<Void, Never>) {
        self.port = port
        self.address = address
        self.task = task
    }

    /// Binds a loopback address (with `SO_REUSEADDR`) and starts accepting connections.
    ///
    /// - Parameters:
    ///   - port: the port, or 0 for one chosen by the system (RFC 8252 §7.3).
    /// - Throws: `TransportError.bindFailed`.
    public static func start(
        address: Address = .ipv4, port: Int = 0, configuration: Configuration = .init(),
        handler: @escaping Handler
    ) throws -> LoopbackHTTPServer {
        guard let port = UInt16(exactly: port) else { throw TransportError.bindFailed(reason: "invalid port \(port)") }
        let listener = try TCPSocket.listen(loopbackIPv6: address == .ipv6, port: port, backlog: 512)
        let boundPort = Int(listener.localPort)
        let task = Task {
            await Self.acceptLoop(listener: listener, configuration: configuration, handler: handler)
        }
        configuration.logger.debug("listening", metadata: ["port": "\(boundPort)"])
        return LoopbackHTTPServer(port: boundPort, address: address, task: task)
    }

    /// Stops accepting, closes every connection (requests in progress are abandoned), and returns
    /// when all of them are closed.
    public func shutdown() async {
        self.task.cancel()
        await self.task.value
    }

    deinit { self.task.cancel() }

    private static func acceptLoop(listener: TCPSocket, configuration: Configuration, handler: @escaping Handler) async
    {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                guard let socket = try? await listener.accept() else { break }
                group.addTask {
                    await Self.serve(Connection(socket: socket), configuration: configuration, handler: handler)
                }
            }
            group.cancelAll()
        }
        listener.close()
    }

    private static func serve(_ connection: Connection, configuration: Configuration, handler: Handler) async {
        defer { connection.close() }
        let limits = configuration.limits
        let reader = HTTP1Reader(
            connection: connection, deadline: .now + configuration.requestTimeout, readTimeout: nil)
        var isFirst = true
        while !Task.isCancelled {
            // Wait for the first byte of the next request within the keep-alive (or request) timeout.
            let idleLimit = isFirst ? configuration.requestTimeout : (configuration.keepAliveTimeout ?? .zero)
            reader.deadline = .now + idleLimit
            isFirst = false
            do {
                if reader.bufferedCount == 0 { guard try await reader.fill() else { return } }
            } catch {
                return
            }
            reader.deadline = .now + configuration.requestTimeout
            let request: HTTPRequest
            let body: [UInt8]
            let wantsClose: Bool
            /// Which part of the request was being read, to pick the status of a rejection.
            var phase = HTTPResponse.Status.uriTooLong
            do {
                guard
                    let line = try await reader.readLine(
                        maxBytes: limits.maxStartLineBytes,
                        tooLong: { .limitExceeded(reason: "the request line is too long") })
                else { return }
                let requestLine = try HTTP1Message.parseRequestLine(line)
                phase = .requestHeaderFieldsTooLarge
                var fields = try await HTTP1Message.readFields(from: reader, limits: limits)
                let hosts = fields.filter { $0.name.canonicalName == "host" }
                // RFC 9112 §3.2: exactly one Host in HTTP/1.1.
                guard hosts.count == 1 || (hosts.isEmpty && !requestLine.isHTTP11) else {
                    throw TransportError.malformedResponse(reason: "\(hosts.count) Host fields")
                }
                fields = HTTPFields(fields.filter { $0.name.canonicalName != "host" })
                phase = .contentTooLarge
                let framing = try HTTP1Message.framing(of: fields, isResponse: false)
                if case .contentLength(let length) = framing, length > limits.maxBodyBytes {
                    throw TransportError.limitExceeded(reason: "Content-Length \(length) is larger than the body limit")
                }
                if framing != .none, requestLine.isHTTP11,
                    fields[values: .expect].contains(where: { $0.lowercased() == "100-continue" })
                {
                    // RFC 9110 §10.1.1: tell a waiting client (curl, browsers) to send the body now.
                    try await connection.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), deadline: reader.deadline)
                }
                body = try await HTTP1Message.readBody(framing, from: reader, limits: limits)
                wantsClose = !requestLine.isHTTP11 || HTTP1Message.connectionHeader(fields, contains: "close")
                request = HTTPRequest(
                    method: requestLine.method, scheme: "http", authority: hosts.first?.value,
                    path: requestLine.target, headerFields: fields)
            } catch let error as TransportError {
                let status: HTTPResponse.Status
                switch error.code {
                case .limitExceeded: status = phase
                case .malformedResponse: status = .badRequest
                default: return
                }
                configuration.logger.debug(
                    "rejected request", metadata: ["status": "\(status.code)", "reason": "\(error.reason)"])
                let head = HTTP1Serializer.responseHead(HTTPResponse(status: status), bodyCount: 0, close: true)
                try? await connection.write(head, deadline: .now + .seconds(1))
                return
            } catch {
                return
            }
            configuration.logger.debug("\(request.method) \(Redaction.path(request.path ?? ""))")
            let (response, responseBody) = await handler(request, body)
            let close = wantsClose || configuration.keepAliveTimeout == nil || Task.isCancelled
            let includeBody = request.method != .head && response.status.code != 204 && response.status.code != 304
            let head = HTTP1Serializer.responseHead(response, bodyCount: responseBody.count, close: close)
            do {
                try await connection.write(
                    includeBody ? head + responseBody : head, deadline: .now + configuration.requestTimeout)
            } catch {
                return
            }
            if close { return }
        }
    }
}
