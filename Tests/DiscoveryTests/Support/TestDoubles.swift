// SPDX-License-Identifier: Apache-2.0
import Discovery
import HTTPTypes
import JOSE
import Synchronization
import Transport

/// A clock the tests move by hand (seconds since the Unix epoch).
final class ManualClock: Sendable {
    private let seconds = Mutex<Double>(1_767_225_600)

    var now: Double { self.seconds.withLock { $0 } }

    /// The closure to inject as a configuration's `now`.
    var closure: @Sendable () -> Double { { self.now } }

    func advance(by seconds: Double) { self.seconds.withLock { $0 += seconds } }
}

/// A latch that holds requests until the test opens it.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = self.state.withLock { state in
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = self.state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Counts how many tasks reached a point, so a test can wait until all of them have.
final class Arrivals: Sendable {
    private let count = Mutex(0)

    func arrive() { self.count.withLock { $0 += 1 } }

    /// Returns once `expected` tasks arrived, then gives them a few milliseconds to reach their next
    /// suspension point.
    func wait(for expected: Int) async throws {
        while self.count.withLock({ $0 }) < expected { try await Task.sleep(for: .milliseconds(1)) }
        try await Task.sleep(for: .milliseconds(30))
    }
}

/// One canned answer.
struct StubResponse: Sendable {
    var status: Int = 200
    var headers: [(String, String)] = []
    var body: [UInt8]
    /// Fail below HTTP instead of answering.
    var transportError: TransportError? = nil

    static func json(_ object: JSONObject, headers: [(String, String)] = []) -> Self {
        Self(headers: headers, body: object.serialized())
    }

    static func failure(
        _ error: TransportError = .connectFailed(reason: "connect to op.example.com:443: Connection refused")
    ) -> Self {
        Self(body: [], transportError: error)
    }
}

/// An ``HTTPTransport`` test double: answers by URL (`scheme://authority/path`), records every request.
final class StubTransport: HTTPTransport {
    private struct State {
        var routes: [String: StubResponse] = [:]
        var requests: [HTTPRequest] = []
    }
    private let state = Mutex(State())
    private let gate = Mutex<Gate?>(nil)

    /// Holds every later request until `gate` opens, so that concurrent callers overlap.
    func hold(until gate: Gate) { self.gate.withLock { $0 = gate } }

    func route(_ url: String, _ response: StubResponse) { self.state.withLock { $0.routes[url] = response } }

    var requests: [HTTPRequest] { self.state.withLock { $0.requests } }

    func count(_ url: String) -> Int { self.requests.filter { Self.url(of: $0) == url }.count }

    static func url(of request: HTTPRequest) -> String {
        "\(request.scheme ?? "")://\(request.authority ?? "")\(request.path ?? "")"
    }

    func send(_ request: HTTPRequest, body: [UInt8]?, deadline: ContinuousClock.Instant) async throws -> (
        HTTPResponse, [UInt8]
    ) {
        let url = Self.url(of: request)
        let response = self.state.withLock { state in
            state.requests.append(request)
            return state.routes[url]
        }
        if let gate = self.gate.withLock({ $0 }) { await gate.wait() }
        guard let response else { return (HTTPResponse(status: .notFound), Array("no route".utf8)) }
        if let error = response.transportError { throw error }
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return (HTTPResponse(status: .init(code: response.status), headerFields: fields), response.body)
    }
}
