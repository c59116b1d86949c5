// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking TCP socket on 127.0.0.1, for the fuzz targets that play the other side of the library's
/// HTTP client and server: it sends exactly the bytes libFuzzer made, which no HTTP library would.
public final class RawSocket: @unchecked Sendable {  // one owner at a time
    public private(set) var fd: Int32
    /// Whether the last receive gave up because its timeout passed (not a reset, not end of stream).
    public private(set) var receiveTimedOut = false

    private init(fd: Int32) { self.fd = fd }

    deinit { self.close() }

    /// A listening socket on 127.0.0.1 and a port chosen by the system.
    public static func listen() -> (RawSocket, port: Int) {
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0, "socket failed")
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        precondition(bound == 0 && Glibc.listen(fd, 128) == 0, "bind/listen failed")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (RawSocket(fd: fd), Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Connects to 127.0.0.1:`port`.
    public static func connect(port: Int) -> RawSocket? {
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = Self.loopback(port: port)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let socket = RawSocket(fd: fd)
        return status == 0 ? socket : nil
    }

    /// The next connection of a listening socket.
    public func accept() -> RawSocket? {
        let fd = Glibc.accept(self.fd, nil, nil)
        return fd >= 0 ? RawSocket(fd: fd) : nil
    }

    /// Makes every later receive give up after `seconds` (then it returns `nil`).
    public func setReceiveTimeout(seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends all of `bytes`; returns `false` when the peer is gone (reset or closed).
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(self.fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Receives what is available: `[]` at end of stream, `nil` on a reset or timeout.
    public func receive(maxCount: Int = 65_536) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maxCount)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                self.receiveTimedOut = errno == EAGAIN || errno == EWOULDBLOCK
                return nil
            }
            return Array(buffer.prefix(count))
        }
    }

    /// Receives until the end of stream, or until `limit` bytes; `nil` on a reset or timeout.
    public func receiveAll(limit: Int = 1 << 24) -> [UInt8]? {
        var all: [UInt8] = []
        while all.count < limit {
            guard let chunk = self.receive() else { return nil }
            if chunk.isEmpty { break }
            all += chunk
        }
        return all
    }

    /// Receives until `marker` has arrived (or the stream ends, or `limit` bytes came).
    public func receive(through marker: [UInt8], limit: Int = 1 << 20) {
        var all: [UInt8] = []
        while all.count < limit {
            guard let chunk = self.receive(), !chunk.isEmpty else { return }
            all += chunk
            if all.suffix(marker.count + chunk.count).firstRange(of: marker) != nil { return }
        }
    }

    /// Ends our direction of the stream (the peer reads end of stream), keeping the other open.
    public func shutdownWrite() { shutdown(self.fd, Int32(SHUT_WR)) }

    public func close() {
        guard self.fd >= 0 else { return }
        Glibc.close(self.fd)
        self.fd = -1
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
