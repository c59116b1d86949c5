// SPDX-License-Identifier: Apache-2.0

/// Whether ``SocketHTTPClient`` follows redirects.
///
/// The default, ``disabled``, returns every 3xx response as it is: a token endpoint must never be
/// redirected silently. ``followGET(maximumCount:)`` follows redirects of `GET` and `HEAD` requests
/// only (discovery documents, JWK Sets), and never from `https` to `http`.
public struct RedirectPolicy: Hashable, Sendable {
    /// How many redirects one request may follow; 0 disables following.
    public let maximumCount: Int

    private init(maximumCount: Int) { self.maximumCount = maximumCount }

    /// Never follow; a 3xx is returned to the caller.
    public static let disabled = Self(maximumCount: 0)

    /// Follow up to `maximumCount` redirects of `GET`/`HEAD` requests.
    ///
    /// `Authorization`, `Cookie` and `Proxy-Authorization` are dropped when a redirect leaves the origin.
    /// A redirect from `https` to `http` throws `TransportError.redirectRefused`, and so does one more
    /// than `maximumCount`.
    public static func followGET(maximumCount: Int = 5) -> Self { Self(maximumCount: max(0, maximumCount)) }
}
