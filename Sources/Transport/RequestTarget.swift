// SPDX-License-Identifier: Apache-2.0
import HTTPTypes

/// A host and port parsed from an authority (`example.com:8443`, `[::1]:80`, `127.0.0.1`).
package struct HostAndPort: Hashable, Sendable, CustomStringConvertible {
    /// The host without brackets, lowercased when it is a name.
    package var host: String
    /// The port (the scheme's default when the authority names none).
    package var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `authority`, rejecting user info, empty hosts and invalid ports.
    package init?(authority: String, defaultPort: Int) {
        guard !authority.isEmpty, !authority.contains("@"), HTTP1Message.isSafeFieldText(authority),
            !authority.contains(" "), !authority.contains("/")
        else { return nil }
        var host: Substring
        var portText: Substring? = nil
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
            guard POSIX.isIPAddress(String(host)) else { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        } else {
            host = Substring(authority)
        }
        guard !host.isEmpty else { return nil }
        var port = defaultPort
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCII), let value = Int(portText),
                (1...65535).contains(value)
            else { return nil }
            port = value
        }
        self.host = String(host).lowercased()
        self.port = port
    }

    /// `host:port`, with brackets around an IPv6 literal.
    package var description: String { self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)" }
}

/// Where a request goes: validated once before any socket is opened.
struct RequestTarget: Hashable, Sendable {
    var isSecure: Bool
    var endpoint: HostAndPort
    /// The `Host` header value (the request's authority as given).
    var authority: String
    /// The origin-form request target (`/path?query`).
    var path: String

    /// - Throws: `TransportError.invalidRequest` for a missing or unsupported scheme, authority or path.
    init(_ request: HTTPRequest) throws {
        switch request.scheme?.lowercased() {
        case "https": self.isSecure = true
        case "http": self.isSecure = false
        default:
            throw TransportError.invalidRequest(reason: "unsupported scheme \(request.scheme ?? "(none)")")
        }
        guard let authority = request.authority,
            let endpoint = HostAndPort(authority: authority, defaultPort: self.isSecure ? 443 : 80)
        else { throw TransportError.invalidRequest(reason: "missing or invalid authority") }
        let path = request.path ?? "/"
        guard path.hasPrefix("/") || (path == "*" && request.method == .options),
            path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw TransportError.invalidRequest(reason: "the path must be origin-form ASCII without spaces") }
        self.endpoint = endpoint
        self.authority = authority
        self.path = path
    }

    /// The pool key: scheme, host and port.
    var poolKey: String { "\(self.isSecure ? "https" : "http")://\(self.endpoint)" }
}
