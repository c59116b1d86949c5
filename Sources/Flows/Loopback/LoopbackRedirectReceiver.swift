// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import PKCE
import Synchronization
import Transport

/// Receives one authorization response on a loopback redirect URI (RFC 8252 §7.3), for command-line
/// tools and desktop apps.
///
/// It accepts the response as a `GET` with query parameters, as a form_post `POST`, and for fragment
/// mode serves a small page whose script posts the fragment's parameters back to the same path (a
/// fragment never reaches a server). The browser is kept waiting until the caller has validated the
/// response and calls ``ReceivedCallback/finish(success:message:)``, so the page it shows is the
/// real outcome. Pages load nothing external and carry a strict Content-Security-Policy.
public final class LoopbackRedirectReceiver: Sendable {
    /// The redirect URI to register and send (`http://127.0.0.1:<port><path>`).
    public let redirectURI: String
    private let server: LoopbackHTTPServer
    private let mailbox: Mailbox

    private init(redirectURI: String, server: LoopbackHTTPServer, mailbox: Mailbox) {
        self.redirectURI = redirectURI
        self.server = server
        self.mailbox = mailbox
    }

    /// Binds the listener (with `SO_REUSEADDR`, so a fixed registered port can be reused at once).
    /// - Parameters:
    ///   - redirectURI: a registered `http://127.0.0.1:<port>/<path>` (or `localhost`/`[::1]`); `nil`
    ///     picks a free port on 127.0.0.1 with path `/callback`.
    /// - Throws: ``FlowsError/Code/invalidRequest`` for a redirect URI that is not loopback http;
    ///   `TransportError.bindFailed` when the port is taken.
    public static func start(redirectURI: String? = nil) throws -> LoopbackRedirectReceiver {
        let target = try LoopbackTarget(redirectURI)
        let mailbox = Mailbox()
        let path = target.path
        let server = try LoopbackHTTPServer.start(address: target.address, port: target.port) { request, body in
            await Self.handle(request, body, path: path, mailbox: mailbox)
        }
        let uri = target.redirectURI(port: server.port)
        return LoopbackRedirectReceiver(redirectURI: uri, server: server, mailbox: mailbox)
    }

    /// Waits for the next authorization response (or an error response) to arrive.
    /// - Throws: ``FlowsError/Code/malformedCallback`` when `timeout` passes first, `CancellationError`.
    public func receive(timeout: Duration) async throws -> ReceivedCallback {
        let mailbox = self.mailbox
        mailbox.reset()
        let timer = Task {
            try await Task.sleep(for: timeout)
            mailbox.expire()
        }
        defer { timer.cancel() }
        guard let callback = await withTaskCancellationHandler(
            operation: { await mailbox.next() }, onCancel: { mailbox.expire() })
        else {
            try Task.checkCancellation()
            throw FlowsError.malformedCallback(reason: "no authorization response within \(timeout)")
        }
        return callback
    }

    /// Stops listening, after giving pages already decided (``ReceivedCallback/finish(success:message:)``)
    /// up to a second to reach the browser.
    public func shutdown() async {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(1)
        while self.mailbox.pagesInFlight > 0 && clock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        // The handler has returned its page; let the server write it.
        try? await Task.sleep(for: .milliseconds(50))
        await self.server.shutdown()
    }

    /// Whether a `Host` value names a loopback host (`127.0.0.1`, `localhost`, `[::1]`, any port).
    static func isLoopbackAuthority(_ authority: String?) -> Bool {
        guard let authority else { return false }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[...close]
        } else {
            host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
        }
        return host == "127.0.0.1" || host.lowercased() == "localhost" || host == "[::1]"
    }

    private static func handle(
        _ request: HTTPRequest, _ body: [UInt8], path: String, mailbox: Mailbox
    ) async -> (HTTPResponse, [UInt8]) {
        // DNS rebinding defence: a page on attacker.example that rebinds its name to 127.0.0.1 sends
        // `Host: attacker.example`; only loopback names reach the callback.
        guard Self.isLoopbackAuthority(request.authority) else {
            return LoopbackPage.outcome(success: false, message: "wrong Host", status: .forbidden)
        }
        let requestPath = request.path ?? "/"
        let pathOnly = requestPath.utf8.split(
            separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard pathOnly.elementsEqual(path.utf8) else { return LoopbackPage.notFound() }
        let parameters: AuthorizationResponse
        do {
            switch request.method {
            case .get:
                guard requestPath.utf8.contains(UInt8(ascii: "?")) else { return LoopbackPage.fragmentRelay() }
                parameters = try AuthorizationResponse(redirectURL: requestPath, mode: .query)
            case .post:
                parameters = try AuthorizationResponse(formBody: body)
            default:
                return LoopbackPage.outcome(success: false, message: "unsupported method", status: .methodNotAllowed)
            }
        } catch {
            return LoopbackPage.outcome(success: false, message: "malformed authorization response", status: .badRequest)
        }
        mailbox.pageStarted()
        defer { mailbox.pageEnded() }
        let outcome = await withCheckedContinuation { (page: CheckedContinuation<(Bool, String), Never>) in
            mailbox.deliver(ReceivedCallback(response: parameters, responder: PageResponder(page)))
        }
        return LoopbackPage.outcome(success: outcome.0, message: outcome.1, status: .ok)
    }
}

/// Hands callbacks from the listener to the one waiting ``LoopbackRedirectReceiver/receive(timeout:)``.
private final class Mailbox: Sendable {
    private struct State {
        var queue: [ReceivedCallback] = []
        var waiter: CheckedContinuation<ReceivedCallback?, Never>?
        var expired = false
        var pages = 0
    }
    private let state = Mutex(State())

    func deliver(_ callback: ReceivedCallback) {
        let waiter = self.state.withLock { state -> CheckedContinuation<ReceivedCallback?, Never>? in
            if let waiter = state.waiter.take() { return waiter }
            // A few stray requests are kept; more are answered at once so no browser hangs.
            if state.queue.count < 4 { state.queue.append(callback) } else { callback.finish(success: false, message: "busy") }
            return nil
        }
        waiter?.resume(returning: callback)
    }

    func next() async -> ReceivedCallback? {
        await withCheckedContinuation { continuation in
            let ready = self.state.withLock { state -> ReceivedCallback?? in
                if !state.queue.isEmpty { return .some(state.queue.removeFirst()) }
                if state.expired { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Wakes the waiter with nothing (timeout or cancellation), now or as soon as it waits.
    func expire() {
        self.state.withLock { state -> CheckedContinuation<ReceivedCallback?, Never>? in
            state.expired = true
            return state.waiter.take()
        }?.resume(returning: nil)
    }

    /// Counts browser requests waiting for or carrying their page.
    func pageStarted() { self.state.withLock { $0.pages += 1 } }
    func pageEnded() { self.state.withLock { $0.pages -= 1 } }
    var pagesInFlight: Int { self.state.withLock { $0.pages } }

    /// Starts a new wait.
    func reset() { self.state.withLock { $0.expired = false } }
}

/// One response that reached the loopback listener; the browser waits for ``finish(success:message:)``.
public struct ReceivedCallback: Sendable {
    /// The parsed parameters (not yet validated).
    public let response: AuthorizationResponse
    let responder: PageResponder

    /// Shows the browser the outcome. Call it once, after validation; `message` is shown as text.
    public func finish(success: Bool, message: String) { self.responder.resume(success, message) }
}

/// Resumes the waiting browser request once.
final class PageResponder: Sendable {
    private let continuation: Mutex<CheckedContinuation<(Bool, String), Never>?>
    init(_ continuation: CheckedContinuation<(Bool, String), Never>) { self.continuation = Mutex(continuation) }
    func resume(_ success: Bool, _ message: String) {
        self.continuation.withLock { $0.take() }?.resume(returning: (success, message))
    }
    deinit { self.continuation.withLock { $0.take() }?.resume(returning: (false, "the client stopped")) }
}
