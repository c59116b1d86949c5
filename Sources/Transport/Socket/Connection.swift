// SPDX-License-Identifier: Apache-2.0

/// A byte stream to one peer: a non-blocking TCP socket, optionally wrapped in TLS.
///
/// Every wait goes through ``IOEventLoop``; nothing here blocks a thread. A connection has one owner
/// at a time: the task using it, or the pool (under its lock) while it is idle.
final class Connection: @unchecked Sendable {  // one owner at a time, handed over under the pool lock
    let socket: TCPSocket
    private(set) var tls: TLSStream?
    /// Whether any application data has been received (so a TLS alert is no longer a handshake failure).
    private var hasReceivedData = false
    private var scratch: [UInt8] = []
    private var ciphertext: [UInt8] = []
    /// When the connection went back to the pool.
    var idleSince: ContinuousClock.Instant = .now
    /// How many requests this connection has carried.
    var requestCount = 0

    init(socket: TCPSocket) {
        self.socket = socket
    }

    /// Closes the socket (sending a best-effort `close_notify` first on TLS connections).
    func close() {
        if let tls = self.tls, self.socket.fd >= 0 {
            tls.shutdown()
            let alert = tls.takeOutput()
            if !alert.isEmpty {
                // Best effort, never waits: a full send buffer just drops the alert.
                self.socket.sendNow(alert)
            }
        }
        self.socket.close()
    }

    /// Runs the TLS client handshake over the socket.
    ///
    /// - Throws: `TransportError.tlsHandshakeFailed`, one of the `certificate…` codes, `.timedOut`,
    ///   `.cancelled`.
    func startTLS(
        context: TLSContext, serverName: String, session: TLSSession?, deadline: ContinuousClock.Instant
    ) async throws {
        let tls = try TLSStream(context: context, serverName: serverName, session: session)
        self.tls = tls
        do {
            while true {
                let step = tls.handshake()
                if case .failed(let error) = step {
                    // Send our alert if we can, but report why the handshake failed.
                    try? await self.flush(tls, deadline: deadline)
                    throw error
                }
                try await self.flush(tls, deadline: deadline)
                switch step {
                case .done:
                    return
                case .wantRead:
                    self.ciphertext.removeAll(keepingCapacity: true)
                    let count = try await self.socket.receive(
                        into: &self.ciphertext, deadline: deadline,
                        timeoutReason: "TLS handshake with \(serverName) did not finish in time")
                    guard count > 0 else {
                        throw TransportError.tlsHandshakeFailed(
                            reason: "\(serverName) closed the connection during the TLS handshake")
                    }
                    tls.feed(self.ciphertext)
                case .closed:
                    throw TransportError.tlsHandshakeFailed(reason: "\(serverName) closed TLS during the handshake")
                case .failed(let error):
                    throw error
                }
            }
        } catch let error as TransportError where error.code == .connectionClosed {
            throw TransportError.tlsHandshakeFailed(
                reason: "during the TLS handshake with \(serverName): \(error.reason)")
        }
    }

    /// Reads what is available (at most `maxCount` plaintext bytes) and appends it to `buffer`.
    ///
    /// - Returns: the number of bytes appended; 0 at end of stream (`close_notify` or TCP FIN).
    /// - Throws: `TransportError.timedOut(reason: timeoutReason)`, `.connectionClosed`,
    ///   `.tlsHandshakeFailed` (a TLS 1.3 server rejecting the client certificate), `.cancelled`.
    func read(
        into buffer: inout [UInt8], maxCount: Int = 16_384, deadline: ContinuousClock.Instant,
        timeoutReason: @autoclosure () -> String
    ) async throws -> Int {
        guard let tls = self.tls else {
            let count = try await self.socket.receive(
                into: &buffer, maxCount: maxCount, deadline: deadline, timeoutReason: timeoutReason())
            if count > 0 { self.hasReceivedData = true }
            return count
        }
        while true {
            let step = tls.read(into: &buffer, maxCount: maxCount, scratch: &self.scratch)
            if case .failed = step {
                try? await self.flush(tls, deadline: deadline)
            } else {
                try await self.flush(tls, deadline: deadline)
            }
            switch step {
            case .done(let count):
                self.hasReceivedData = true
                return count
            case .wantRead:
                self.ciphertext.removeAll(keepingCapacity: true)
                let count: Int
                do {
                    count = try await self.socket.receive(
                        into: &self.ciphertext, deadline: deadline, timeoutReason: timeoutReason())
                } catch let error as TransportError where error.code == .connectionClosed && self.isFreshTLS13 {
                    throw Self.rejectedAfterHandshake(error)
                }
                // A TCP FIN without close_notify: most servers end this way; truncation of a framed body
                // is still caught by the HTTP layer.
                guard count > 0 else { return 0 }
                tls.feed(self.ciphertext)
            case .closed:
                return 0
            case .failed(let error):
                if self.isFreshTLS13, error.code == .connectionClosed {
                    throw TransportError.tlsHandshakeFailed(
                        reason: "the server rejected the TLS session: \(error.reason)")
                }
                throw error
            }
        }
    }

    /// Writes all of `bytes`.
    ///
    /// - Throws: `TransportError.connectionClosed`, `.timedOut`, `.cancelled`.
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws {
        guard let tls = self.tls else {
            try await self.socket.send(bytes, deadline: deadline)
            return
        }
        if case .failed(let error) = tls.write(bytes) { throw error }
        do {
            try await self.flush(tls, deadline: deadline)
        } catch let error as TransportError where error.code == .connectionClosed && self.isFreshTLS13 {
            throw Self.rejectedAfterHandshake(error)
        }
    }

    /// A TLS 1.3 connection that has not received application data yet: the server may still reject
    /// the client's certificate (it verifies it after the client considers the handshake done).
    private var isFreshTLS13: Bool { !self.hasReceivedData && self.tls?.protocolVersion == "TLSv1.3" }

    /// In TLS 1.3 the server checks the client's certificate after the client considers the handshake
    /// done; a server that rejects it sends an alert and resets, which the client first sees on its
    /// first write or read.
    private static func rejectedAfterHandshake(_ error: TransportError) -> TransportError {
        .tlsHandshakeFailed(
            reason: "the server dropped the connection right after the TLS handshake (it may require a "
                + "client certificate): \(error.reason)")
    }

    /// Whether an idle pooled connection still looks usable.
    var isIdleAndOpen: Bool { self.socket.isIdleAndOpen }

    private func flush(_ tls: TLSStream, deadline: ContinuousClock.Instant) async throws {
        let output = tls.takeOutput()
        if !output.isEmpty { try await self.socket.send(output, deadline: deadline) }
    }
}
