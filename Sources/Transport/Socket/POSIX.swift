// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Small wrappers over libc calls shared by the socket code.
enum POSIX {
    /// `strerror(code)` as a Swift string.
    static func describe(errno code: Int32) -> String {
        guard let text = unsafe strerror(code) else { return "errno \(code)" }
        return unsafe String(cString: text)
    }

    /// The calling thread's `errno`.
    static var lastError: Int32 { errno }

    /// Makes `fd` non-blocking and close-on-exec; returns `false` if `fcntl` failed.
    static func makeNonBlocking(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else { return false }
        let descriptorFlags = fcntl(fd, F_GETFD)
        guard descriptorFlags >= 0, fcntl(fd, F_SETFD, descriptorFlags | FD_CLOEXEC) == 0 else { return false }
        return true
    }

    /// Closes `fd`, ignoring `EINTR` (Linux always releases the descriptor).
    static func close(_ fd: Int32) {
        #if canImport(Glibc)
            _ = Glibc.close(fd)
        #elseif canImport(Musl)
            _ = Musl.close(fd)
        #elseif canImport(Darwin)
            _ = Darwin.close(fd)
        #endif
    }

    /// The value of an environment variable, or `nil`.
    static func environment(_ name: String) -> String? {
        guard let value = unsafe getenv(name) else { return nil }
        return unsafe String(cString: value)
    }

    /// Whether `text` is an IPv4 or IPv6 literal (without brackets).
    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        let isIPv4 = unsafe inet_pton(AF_INET, text, &v4) == 1
        let isIPv6 = unsafe inet_pton(AF_INET6, text, &v6) == 1
        return isIPv4 || isIPv6
    }
}
