import Synchronization

// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One dedicated thread that `poll(2)`s every waiting socket of the process and resumes the task that waits.
///
/// Sockets are non-blocking: tasks call `recv`/`send`/`accept` themselves (they never block) and, on
/// `EAGAIN`, park here until the descriptor is ready, their deadline passes or they are cancelled. No
/// blocking call ever runs on Swift's cooperative pool, and a thousand parked requests cost one thread.
/// The loop lives as long as the process, like NIO's singleton event loop group.
@safe
final class IOEventLoop: Sendable {
    /// The process-wide loop, started on first use.
    static let shared: IOEventLoop = {
        let loop = IOEventLoop()
        loop.start()
        return loop
    }()

    /// What a waiter needs from its descriptor.
    enum Interest: Sendable {
        case readable
        case writable
    }

    private struct Waiter {
        var fd: Int32
        var events: Int16
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Bool, any Error>
    }

    /// A wait is reserved before its continuation exists, so a cancellation that races the
    /// registration is never lost and never leaks an entry.
    private enum Entry {
        case reserved
        case cancelled
        case waiting(Waiter)
    }

    private struct State {
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
    }

    private let state = Mutex(State())
    /// A self-pipe: writing a byte interrupts `poll` so that it picks up new waiters.
    private let wakeReader: Int32
    private let wakeWriter: Int32

    private init() {
        var descriptors: [Int32] = [-1, -1]
        let status = unsafe descriptors.withUnsafeMutableBufferPointer { unsafe pipe($0.baseAddress) }
        // Without a wake-up pipe no request could ever be sent; this is a process-level failure.
        precondition(status == 0, "pipe() failed: \(POSIX.describe(errno: POSIX.lastError))")
        precondition(POSIX.makeNonBlocking(descriptors[0]) && POSIX.makeNonBlocking(descriptors[1]))
        self.wakeReader = descriptors[0]
        self.wakeWriter = descriptors[1]
    }

    private func start() {
        let context = unsafe Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let status = unsafe pthread_create(
            &thread, nil,
            { context in
                guard let context = unsafe context else { return nil }
                let loop = unsafe Unmanaged<IOEventLoop>.fromOpaque(context).takeRetainedValue()
                loop.run()
                return nil
            }, context)
        precondition(status == 0, "pthread_create failed: \(POSIX.describe(errno: status))")
        pthread_detach(thread)
    }

    /// Suspends until `fd` is ready for `interest`.
    ///
    /// - Returns: `true` when the descriptor is ready (or in error: the next syscall reports it),
    ///   `false` when `deadline` passed first.
    /// - Throws: `TransportError.cancelled` when the task is cancelled while waiting.
    func wait(for fd: Int32, _ interest: Interest, until deadline: ContinuousClock.Instant) async throws -> Bool {
        if Task.isCancelled { throw TransportError.cancelled(reason: "the task was cancelled") }
        if deadline <= .now { return false }
        let events = Int16(interest == .readable ? POLLIN : POLLOUT)
        let id = self.state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = .reserved
            return id
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
                let registered = self.state.withLock { state in
                    guard case .reserved = state.entries[id] else {
                        state.entries[id] = nil
                        return false
                    }
                    let waiter = Waiter(fd: fd, events: events, deadline: deadline, continuation: continuation)
                    state.entries[id] = .waiting(waiter)
                    return true
                }
                if registered {
                    self.wake()
                } else {
                    continuation.resume(throwing: TransportError.cancelled(reason: "the task was cancelled"))
                }
            }
        } onCancel: {
            let continuation = self.state.withLock { state -> CheckedContinuation<Bool, any Error>? in
                switch state.entries[id] {
                case .reserved:
                    state.entries[id] = .cancelled
                    return nil
                case .waiting(let waiter):
                    state.entries[id] = nil
                    return waiter.continuation
                case .cancelled, nil:
                    return nil
                }
            }
            if let continuation {
                continuation.resume(throwing: TransportError.cancelled(reason: "the task was cancelled"))
                self.wake()
            }
        }
    }

    /// Suspends until `deadline` (a timer with no descriptor: `poll` ignores negative descriptors).
    func sleep(until deadline: ContinuousClock.Instant) async throws {
        _ = try await self.wait(for: -1, .readable, until: deadline)
    }

    private func wake() {
        var byte: UInt8 = 1
        // EAGAIN means the pipe is full, so the loop is already due to wake: nothing to do.
        _ = unsafe write(self.wakeWriter, &byte, 1)
    }

    private func drainWakePipe() {
        var scratch = [UInt8](repeating: 0, count: 256)
        while unsafe scratch.withUnsafeMutableBytes({ unsafe read(self.wakeReader, $0.baseAddress, $0.count) }) > 0 {}
    }

    private func run() {
        var descriptors: [pollfd] = []
        var ids: [UInt64] = []
        var ready: [(CheckedContinuation<Bool, any Error>, Bool)] = []
        while true {
            descriptors.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
            descriptors.append(pollfd(fd: self.wakeReader, events: Int16(POLLIN), revents: 0))
            let earliest = self.state.withLock { state -> ContinuousClock.Instant? in
                var earliest: ContinuousClock.Instant? = nil
                for (id, entry) in state.entries {
                    guard case .waiting(let waiter) = entry else { continue }
                    if waiter.fd >= 0 {  // timers only have a deadline, and must not count toward RLIMIT_NOFILE
                        descriptors.append(pollfd(fd: waiter.fd, events: waiter.events, revents: 0))
                        ids.append(id)
                    }
                    if earliest.map({ waiter.deadline < $0 }) ?? true { earliest = waiter.deadline }
                }
                return earliest
            }
            let timeout = earliest.map { Self.milliseconds(until: $0) } ?? -1
            let count = unsafe poll(&descriptors, nfds_t(descriptors.count), timeout)
            if count < 0 {
                // EINTR, or a transient EAGAIN/ENOMEM: try again shortly; deadlines still fire.
                if POSIX.lastError != EINTR { usleep(1000) }
                continue
            }
            if descriptors[0].revents != 0 { self.drainWakePipe() }
            let now = ContinuousClock.now
            self.state.withLock { state in
                for index in 1..<descriptors.count where descriptors[index].revents != 0 {
                    if case .waiting(let waiter) = state.entries.removeValue(forKey: ids[index - 1]) {
                        ready.append((waiter.continuation, true))
                    }
                }
                for (id, entry) in state.entries {
                    if case .waiting(let waiter) = entry, waiter.deadline <= now {
                        state.entries[id] = nil
                        ready.append((waiter.continuation, false))
                    }
                }
            }
            for (continuation, isReady) in ready { continuation.resume(returning: isReady) }
            ready.removeAll(keepingCapacity: true)
        }
    }

    /// Milliseconds from now until `deadline`, rounded up so that the loop never spins early.
    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = deadline - .now
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: total)
    }
}
