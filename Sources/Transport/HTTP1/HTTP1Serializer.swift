// SPDX-License-Identifier: Apache-2.0
import HTTPTypes

/// Writes HTTP/1.1 message heads (RFC 9112 §3, §4, §6).
enum HTTP1Serializer {
    /// Fields we always write ourselves from the message's framing, never copied from the caller.
    private static let framingFields: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "upgrade",
    ]

    /// The head of a client request, with `Host`, `User-Agent`, `Accept-Encoding` and `Content-Length`.
    ///
    /// - Parameters:
    ///   - bodyCount: the body's length, or `nil` for no body (`POST`/`PUT`/`PATCH` then send `Content-Length: 0`).
    ///   - keepAlive: `false` adds `Connection: close`.
    /// - Throws: `TransportError.invalidRequest` for a `Transfer-Encoding` field or a value with CR, LF or NUL.
    static func requestHead(
        _ request: HTTPRequest, target: RequestTarget, bodyCount: Int?, userAgent: String, keepAlive: Bool
    ) throws -> [UInt8] {
        var text = "\(request.method.rawValue) \(target.path) HTTP/1.1\r\nHost: \(target.authority)\r\n"
        for field in request.headerFields {
            let name = field.name.canonicalName
            if name == "transfer-encoding" {
                throw TransportError.invalidRequest(reason: "Transfer-Encoding is set by the transport, not the caller")
            }
            guard !self.framingFields.contains(name) else { continue }
            guard HTTP1Message.isSafeFieldText(field.value) else {
                throw TransportError.invalidRequest(reason: "header field \(field.name) has a control character")
            }
            text += "\(field.name.rawName): \(field.value)\r\n"
        }
        if request.headerFields[.userAgent] == nil, HTTP1Message.isSafeFieldText(userAgent) {
            text += "User-Agent: \(userAgent)\r\n"
        }
        if request.headerFields[.acceptEncoding] == nil { text += "Accept-Encoding: gzip, deflate\r\n" }
        if let bodyCount {
            text += "Content-Length: \(bodyCount)\r\n"
        } else if [.post, .put, .patch].contains(request.method) {
            text += "Content-Length: 0\r\n"
        }
        if !keepAlive { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// The head of a server response, framed with `Content-Length`.
    static func responseHead(_ response: HTTPResponse, bodyCount: Int, close: Bool) -> [UInt8] {
        let code = response.status.code
        let reason = HTTP1Message.isSafeFieldText(response.status.reasonPhrase) ? response.status.reasonPhrase : ""
        var text = "HTTP/1.1 \(code) \(reason)\r\n"
        for field in response.headerFields where !self.framingFields.contains(field.name.canonicalName) {
            guard HTTP1Message.isSafeFieldText(field.value) else { continue }
            text += "\(field.name.rawName): \(field.value)\r\n"
        }
        if !(100..<200).contains(code) && code != 204 && code != 304 { text += "Content-Length: \(bodyCount)\r\n" }
        if close { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }
}
