// SPDX-License-Identifier: Apache-2.0

/// An HTTP proxy that `https` requests tunnel through with `CONNECT` (RFC 9110 §9.3.6).
///
/// Plain `http` requests always go direct. Opt in explicitly, or with ``fromEnvironment()`` to follow
/// `HTTPS_PROXY`/`NO_PROXY` as curl does.
public struct HTTPSProxy: Hashable, Sendable, CustomStringConvertible {
    /// The proxy's host name or IP address.
    public var host: String
    /// The proxy's port.
    public var port: Int
    /// The user name for `Proxy-Authorization: Basic`, or `nil` for none.
    public var username: String?
    /// The password for `Proxy-Authorization: Basic`; never printed.
    public var password: String?
    /// Hosts that bypass the proxy: exact names, domain suffixes (`example.com` and `.example.com` both
    /// match `a.example.com`), IP literals, or `*` for every host.
    public var excludedHosts: [String]

    /// `HTTPSProxy(host:port:)` with the credentials redacted.
    public var description: String {
        "HTTPSProxy(\(self.host):\(self.port)\(self.username == nil ? "" : ", credentials: <redacted>"))"
    }

    /// - Parameters: see the properties.
    public init(
        host: String, port: Int, username: String? = nil, password: String? = nil, excludedHosts: [String] = []
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.excludedHosts = excludedHosts
    }

    /// The proxy named by `HTTPS_PROXY` (or `https_proxy`) with `NO_PROXY` (or `no_proxy`), or `nil`
    /// when no proxy is set.
    ///
    /// Accepts `http://[user:password@]host[:port]` or `host:port` (the port defaults to 80). An
    /// `https://` proxy URL (TLS to the proxy itself) is not supported and yields `nil`.
    public init?(environment: [String: String]) {
        guard let value = environment["HTTPS_PROXY"] ?? environment["https_proxy"], !value.isEmpty else {
            return nil
        }
        var rest = Substring(value)
        if rest.lowercased().hasPrefix("http://") {
            rest = rest.dropFirst(7)
        } else if rest.contains("://") {
            return nil
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var username: String? = nil
        var password: String? = nil
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            username = Self.percentDecoded(parts[0])
            password = parts.count > 1 ? Self.percentDecoded(parts[1]) : ""
        }
        guard let authority = HostAndPort(authority: String(rest), defaultPort: 80) else { return nil }
        let noProxy = environment["NO_PROXY"] ?? environment["no_proxy"] ?? ""
        self.init(
            host: authority.host, port: authority.port, username: username, password: password,
            excludedHosts: noProxy.split(separator: ",").map { $0.trimmingOWS() }.filter { !$0.isEmpty })
    }

    /// The proxy named by this process's `HTTPS_PROXY`/`NO_PROXY` environment, or `nil`.
    public static func fromEnvironment() -> HTTPSProxy? {
        var environment: [String: String] = [:]
        for name in ["HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"] {
            if let value = POSIX.environment(name) { environment[name] = value }
        }
        return HTTPSProxy(environment: environment)
    }

    /// Whether requests to `host` bypass the proxy.
    public func isExcluded(host: String) -> Bool {
        let host = host.lowercased()
        return self.excludedHosts.contains { entry in
            var pattern = entry.lowercased()
            if pattern == "*" { return true }
            if pattern.hasPrefix("["), let end = pattern.firstIndex(of: "]") {
                pattern = String(pattern[pattern.index(after: pattern.startIndex)..<end])
            } else if let colon = pattern.lastIndex(of: ":"), pattern.filter({ $0 == ":" }).count == 1 {
                pattern = String(pattern[..<colon])
            }
            if pattern.hasPrefix(".") { pattern.removeFirst() }
            if pattern.hasPrefix("*.") { pattern.removeFirst(2) }
            return host == pattern || host.hasSuffix("." + pattern)
        }
    }

    /// The `Proxy-Authorization` value, if credentials are set.
    var authorizationValue: String? {
        self.username.map { "Basic " + Base64.encode(Array("\($0):\(self.password ?? "")".utf8)) }
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Standard base64 (RFC 4648 §4), for `Basic` credentials.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(self.alphabet[Int(b0 >> 2)])
            output.append(self.alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(index + 1 < bytes.count ? self.alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? self.alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
