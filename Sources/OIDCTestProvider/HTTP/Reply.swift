// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE

/// The response an endpoint produces, before the common headers (`Date`) are added.
struct Reply {
    var response: HTTPResponse
    var body: [UInt8]

    /// A JSON document; `noStore` adds `Cache-Control: no-store` (RFC 6749 §5.1: responses with tokens).
    static func json(_ object: JSONObject, status: HTTPResponse.Status = .ok, noStore: Bool = true) -> Reply {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        if noStore { fields[.cacheControl] = "no-store" }
        return Reply(response: HTTPResponse(status: status, headerFields: fields), body: object.serialized())
    }

    /// A plain-text page (used where a browser would see an error page).
    static func text(_ message: String, status: HTTPResponse.Status) -> Reply {
        var fields = HTTPFields()
        fields[.contentType] = "text/plain; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Reply(response: HTTPResponse(status: status, headerFields: fields), body: Array((message + "\n").utf8))
    }

    /// `200 OK` without a body (RFC 7009 §2.2).
    static var emptyOK: Reply {
        Reply(response: HTTPResponse(status: .ok, headerFields: [.cacheControl: "no-store"]), body: [])
    }

    /// A `302 Found` to `location`.
    static func redirect(to location: String) -> Reply {
        var fields = HTTPFields()
        fields[.location] = location
        fields[.cacheControl] = "no-store"
        return Reply(response: HTTPResponse(status: .found, headerFields: fields), body: [])
    }

    /// An HTML page.
    static func html(_ page: String) -> Reply {
        var fields = HTTPFields()
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Reply(response: HTTPResponse(status: .ok, headerFields: fields), body: Array(page.utf8))
    }

    /// `405 Method Not Allowed` with `Allow`.
    static func methodNotAllowed(allow: String) -> Reply {
        var reply = Reply.text("method not allowed", status: .methodNotAllowed)
        reply.response.headerFields[.allow] = allow
        return reply
    }

    /// An OAuth error response (RFC 6749 §5.2, RFC 6750 §3).
    static func failure(_ failure: OAuthFailure) -> Reply {
        var object: JSONObject = ["error": .string(failure.error)]
        if !failure.description.isEmpty { object["error_description"] = .string(failure.description) }
        var reply = Reply.json(object, status: failure.status)
        if let challenge = failure.challenge { reply.response.headerFields[.wwwAuthenticate] = challenge }
        return reply
    }
}

/// An OAuth error at a back-channel endpoint: the `error` code, a description without secrets, the
/// HTTP status and, for 401, the `WWW-Authenticate` challenge.
struct OAuthFailure: Error {
    let error: String
    let description: String
    let status: HTTPResponse.Status
    let challenge: String?

    static func invalidRequest(_ description: String) -> Self {
        Self(error: "invalid_request", description: description, status: .badRequest, challenge: nil)
    }

    /// `invalid_client`: 401 with a `Basic` challenge when the client tried (or is registered for) HTTP
    /// Basic (RFC 6749 §5.2), else 400.
    static func invalidClient(_ description: String, basic: Bool) -> Self {
        Self(
            error: "invalid_client", description: description, status: basic ? .unauthorized : .badRequest,
            challenge: basic ? "Basic realm=\"OIDCTestProvider\", charset=\"UTF-8\"" : nil)
    }

    static func invalidGrant(_ description: String) -> Self {
        Self(error: "invalid_grant", description: description, status: .badRequest, challenge: nil)
    }

    static func unauthorizedClient(_ description: String) -> Self {
        Self(error: "unauthorized_client", description: description, status: .badRequest, challenge: nil)
    }

    static func unsupportedGrantType(_ description: String) -> Self {
        Self(error: "unsupported_grant_type", description: description, status: .badRequest, challenge: nil)
    }

    static func invalidScope(_ description: String) -> Self {
        Self(error: "invalid_scope", description: description, status: .badRequest, challenge: nil)
    }

    static func serverError(_ description: String) -> Self {
        Self(error: "server_error", description: description, status: .internalServerError, challenge: nil)
    }

    /// RFC 6750 §3.1: a missing, expired or revoked bearer token.
    static func invalidToken(_ description: String) -> Self {
        Self(
            error: "invalid_token", description: description, status: .unauthorized,
            challenge: "Bearer error=\"invalid_token\", error_description=\"\(description)\"")
    }
}
