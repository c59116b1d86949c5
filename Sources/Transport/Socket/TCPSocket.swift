// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An owned, non-blocking TCP socket. Closed by ``close()`` or, at the latest, in `deinit`.
///
/// Used by one task at a time: the connection pool hands it from task to task under its lock.
@safe
final class TCPSocket: @unchecked Sendable {  // one owner at a time (see above); `fd` is only mutated by close()
    private(set) var fd: Int32
    private var scratch: [UInt8]

    private init(fd: Int32) {
        self.fd = fd
        self.scratch = []
    }

    deinit { self.close() }

    /// Closes the descriptor; later calls do nothing.
    func close() {
        guard self.fd >= 0 else { return }
        POSIX.close(self.fd)
        self.fd = -1
    }

    private static func makeSocket(family: Int32) -> Int32 {
        #if canImport(Darwin)
            let type = SOCK_STREAM
        #else
            let type = Int32(SOCK_STREAM.rawValue)
        #endif
        let fd = socket(family, type, Int32(IPPROTO_TCP))
        guard fd >= 0 else { return -1 }
        guard POSIX.makeNonBlocking(fd) else {
            POSIX.close(fd)
            return -1
        }
        return fd
    }

    /// Connects to each address in turn until one accepts.
    ///
    /// - Parameters:
    ///   - connectTimeout: the limit for each address; `deadline` bounds the whole attempt.
    /// - Throws: `TransportError.connectFailed` (every address refused or was unreachable), `.timedOut`,
    ///   `.cancelled`.
    static func connect(
        to addresses: [SocketAddress], connectTimeout: Duration, deadline: ContinuousClock.Instant
    ) async throws -> TCPSocket {
        var failures: [String] = []
        var sawTimeout = false
        for address in addresses {
            let attemptDeadline = min(deadline, .now + connectTimeout)
            let fd = self.makeSocket(family: address.family)
            guard fd >= 0 else {
                failures.append("\(address): socket: \(POSIX.describe(errno: POSIX.lastError))")
                continue
            }
            let socket = TCPSocket(fd: fd)
            var one: Int32 = 1
            _ = unsafe setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let status = unsafe address.withSockAddr { unsafe Glibc.connect(fd, $0, $1) }
            if status == 0 { return socket }
            let code = POSIX.lastError
            guard code == EINPROGRESS || code == EINTR else {
                failures.append("\(address): \(POSIX.describe(errno: code))")
                continue
            }
            guard try await IOEventLoop.shared.wait(for: fd, .writable, until: attemptDeadline) else {
                sawTimeout = true
                failures.append("\(address): no answer within the connect timeout")
                if attemptDeadline >= deadline { break }
                continue
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = unsafe getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return socket }
            failures.append("\(address): \(POSIX.describe(errno: error))")
        }
        let summary = failures.isEmpty ? "no address to try" : failures.joined(separator: "; ")
        if sawTimeout { throw TransportError.timedOut(reason: "connect: \(summary)") }
        throw TransportError.connectFailed(reason: "connect: \(summary)")
    }

    /// Reads what is available (at most `maxCount` bytes) and appends it to `buffer`, waiting until
    /// `deadline` if nothing is.
    ///
    /// - Returns: the number of bytes appended; 0 at end of stream.
    /// - Throws: `TransportError.timedOut(reason: timeoutReason)`, `.connectionClosed` on a reset,
    ///   `.cancelled`.
    func receive(
        into buffer: inout [UInt8], maxCount: Int = 16_384, deadline: ContinuousClock.Instant,
        timeoutReason: @autoclosure () -> String
    ) async throws -> Int {
        if self.scratch.count < maxCount { self.scratch = [UInt8](repeating: 0, count: maxCount) }
        while true {
            guard self.fd >= 0 else { throw TransportError.connectionClosed(reason: "the socket is closed") }
            let fd = self.fd
            let count = unsafe self.scratch.withUnsafeMutableBytes { raw in
                unsafe recv(fd, raw.baseAddress, min(maxCount, raw.count), 0)
            }
            if count > 0 {
                buffer.append(contentsOf: self.scratch[0..<count])
                return count
            }
            if count == 0 { return 0 }
            let code = POSIX.lastError
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                guard try await IOEventLoop.shared.wait(for: fd, .readable, until: deadline) else {
                    throw TransportError.timedOut(reason: timeoutReason())
                }
            default:
                throw TransportError.connectionClosed(reason: "read: \(POSIX.describe(errno: code))")
            }
        }
    }

    /// Writes all of `bytes`, waiting for buffer space until `deadline`.
    ///
    /// - Throws: `TransportError.connectionClosed` (`EPIPE`, `ECONNRESET`), `.timedOut`, `.cancelled`.
    func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant) async throws {
        var offset = 0
        while offset < bytes.count {
            guard self.fd >= 0 else { throw TransportError.connectionClosed(reason: "the socket is closed") }
            let fd = self.fd
            let count = unsafe bytes.withUnsafeBytes { raw in
                unsafe Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count >= 0 {
                offset += count
                continue
            }
            let code = POSIX.lastError
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                guard try await IOEventLoop.shared.wait(for: fd, .writable, until: deadline) else {
                    throw TransportError.timedOut(reason: "the peer did not accept data before the deadline")
                }
            default:
                throw TransportError.connectionClosed(reason: "write: \(POSIX.describe(errno: code))")
            }
        }
    }

    /// Whether an idle pooled socket still looks usable: open, with nothing to read (a readable idle
    /// socket means the peer closed it or sent unsolicited bytes).
    var isIdleAndOpen: Bool {
        guard self.fd >= 0 else { return false }
        var descriptor = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
        return unsafe poll(&descriptor, 1, 0) == 0
    }

    // MARK: Listening

    /// A socket bound to the loopback address of the given family, listening.
    ///
    /// - Throws: `TransportError.bindFailed`.
    static func listen(loopbackIPv6: Bool, port: UInt16, backlog: Int32) throws -> TCPSocket {
        let family = loopbackIPv6 ? AF_INET6 : AF_INET
        let fd = self.makeSocket(family: family)
        guard fd >= 0 else {
            throw TransportError.bindFailed(reason: "socket: \(POSIX.describe(errno: POSIX.lastError))")
        }
        let socket = TCPSocket(fd: fd)
        var one: Int32 = 1
        _ = unsafe setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if loopbackIPv6 {
            _ = unsafe setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let address = SocketAddress.loopback(ipv6: loopbackIPv6, port: port)
        guard unsafe address.withSockAddr({ unsafe bind(fd, $0, $1) }) == 0 else {
            throw TransportError.bindFailed(reason: "bind \(address): \(POSIX.describe(errno: POSIX.lastError))")
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            throw TransportError.bindFailed(reason: "listen: \(POSIX.describe(errno: POSIX.lastError))")
        }
        return socket
    }

    /// The locally bound port.
    var localPort: UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = unsafe withUnsafeMutablePointer(to: &storage) { pointer in
            unsafe pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                unsafe getsockname(self.fd, $0, &length)
            }
        }
        guard status == 0 else { return 0 }
        if Int32(storage.ss_family) == AF_INET6 {
            return unsafe withUnsafePointer(to: &storage) { pointer in
                unsafe pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    unsafe UInt16(bigEndian: $0.pointee.sin6_port)
                }
            }
        }
        return unsafe withUnsafePointer(to: &storage) { pointer in
            unsafe pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                unsafe UInt16(bigEndian: $0.pointee.sin_port)
            }
        }
    }

    /// Waits for and accepts one connection.
    ///
    /// - Throws: `TransportError.cancelled` (how the accept loop stops), `.connectionClosed` if the
    ///   listening socket was closed.
    func accept() async throws -> TCPSocket {
        while true {
            guard self.fd >= 0 else { throw TransportError.connectionClosed(reason: "the listener is closed") }
            let fd = Glibc.accept(self.fd, nil, nil)
            if fd >= 0 {
                guard POSIX.makeNonBlocking(fd) else {
                    POSIX.close(fd)
                    continue
                }
                var one: Int32 = 1
                _ = unsafe setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return TCPSocket(fd: fd)
            }
            let code = POSIX.lastError
            switch code {
            case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED:
                _ = try await IOEventLoop.shared.wait(for: self.fd, .readable, until: .now + .seconds(3600))
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                // Out of descriptors: back off briefly instead of spinning.
                try await IOEventLoop.shared.sleep(until: .now + .milliseconds(50))
            default:
                throw TransportError.connectionClosed(reason: "accept: \(POSIX.describe(errno: code))")
            }
        }
    }
}

extension TCPSocket {
    /// Sends what the kernel takes right now, never waiting (for a parting `close_notify`).
    func sendNow(_ bytes: [UInt8]) {
        guard self.fd >= 0 else { return }
        let fd = self.fd
        _ = unsafe bytes.withUnsafeBytes { raw in
            unsafe Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
        }
    }
}
