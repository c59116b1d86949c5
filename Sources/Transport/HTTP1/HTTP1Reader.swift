// SPDX-License-Identifier: Apache-2.0

/// Buffered, bounded reading of HTTP/1.1 lines and bodies from a ``Connection``.
///
/// Every wait is bounded by ``deadline`` and, if set, by ``readTimeout`` of inactivity.
final class HTTP1Reader {
    let connection: Connection
    /// The absolute limit for the current message.
    var deadline: ContinuousClock.Instant
    /// The longest wait for the next byte.
    var readTimeout: Duration?
    private var buffer: [UInt8] = []
    private var start = 0
    private(set) var isAtEnd = false
    /// How many bytes were received since the reader was created.
    private(set) var receivedCount = 0

    init(connection: Connection, deadline: ContinuousClock.Instant, readTimeout: Duration?) {
        self.connection = connection
        self.deadline = deadline
        self.readTimeout = readTimeout
    }

    /// Buffered bytes not yet consumed.
    var bufferedCount: Int { self.buffer.count - self.start }

    /// Reads more bytes into the buffer; returns `false` at end of stream.
    @discardableResult
    func fill() async throws -> Bool {
        guard !self.isAtEnd else { return false }
        if self.start > 0 && self.start >= self.buffer.count / 2 {
            self.buffer.removeSubrange(0..<self.start)
            self.start = 0
        }
        let now = ContinuousClock.now
        let idleDeadline = self.readTimeout.map { now + $0 }
        let waitUntil = idleDeadline.map { min($0, self.deadline) } ?? self.deadline
        let byIdle = idleDeadline.map { $0 < self.deadline } ?? false
        let timeout = self.readTimeout
        let count = try await self.connection.read(
            into: &self.buffer, deadline: waitUntil,
            timeoutReason: byIdle
                ? "no data from the peer for \(timeout.map { "\($0)" } ?? "")"
                : "the deadline passed while waiting for the peer")
        if count == 0 {
            self.isAtEnd = true
            return false
        }
        self.receivedCount += count
        return true
    }

    /// Reads one line (CRLF or a bare LF ends it; RFC 9112 §2.2) without its terminator.
    ///
    /// - Returns: `nil` at a clean end of stream before any byte of the line.
    /// - Throws: `tooLong()` when the line passes `maxBytes`, `TransportError.connectionClosed` when
    ///   the stream ends inside the line, `.malformedResponse` for a stray CR.
    func readLine(maxBytes: Int, tooLong: () -> TransportError) async throws -> [UInt8]? {
        var scanned = 0
        while true {
            if let index = self.buffer[(self.start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = index
                if end > self.start && self.buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard end - self.start <= maxBytes else { throw tooLong() }
                let line = Array(self.buffer[self.start..<end])
                self.start = index + 1
                guard !line.contains(UInt8(ascii: "\r")) else {
                    throw TransportError.malformedResponse(reason: "a bare CR inside a line")
                }
                return line
            }
            scanned = self.bufferedCount
            guard scanned <= maxBytes + 1 else { throw tooLong() }
            guard try await self.fill() else {
                if scanned == 0 { return nil }
                throw TransportError.connectionClosed(reason: "the peer closed the connection inside a line")
            }
        }
    }

    /// Reads exactly `count` bytes and appends them to `output`.
    ///
    /// - Throws: `TransportError.connectionClosed` when the stream ends first.
    func read(exactly count: Int, into output: inout [UInt8]) async throws {
        var remaining = count
        while remaining > 0 {
            if self.bufferedCount == 0 {
                guard try await self.fill() else {
                    throw TransportError.connectionClosed(
                        reason: "the peer closed the connection \(count - remaining) bytes into a \(count)-byte body")
                }
            }
            let take = min(remaining, self.bufferedCount)
            output.append(contentsOf: self.buffer[self.start..<(self.start + take)])
            self.start += take
            remaining -= take
        }
    }

    /// Reads until end of stream, appending to `output`.
    ///
    /// - Throws: `TransportError.limitExceeded` when `output` would pass `limit` bytes.
    func readToEnd(into output: inout [UInt8], limit: Int) async throws {
        while true {
            if self.bufferedCount > 0 {
                guard output.count + self.bufferedCount <= limit else {
                    throw TransportError.limitExceeded(reason: "the body is larger than \(limit) bytes")
                }
                output.append(contentsOf: self.buffer[self.start...])
                self.start = self.buffer.count
            }
            guard try await self.fill() else { return }
        }
    }
}
