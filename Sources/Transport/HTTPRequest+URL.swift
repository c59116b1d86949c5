// SPDX-License-Identifier: Apache-2.0
public import HTTPTypes

extension HTTPRequest {
    /// A request for an absolute `http`/`https` URL string (`https://host[:port]/path[?query]`).
    ///
    /// The fragment, if any, is dropped (it never goes on the wire). User info in the authority is
    /// refused, as is anything but http and https.
    /// - Throws: ``TransportError/Code/invalidRequest`` for a URL that is not absolute http(s).
    public init(method: Method, url: String, headerFields: HTTPFields = [:]) throws {
        let withoutFragment = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let scheme: String
        let rest: Substring
        if withoutFragment.lowercased().hasPrefix("https://") {
            scheme = "https"
            rest = withoutFragment.dropFirst(8)
        } else if withoutFragment.lowercased().hasPrefix("http://") {
            scheme = "http"
            rest = withoutFragment.dropFirst(7)
        } else {
            throw TransportError.invalidRequest(reason: "not an absolute http(s) URL")
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        guard HostAndPort(authority: authority, defaultPort: scheme == "https" ? 443 : 80) != nil else {
            throw TransportError.invalidRequest(reason: "invalid host in URL")
        }
        var path = String(rest[authorityEnd...])
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        guard path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw TransportError.invalidRequest(reason: "URL path holds spaces, controls or non-ASCII bytes")
        }
        self.init(method: method, scheme: scheme, authority: authority, path: path, headerFields: headerFields)
    }
}
