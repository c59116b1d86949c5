// SPDX-License-Identifier: Apache-2.0
public import HTTPTypes

/// Sends one HTTP request and returns the response with its fully buffered body.
///
/// Every network call of swift-oidc (discovery, JWKS, token, userinfo, revocation) goes through this
/// protocol, so that an application can plug in ``SocketHTTPClient`` (the default), AsyncHTTPClient,
/// URLSession or a test double (see `Docs/transport.md` for ready-to-copy adapters).
///
/// The request and response are swift-http-types values; the body is a byte array because OIDC
/// messages are small and must be complete before they are parsed.
public protocol HTTPTransport: Sendable {
    /// Sends `request` with `body` and waits for the whole response.
    ///
    /// A non-2xx status is a response, not an error. Implementations honour `deadline` and task
    /// cancellation, and bound the size of what they read.
    ///
    /// - Parameters:
    ///   - request: method, scheme (`https` or `http`), authority and path, plus header fields.
    ///   - body: the request body, or `nil` for none.
    ///   - deadline: when to give up, whatever the phase (DNS, connect, TLS, write, read).
    /// - Returns: the response head and its body, decoded from any `gzip`/`deflate` content coding.
    /// - Throws: `TransportError` for network, TLS, framing or limit failures (``SocketHTTPClient`` lists
    ///   its codes); other implementations may throw their own errors.
    func send(
        _ request: HTTPRequest, body: [UInt8]?, deadline: ContinuousClock.Instant
    ) async throws -> (HTTPResponse, [UInt8])
}
