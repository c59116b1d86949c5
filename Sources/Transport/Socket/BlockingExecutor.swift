import Synchronization

// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A few dedicated threads for the calls that can only block (`getaddrinfo`).
///
/// On Linux, Dispatch's global queues and Swift's cooperative pool share the same few worker threads
/// (one per core), so blocking work must not go to `DispatchQueue.global()` either. Jobs wait in a
/// queue; a pipe counts them, and each idle worker blocks in `read(2)` for the next one.
@safe
final class BlockingExecutor: Sendable {
    /// The process-wide executor, started on first use.
    static let shared: BlockingExecutor = {
        let executor = BlockingExecutor()
        executor.start(threads: 4)
        return executor
    }()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let signalReader: Int32
    private let signalWriter: Int32

    private init() {
        var descriptors: [Int32] = [-1, -1]
        let status = unsafe descriptors.withUnsafeMutableBufferPointer { unsafe pipe($0.baseAddress) }
        // Without the pipe no host name could ever be resolved; this is a process-level failure.
        precondition(status == 0, "pipe() failed: \(POSIX.describe(errno: POSIX.lastError))")
        for fd in descriptors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        self.signalReader = descriptors[0]
        self.signalWriter = descriptors[1]
    }

    private func start(threads: Int) {
        for _ in 0..<threads {
            let context = unsafe Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            let status = unsafe pthread_create(
                &thread, nil,
                { context in
                    guard let context = unsafe context else { return nil }
                    let executor = unsafe Unmanaged<BlockingExecutor>.fromOpaque(context).takeRetainedValue()
                    executor.work()
                    return nil
                }, context)
            precondition(status == 0, "pthread_create failed: \(POSIX.describe(errno: status))")
            pthread_detach(thread)
        }
    }

    /// Runs `job` on one of the executor's threads.
    func submit(_ job: @escaping @Sendable () -> Void) {
        self.jobs.withLock { $0.append(job) }
        var byte: UInt8 = 1
        while unsafe write(self.signalWriter, &byte, 1) < 0 && POSIX.lastError == EINTR {}
    }

    private func work() {
        var byte: UInt8 = 0
        while true {
            let count = unsafe read(self.signalReader, &byte, 1)
            guard count == 1 else { continue }  // EINTR
            let job = self.jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            job?()
        }
    }
}
