import Synchronization

// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Name resolution through `getaddrinfo(3)`.
///
/// IP literals resolve inline (`AI_NUMERICHOST` never blocks). Names are looked up on
/// ``BlockingExecutor``'s dedicated threads, never on Swift's cooperative pool (nor on Dispatch's
/// global queues, which share its threads on Linux); the caller stops waiting at its deadline or on
/// cancellation, and a late answer is simply dropped.
enum Resolver {
    /// Resolves `host` to TCP addresses for `port`, in `getaddrinfo`'s (RFC 6724) order.
    ///
    /// - Throws: `TransportError.dnsFailed`, `.timedOut`, `.cancelled`.
    static func resolve(host: String, port: Int, deadline: ContinuousClock.Instant) async throws -> [SocketAddress] {
        if POSIX.isIPAddress(host) {
            return try self.lookup(host: host, port: port, numericOnly: true)
        }
        return try await withThrowingTaskGroup(of: [SocketAddress].self) { group in
            group.addTask { try await self.offloadedLookup(host: host, port: port) }
            group.addTask {
                try await IOEventLoop.shared.sleep(until: deadline)
                throw TransportError.timedOut(reason: "resolving \(host) took longer than the deadline")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else {
                throw TransportError.dnsFailed(reason: "no result for \(host)")
            }
            return first
        }
    }

    /// One pending offloaded lookup; whoever comes first (the answer or a cancellation) resumes it.
    private final class Pending: Sendable {
        let continuation = Mutex<CheckedContinuation<[SocketAddress], any Error>?>(nil)

        func finish(_ result: Result<[SocketAddress], any Error>) {
            let continuation = self.continuation.withLock { stored in
                let taken = stored
                stored = nil
                return taken
            }
            continuation?.resume(with: result)
        }
    }

    private static func offloadedLookup(host: String, port: Int) async throws -> [SocketAddress] {
        let pending = Pending()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                pending.continuation.withLock { $0 = continuation }
                if Task.isCancelled {
                    pending.finish(.failure(TransportError.cancelled(reason: "the task was cancelled")))
                    return
                }
                BlockingExecutor.shared.submit {
                    pending.finish(Result { try self.lookup(host: host, port: port, numericOnly: false) })
                }
            }
        } onCancel: {
            pending.finish(.failure(TransportError.cancelled(reason: "the task was cancelled")))
        }
    }

    /// The blocking `getaddrinfo` call.
    private static func lookup(host: String, port: Int, numericOnly: Bool) throws -> [SocketAddress] {
        var hints = unsafe addrinfo()
        unsafe hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
            unsafe hints.ai_socktype = SOCK_STREAM
        #else
            unsafe hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        unsafe hints.ai_protocol = Int32(IPPROTO_TCP)
        unsafe hints.ai_flags = AI_NUMERICSERV | (numericOnly ? AI_NUMERICHOST : 0)
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let status = unsafe getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            let message = unsafe gai_strerror(status).map { unsafe String(cString: $0) } ?? "error \(status)"
            throw TransportError.dnsFailed(reason: "cannot resolve \(host): \(message)")
        }
        defer { unsafe freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var cursor = unsafe list
        while let entry = unsafe cursor {
            let family = unsafe entry.pointee.ai_family
            if let address = unsafe entry.pointee.ai_addr, family == AF_INET || family == AF_INET6 {
                let length = Int(unsafe entry.pointee.ai_addrlen)
                let bytes = unsafe [UInt8](UnsafeRawBufferPointer(start: address, count: length))
                addresses.append(SocketAddress(storage: bytes, family: family))
            }
            unsafe cursor = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw TransportError.dnsFailed(reason: "\(host) has no IPv4 or IPv6 address") }
        return addresses
    }
}
