// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A resolved IPv4 or IPv6 address and port, copied out of `getaddrinfo`'s list.
struct SocketAddress: Sendable, CustomStringConvertible {
    /// The raw `sockaddr_in`/`sockaddr_in6` bytes.
    let storage: [UInt8]
    let family: Int32
    /// `127.0.0.1:8080` or `[::1]:8080`.
    let description: String

    init(storage: [UInt8], family: Int32) {
        self.storage = storage
        self.family = family
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: 32)
        let status = unsafe storage.withUnsafeBytes { raw in
            unsafe host.withUnsafeMutableBufferPointer { hostBuffer in
                unsafe service.withUnsafeMutableBufferPointer { serviceBuffer in
                    unsafe getnameinfo(
                        raw.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count),
                        hostBuffer.baseAddress, socklen_t(hostBuffer.count),
                        serviceBuffer.baseAddress, socklen_t(serviceBuffer.count),
                        NI_NUMERICHOST | NI_NUMERICSERV)
                }
            }
        }
        if status == 0 {
            let hostText = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let port = String(decoding: service.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            self.description = family == AF_INET6 ? "[\(hostText)]:\(port)" : "\(hostText):\(port)"
        } else {
            self.description = "(unprintable address)"
        }
    }

    /// The loopback address of `family` with `port` (0 lets the kernel choose).
    static func loopback(ipv6: Bool, port: UInt16) -> SocketAddress {
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = in6addr_loopback
            let bytes = unsafe withUnsafeBytes(of: &address) { unsafe [UInt8]($0) }
            return SocketAddress(storage: bytes, family: AF_INET6)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bytes = unsafe withUnsafeBytes(of: &address) { unsafe [UInt8]($0) }
        return SocketAddress(storage: bytes, family: AF_INET)
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        unsafe self.storage.withUnsafeBytes { raw in
            unsafe body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
    }
}
