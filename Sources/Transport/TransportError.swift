// SPDX-License-Identifier: Apache-2.0

/// An error thrown by the ``Transport`` module.
///
/// Match on ``code``; equality ignores the human-readable reason. A non-2xx status is a response,
/// never an error. Reasons name what failed (`connect to 127.0.0.1:443: Connection refused`) and never
/// contain header values, bodies or tokens.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public let code: Code
    /// A diagnostic sentence naming what failed; never contains secrets.
    public let reason: String
    private let location: String

    /// `code: reason`, suitable for logs.
    public var description: String { "\(self.code): \(self.reason)" }

    /// The source location that raised the error, for bug reports.
    public var sourceLocation: String { self.location }

    private init(code: Code, reason: String, file: String, line: UInt) {
        self.code = code
        self.reason = reason
        self.location = "\(file):\(line)"
    }

    /// Compares codes only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// The request cannot be sent: no authority, an unsupported scheme, or a forbidden header.
    @inline(never)
    public static func invalidRequest(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidRequest, reason: reason, file: file, line: line)
    }

    /// The configuration cannot be used: an unreadable CA bundle, or a client key that does not match its certificate.
    @inline(never)
    public static func invalidConfiguration(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidConfiguration, reason: reason, file: file, line: line)
    }

    /// The host name did not resolve (getaddrinfo).
    @inline(never)
    public static func dnsFailed(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .dnsFailed, reason: reason, file: file, line: line)
    }

    /// No address of the host accepted a TCP connection.
    @inline(never)
    public static func connectFailed(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .connectFailed, reason: reason, file: file, line: line)
    }

    /// The TLS handshake failed for a reason other than certificate verification (no shared protocol or cipher, the server rejected the client certificate, or the connection dropped).
    @inline(never)
    public static func tlsHandshakeFailed(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .tlsHandshakeFailed, reason: reason, file: file, line: line)
    }

    /// The server's certificate (or one in its chain) has expired or is not yet valid.
    @inline(never)
    public static func certificateExpired(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .certificateExpired, reason: reason, file: file, line: line)
    }

    /// The server presented a self-signed certificate that is not trusted.
    @inline(never)
    public static func certificateSelfSigned(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .certificateSelfSigned, reason: reason, file: file, line: line)
    }

    /// The server's certificate chain does not lead to a trusted root (unknown CA).
    @inline(never)
    public static func certificateUnknownIssuer(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .certificateUnknownIssuer, reason: reason, file: file, line: line)
    }

    /// The server's certificate does not name the requested host or IP address.
    @inline(never)
    public static func certificateHostnameMismatch(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .certificateHostnameMismatch, reason: reason, file: file, line: line)
    }

    /// The server's certificate failed verification for another reason (wrong purpose, bad signature, revoked).
    @inline(never)
    public static func certificateInvalid(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .certificateInvalid, reason: reason, file: file, line: line)
    }

    /// The connect timeout, the read timeout or the request's deadline passed.
    @inline(never)
    public static func timedOut(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .timedOut, reason: reason, file: file, line: line)
    }

    /// The task that sent the request was cancelled.
    @inline(never)
    public static func cancelled(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .cancelled, reason: reason, file: file, line: line)
    }

    /// The peer closed or reset the connection before the response was complete.
    @inline(never)
    public static func connectionClosed(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .connectionClosed, reason: reason, file: file, line: line)
    }

    /// The response is not valid HTTP/1.1, is ambiguously framed, or its content coding is corrupt or unsupported.
    @inline(never)
    public static func malformedResponse(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .malformedResponse, reason: reason, file: file, line: line)
    }

    /// The response exceeds a configured limit: status line, header count, header bytes, body size or decompressed size.
    @inline(never)
    public static func limitExceeded(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .limitExceeded, reason: reason, file: file, line: line)
    }

    /// A redirect would downgrade https to http, or there were too many redirects.
    @inline(never)
    public static func redirectRefused(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .redirectRefused, reason: reason, file: file, line: line)
    }

    /// The HTTPS proxy could not be reached or refused the CONNECT tunnel.
    @inline(never)
    public static func proxyFailed(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .proxyFailed, reason: reason, file: file, line: line)
    }

    /// The loopback server could not bind or listen.
    @inline(never)
    public static func bindFailed(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .bindFailed, reason: reason, file: file, line: line)
    }

    /// The client or server was already shut down.
    @inline(never)
    public static func alreadyShutdown(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .alreadyShutdown, reason: reason, file: file, line: line)
    }
}

extension TransportError {
    /// The kind of a ``TransportError``. New codes may be added in minor releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case invalidRequest, invalidConfiguration, dnsFailed, connectFailed, tlsHandshakeFailed
            case certificateExpired, certificateSelfSigned, certificateUnknownIssuer, certificateHostnameMismatch
            case certificateInvalid, timedOut, cancelled, connectionClosed, malformedResponse, limitExceeded
            case redirectRefused, proxyFailed, bindFailed, alreadyShutdown
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// See ``TransportError/invalidRequest(reason:file:line:)``.
        public static let invalidRequest = Self(.invalidRequest)
        /// See ``TransportError/invalidConfiguration(reason:file:line:)``.
        public static let invalidConfiguration = Self(.invalidConfiguration)
        /// See ``TransportError/dnsFailed(reason:file:line:)``.
        public static let dnsFailed = Self(.dnsFailed)
        /// See ``TransportError/connectFailed(reason:file:line:)``.
        public static let connectFailed = Self(.connectFailed)
        /// See ``TransportError/tlsHandshakeFailed(reason:file:line:)``.
        public static let tlsHandshakeFailed = Self(.tlsHandshakeFailed)
        /// See ``TransportError/certificateExpired(reason:file:line:)``.
        public static let certificateExpired = Self(.certificateExpired)
        /// See ``TransportError/certificateSelfSigned(reason:file:line:)``.
        public static let certificateSelfSigned = Self(.certificateSelfSigned)
        /// See ``TransportError/certificateUnknownIssuer(reason:file:line:)``.
        public static let certificateUnknownIssuer = Self(.certificateUnknownIssuer)
        /// See ``TransportError/certificateHostnameMismatch(reason:file:line:)``.
        public static let certificateHostnameMismatch = Self(.certificateHostnameMismatch)
        /// See ``TransportError/certificateInvalid(reason:file:line:)``.
        public static let certificateInvalid = Self(.certificateInvalid)
        /// See ``TransportError/timedOut(reason:file:line:)``.
        public static let timedOut = Self(.timedOut)
        /// See ``TransportError/cancelled(reason:file:line:)``.
        public static let cancelled = Self(.cancelled)
        /// See ``TransportError/connectionClosed(reason:file:line:)``.
        public static let connectionClosed = Self(.connectionClosed)
        /// See ``TransportError/malformedResponse(reason:file:line:)``.
        public static let malformedResponse = Self(.malformedResponse)
        /// See ``TransportError/limitExceeded(reason:file:line:)``.
        public static let limitExceeded = Self(.limitExceeded)
        /// See ``TransportError/redirectRefused(reason:file:line:)``.
        public static let redirectRefused = Self(.redirectRefused)
        /// See ``TransportError/proxyFailed(reason:file:line:)``.
        public static let proxyFailed = Self(.proxyFailed)
        /// See ``TransportError/bindFailed(reason:file:line:)``.
        public static let bindFailed = Self(.bindFailed)
        /// See ``TransportError/alreadyShutdown(reason:file:line:)``.
        public static let alreadyShutdown = Self(.alreadyShutdown)

        /// The code's name, e.g. `timedOut`.
        public var description: String { self.backing.rawValue }
    }
}
