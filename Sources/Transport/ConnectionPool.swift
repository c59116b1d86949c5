// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// Idle keep-alive connections per origin, with an idle timeout and a cap.
final class IdleConnectionPool: Sendable {
    private struct State {
        var idle: [String: [Connection]] = [:]
        var isShutdown = false
    }

    private let state = Mutex(State())
    private let maximumIdlePerOrigin: Int
    private let idleTimeout: Duration

    init(maximumIdlePerOrigin: Int, idleTimeout: Duration) {
        self.maximumIdlePerOrigin = maximumIdlePerOrigin
        self.idleTimeout = idleTimeout
    }

    /// The most recently used live connection to `key`, if any; expired or dead ones are closed.
    func take(_ key: String) -> Connection? {
        var discarded: [Connection] = []
        defer { for connection in discarded { connection.close() } }
        let now = ContinuousClock.now
        return self.state.withLock { state in
            while let connection = state.idle[key]?.popLast() {
                if now - connection.idleSince < self.idleTimeout && connection.isIdleAndOpen {
                    return connection
                }
                discarded.append(connection)
            }
            state.idle[key] = nil
            return nil
        }
    }

    /// Keeps `connection` for reuse, or closes it if the pool is full or shut down.
    func release(_ connection: Connection, key: String) {
        var discarded: [Connection] = []
        defer { for connection in discarded { connection.close() } }
        let now = ContinuousClock.now
        connection.idleSince = now
        self.state.withLock { state in
            guard !state.isShutdown, self.maximumIdlePerOrigin > 0 else {
                discarded.append(connection)
                return
            }
            var list = state.idle[key] ?? []
            list.removeAll { stale in
                guard now - stale.idleSince >= self.idleTimeout else { return false }
                discarded.append(stale)
                return true
            }
            if list.count >= self.maximumIdlePerOrigin { discarded.append(list.removeFirst()) }
            list.append(connection)
            state.idle[key] = list
        }
    }

    /// How many idle connections are kept, in total.
    var idleCount: Int { self.state.withLock { $0.idle.values.reduce(0) { $0 + $1.count } } }

    /// Closes every idle connection; later releases close their connection.
    func shutdown() {
        let connections = self.state.withLock { state in
            state.isShutdown = true
            let all = state.idle.values.flatMap { $0 }
            state.idle = [:]
            return all
        }
        for connection in connections { connection.close() }
    }

    var isShutdown: Bool { self.state.withLock { $0.isShutdown } }
}
