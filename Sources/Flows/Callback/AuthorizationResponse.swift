// SPDX-License-Identifier: Apache-2.0

/// The parameters of an authorization response (RFC 6749 §4.1.2, OIDC Core §3.3.2.5), parsed from a
/// redirect URL (query or fragment) or a form_post body. Nothing here is validated yet: pass it to
/// ``CallbackValidator``.
public struct AuthorizationResponse: Sendable, CustomStringConvertible {
    /// Every parameter, in order; names are unique.
    public let parameters: [(name: String, value: String)]

    /// The parameter `name`, if present.
    public subscript(name: String) -> String? { self.parameters.first(where: { $0.name == name })?.value }

    /// `code`.
    public var code: String? { self["code"] }
    /// `state`.
    public var state: String? { self["state"] }
    /// `iss` (RFC 9207).
    public var issuer: String? { self["iss"] }
    /// `id_token`.
    public var idToken: String? { self["id_token"] }
    /// `access_token`.
    public var accessToken: String? { self["access_token"] }
    /// `error`.
    public var error: String? { self["error"] }

    /// The parameter names, and `error` when there is one; never a value that could be a code or token.
    public var description: String {
        let names = self.parameters.map { Diagnostics.printable($0.name, limit: 40) }.joined(separator: ", ")
        let error = self.error.map { ", error: \(Diagnostics.printable($0, limit: 64))" } ?? ""
        return "AuthorizationResponse(parameters: [\(names)]\(error))"
    }

    /// Wraps already decoded parameters.
    /// - Throws: ``FlowsError/Code/malformedCallback`` when a name repeats.
    public init(parameters: [(name: String, value: String)]) throws {
        var seen = Set<String>()
        for parameter in parameters where !seen.insert(parameter.name).inserted {
            throw FlowsError.malformedCallback(reason: "parameter \"\(parameter.name.prefix(40))\" appears more than once")
        }
        self.parameters = parameters
    }

    /// Parses the redirect URL the browser landed on. With `mode` `.fragment` the parameters are read
    /// from the fragment, otherwise from the query; an error response is also found in the query when
    /// a fragment-mode provider put it there.
    /// - Throws: ``FlowsError/Code/malformedCallback``.
    public init(redirectURL: String, mode: ResponseMode) throws {
        guard redirectURL.utf8.count <= FormEncoding.maxBytes else {
            throw FlowsError.malformedCallback(reason: "redirect URL exceeds \(FormEncoding.maxBytes) bytes")
        }
        // Split on the bytes, not on Characters: "#\u{301}" is one Character, and not equal to "#".
        let hashSplit = redirectURL.utf8.split(
            separator: UInt8(ascii: "#"), maxSplits: 1, omittingEmptySubsequences: false)
        let fragment = hashSplit.count > 1 ? Substring(hashSplit[1]) : ""
        let querySplit = hashSplit[0].split(
            separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false)
        let query = querySplit.count > 1 ? Substring(querySplit[1]) : ""
        var text = mode == .fragment ? fragment : query
        if mode == .fragment && text.isEmpty && query.contains("error=") { text = query }
        try self.init(parameters: try FormEncoding.decode(text).map { (name: $0.0, value: $0.1) })
    }

    /// Parses a form_post body (`application/x-www-form-urlencoded`).
    /// - Throws: ``FlowsError/Code/malformedCallback``.
    public init(formBody: [UInt8]) throws {
        guard formBody.count <= FormEncoding.maxBytes else {
            throw FlowsError.malformedCallback(reason: "form body exceeds \(FormEncoding.maxBytes) bytes")
        }
        guard let text = String(validating: formBody, as: UTF8.self) else {
            throw FlowsError.malformedCallback(reason: "form body is not UTF-8")
        }
        try self.init(parameters: try FormEncoding.decode(Substring(text)).map { (name: $0.0, value: $0.1) })
    }
}
