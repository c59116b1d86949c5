// SPDX-License-Identifier: Apache-2.0
import Transport

/// A loopback redirect URI taken apart: `http://127.0.0.1:<port>/path`.
struct LoopbackTarget {
    var host: String
    var address: LoopbackHTTPServer.Address
    var port: Int
    var path: String

    init(_ redirectURI: String?) throws {
        guard let redirectURI else {
            (self.host, self.address, self.port, self.path) = ("127.0.0.1", .ipv4, 0, "/callback")
            return
        }
        guard redirectURI.hasPrefix("http://"), !redirectURI.contains("?"), !redirectURI.contains("#") else {
            throw FlowsError.invalidRequest(reason: "loopback redirect URI must be http://127.0.0.1:PORT/path")
        }
        let rest = redirectURI.dropFirst(7)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        self.path = slash == rest.endIndex ? "/" : String(rest[slash...])
        let hostPart: Substring
        let portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw FlowsError.invalidRequest(reason: "invalid redirect URI host")
            }
            hostPart = authority[authority.startIndex...close]
            let after = authority[authority.index(after: close)...]
            portPart = after.hasPrefix(":") ? after.dropFirst() : nil
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
            portPart = nil
        }
        switch hostPart {
        case "127.0.0.1", "localhost": self.address = .ipv4
        case "[::1]": self.address = .ipv6
        default: throw FlowsError.invalidRequest(reason: "redirect URI host \(hostPart.prefix(64)) is not loopback")
        }
        self.host = String(hostPart)
        guard let port = Int(portPart ?? "80"), (0...65535).contains(port) else {
            throw FlowsError.invalidRequest(reason: "invalid redirect URI port")
        }
        self.port = port
    }

    func redirectURI(port: Int) -> String { "http://\(self.host):\(port)\(self.path)" }
}
