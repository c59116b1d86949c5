// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Transport

/// An absolute `https` or `http` URL split into what an `HTTPRequest` needs, checked strictly.
///
/// Only printable ASCII is accepted (no spaces, no IRIs); user info (`user@host`) is refused; the
/// host must be non-empty and the port, when given, 1...65535. A fragment is refused for everything
/// the library fetches or publishes as an endpoint (RFC 6749 §3.1).
struct EndpointURL: Hashable, Sendable, CustomStringConvertible {
    /// `https` or `http`, lowercased.
    let scheme: String
    /// The authority as given (`op.example.com`, `127.0.0.1:8080`, `[::1]:443`).
    let authority: String
    /// The host, lowercased, without brackets.
    let host: String
    /// The origin-form request target (`/path?query`), `/` when the URL has no path.
    let pathAndQuery: String
    /// Whether the URL has a query.
    let hasQuery: Bool
    /// The text as given.
    let text: String

    /// Parses `text`; `what` names it in errors (`"token_endpoint"`, `discovery URL`).
    /// - Throws: a ``DiscoveryError`` built by `failure` with a reason naming `what`.
    init(_ text: String, what: String, failure: (String) -> DiscoveryError = { DiscoveryError.invalidURL(reason: $0) })
        throws
    {
        let shown = Self.printable(Self.redacted(text))
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw failure("\(what) \(shown) is not an absolute URL of printable ASCII without spaces")
        }
        guard let separator = text.firstRange(of: "://") else {
            throw failure("\(what) \(shown) is not an absolute URL")
        }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else {
            throw failure(
                "\(what) \(shown) has scheme \"\(Self.printable(scheme))\"; only https (or http for loopback) is used")
        }
        guard !text.contains("#") else { throw failure("\(what) \(shown) has a fragment") }
        let rest = text[separator.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        guard !authority.contains("@") else { throw failure("\(what) \(shown) holds user info") }
        guard let host = Self.host(of: authority) else {
            throw failure("\(what) \(shown) has no valid host and port")
        }
        var target = String(rest[authorityEnd...])
        if target.hasPrefix("?") || target.isEmpty { target = "/" + target }
        self.scheme = scheme
        self.authority = authority
        self.host = host
        self.pathAndQuery = target
        self.hasQuery = target.contains("?")
        self.text = text
    }

    /// Whether the host is a loopback address: `localhost`, `127.0.0.0/8` or `::1`.
    var isLoopback: Bool {
        if self.host == "localhost" || self.host == "::1" || self.host == "0:0:0:0:0:0:0:1" { return true }
        let octets = self.host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.first == "127" else { return false }
        return octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil }
    }

    /// Whether the URL may be used: `https`, or `http` to a loopback host when that is allowed.
    func isSecure(allowingLoopback: Bool) -> Bool {
        self.scheme == "https" || (allowingLoopback && self.isLoopback)
    }

    /// The URL without its query, for errors and logs (a query may hold something private).
    var description: String { Self.redacted(self.text) }

    /// `text` with any query replaced by `?<redacted>`.
    static func redacted(_ text: String) -> String {
        guard let mark = text.firstIndex(of: "?") else { return text }
        return text[..<mark] + "?<redacted>"
    }

    /// A `GET` for this URL.
    func getRequest(accept: String) -> HTTPRequest {
        var fields = HTTPFields()
        fields[.accept] = accept
        return HTTPRequest(
            method: .get, scheme: self.scheme, authority: self.authority, path: self.pathAndQuery, headerFields: fields)
    }

    /// The lowercased host of `authority`, or `nil` when it is empty, holds user info or its port is
    /// invalid: the same parser Transport uses to decide where to connect.
    private static func host(of authority: String) -> String? {
        HostAndPort(authority: authority, defaultPort: 443)?.host
    }

    /// `text` quoted for an error message: at most 200 characters, control characters escaped.
    static func printable(_ text: some StringProtocol) -> String {
        var shown = ""
        for scalar in text.unicodeScalars.prefix(200) {
            shown +=
                scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }
        return "\"" + shown + (text.unicodeScalars.count > 200 ? "…" : "") + "\""
    }
}
