// SPDX-License-Identifier: Apache-2.0
import HTTPTypes

/// Parsing and framing rules of HTTP/1.1 (RFC 9112), shared by the client and the loopback server.
enum HTTP1Message {
    /// How the body of a message is delimited (RFC 9112 §6.3).
    enum Framing: Equatable {
        case none
        case contentLength(Int)
        case chunked
        /// Response only: the body runs until the server closes the connection.
        case untilClose
    }

    /// A parsed status line.
    struct StatusLine {
        var isHTTP11: Bool
        var status: HTTPResponse.Status
    }

    /// A parsed request line.
    struct RequestLine {
        var method: HTTPRequest.Method
        var target: String
        var isHTTP11: Bool
    }

    /// `HTTP/1.1 200 OK` (the reason phrase may be empty or absent).
    static func parseStatusLine(_ line: [UInt8]) throws -> StatusLine {
        let malformed = { TransportError.malformedResponse(reason: "invalid status line") }
        guard line.count >= 12, line[8] == UInt8(ascii: " ") else { throw malformed() }
        let isHTTP11: Bool
        switch String(decoding: line[0..<8], as: UTF8.self) {
        case "HTTP/1.1": isHTTP11 = true
        case "HTTP/1.0": isHTTP11 = false
        default: throw malformed()
        }
        let digits = line[9..<12]
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            digits.first != UInt8(ascii: "0")
        else { throw malformed() }
        let code = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard line.count == 12 || line[12] == UInt8(ascii: " ") else { throw malformed() }
        let reasonBytes = line.count > 13 ? line[13...] : []
        guard reasonBytes.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else { throw malformed() }
        let reason = String(decoding: reasonBytes, as: UTF8.self)
        return StatusLine(isHTTP11: isHTTP11, status: HTTPResponse.Status(code: code, reasonPhrase: reason))
    }

    /// `GET /path HTTP/1.1` (origin-form targets only).
    static func parseRequestLine(_ line: [UInt8]) throws -> RequestLine {
        let malformed = { TransportError.malformedResponse(reason: "invalid request line") }
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, let method = HTTPRequest.Method(String(decoding: parts[0], as: UTF8.self)),
            parts[1].first == UInt8(ascii: "/"),
            parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw malformed() }
        let isHTTP11: Bool
        switch String(decoding: parts[2], as: UTF8.self) {
        case "HTTP/1.1": isHTTP11 = true
        case "HTTP/1.0": isHTTP11 = false
        default: throw malformed()
        }
        return RequestLine(method: method, target: String(decoding: parts[1], as: UTF8.self), isHTTP11: isHTTP11)
    }

    /// Reads a header (or trailer) section up to its empty line, within `limits`.
    ///
    /// - Throws: `TransportError.limitExceeded` (count or bytes), `.malformedResponse` (an invalid field
    ///   line or obsolete line folding), `.connectionClosed`.
    static func readFields(from reader: HTTP1Reader, limits: HTTPMessageLimits) async throws -> HTTPFields {
        var fields = HTTPFields()
        var bytes = 0
        while true {
            let remaining = limits.maxHeaderBytes - bytes
            guard
                let line = try await reader.readLine(
                    maxBytes: max(remaining, 0),
                    tooLong: {
                        .limitExceeded(reason: "the header section is larger than \(limits.maxHeaderBytes) bytes")
                    })
            else {
                throw TransportError.connectionClosed(
                    reason: "the peer closed the connection inside the header section")
            }
            if line.isEmpty { return fields }
            bytes += line.count + 2
            guard bytes <= limits.maxHeaderBytes else {
                throw TransportError.limitExceeded(
                    reason: "the header section is larger than \(limits.maxHeaderBytes) bytes")
            }
            guard fields.count < limits.maxHeaderCount else {
                throw TransportError.limitExceeded(reason: "more than \(limits.maxHeaderCount) header fields")
            }
            fields.append(try self.parseField(line))
        }
    }

    /// `Name: value` (RFC 9112 §5).
    static func parseField(_ line: [UInt8]) throws -> HTTPField {
        guard let first = line.first, first != UInt8(ascii: " "), first != 0x09 else {
            throw TransportError.malformedResponse(reason: "obsolete line folding in the header section")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
            let name = HTTPField.Name(String(decoding: line[..<colon], as: UTF8.self))
        else { throw TransportError.malformedResponse(reason: "invalid header field line") }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == 0x20 || byte == 0x09 { value = value.dropFirst() }
        while let byte = value.last, byte == 0x20 || byte == 0x09 { value = value.dropLast() }
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw TransportError.malformedResponse(reason: "a control character in header field \(name)")
        }
        return HTTPField(name: name, lenientValue: value)
    }

    /// The body framing of a message, rejecting ambiguous framing (RFC 9112 §6.3, §11.2).
    ///
    /// - Parameters:
    ///   - isResponse: responses without a length run until close; requests without one have no body.
    /// - Throws: `TransportError.malformedResponse`.
    static func framing(of fields: HTTPFields, isResponse: Bool) throws -> Framing {
        let transferEncodings = fields[values: .transferEncoding]
        let lengths = fields[values: .contentLength]
        if !transferEncodings.isEmpty {
            guard lengths.isEmpty else {
                throw TransportError.malformedResponse(
                    reason: "both Transfer-Encoding and Content-Length (ambiguous framing)")
            }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }
                .map { $0.trimmingOWS().lowercased() }
            guard codings == ["chunked"] else {
                throw TransportError.malformedResponse(
                    reason: "unsupported Transfer-Encoding \(codings.joined(separator: ", "))")
            }
            return .chunked
        }
        if !lengths.isEmpty {
            let values = Set(
                lengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { $0.trimmingOWS() })
            guard values.count == 1, let text = values.first, !text.isEmpty, text.count <= 18,
                text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let length = Int(text)
            else {
                throw TransportError.malformedResponse(
                    reason: values.count > 1
                        ? "differing Content-Length values (ambiguous framing)" : "invalid Content-Length")
            }
            return length == 0 ? .none : .contentLength(length)
        }
        return isResponse ? .untilClose : .none
    }

    /// Reads a body framed as `framing`, within `limits.maxBodyBytes`; chunked trailers are read
    /// (within the header limits) and dropped.
    ///
    /// - Throws: `TransportError.limitExceeded`, `.malformedResponse`, `.connectionClosed`, `.timedOut`.
    static func readBody(_ framing: Framing, from reader: HTTP1Reader, limits: HTTPMessageLimits) async throws
        -> [UInt8]
    {
        var body: [UInt8] = []
        switch framing {
        case .none:
            break
        case .contentLength(let length):
            guard length <= limits.maxBodyBytes else {
                throw TransportError.limitExceeded(
                    reason: "Content-Length \(length) is larger than the \(limits.maxBodyBytes)-byte limit")
            }
            body.reserveCapacity(length)
            try await reader.read(exactly: length, into: &body)
        case .untilClose:
            try await reader.readToEnd(into: &body, limit: limits.maxBodyBytes)
        case .chunked:
            while true {
                guard
                    let line = try await reader.readLine(
                        maxBytes: 1024, tooLong: { .malformedResponse(reason: "a chunk-size line is too long") })
                else {
                    throw TransportError.connectionClosed(
                        reason: "the peer closed the connection inside a chunked body")
                }
                let sizeText =
                    (line.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false).first
                        ?? [])
                let trimmed = String(decoding: sizeText, as: UTF8.self).trimmingOWS()
                guard !trimmed.isEmpty, trimmed.count <= 15, trimmed.utf8.allSatisfy({ $0.isHexDigit }),
                    let size = Int(trimmed, radix: 16)
                else { throw TransportError.malformedResponse(reason: "invalid chunk size") }
                if size == 0 {
                    _ = try await self.readFields(from: reader, limits: limits)
                    return body
                }
                guard body.count + size <= limits.maxBodyBytes else {
                    throw TransportError.limitExceeded(
                        reason: "the chunked body is larger than \(limits.maxBodyBytes) bytes")
                }
                try await reader.read(exactly: size, into: &body)
                guard
                    let end = try await reader.readLine(
                        maxBytes: 0, tooLong: { .malformedResponse(reason: "a chunk is longer than its size") }),
                    end.isEmpty
                else { throw TransportError.connectionClosed(reason: "the peer closed the connection inside a chunk") }
            }
        }
        return body
    }

    /// Whether a `Connection` header lists `token` (case-insensitively).
    static func connectionHeader(_ fields: HTTPFields, contains token: String) -> Bool {
        fields[values: .connection].contains { value in
            value.split(separator: ",").contains { $0.trimmingOWS().lowercased() == token }
        }
    }

    /// Whether `text` is safe to put in a request line or header value (no CR, LF, NUL or other controls).
    static func isSafeFieldText(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs (HTTP's OWS).
    func trimmingOWS() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
