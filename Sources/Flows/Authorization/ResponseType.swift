// SPDX-License-Identifier: Apache-2.0

/// An OAuth 2.0 / OpenID Connect `response_type` (OAuth 2.0 Multiple Response Type Encoding Practices).
public struct ResponseType: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The space-separated values in canonical order (`code id_token token`).
    public let rawValue: String

    private let values: Set<String>

    /// Parses a space-separated response type; order does not matter.
    /// - Throws: ``FlowsError/Code/invalidRequest`` for an empty value or one outside code/id_token/token/none.
    public init(_ rawValue: String) throws {
        let values = Set(rawValue.split(separator: " ").map(String.init))
        let known: Set<String> = ["code", "id_token", "token", "none"]
        guard !values.isEmpty, values.isSubset(of: known), !(values.contains("none") && values.count > 1) else {
            throw FlowsError.invalidRequest(reason: "unsupported response_type \"\(rawValue.prefix(40))\"")
        }
        self.values = values
        self.rawValue = ["code", "id_token", "token", "none"].filter(values.contains).joined(separator: " ")
    }

    private init(known rawValue: String) {
        self.values = Set(rawValue.split(separator: " ").map(String.init))
        self.rawValue = rawValue
    }

    /// `code`: the authorization code flow.
    public static let code = Self(known: "code")
    /// `code id_token`: the hybrid flow MobilePay uses (an ID token in the front channel, the code redeemed).
    public static let codeIDToken = Self(known: "code id_token")
    /// `code token`.
    public static let codeToken = Self(known: "code token")
    /// `code id_token token`.
    public static let codeIDTokenToken = Self(known: "code id_token token")

    /// Whether a `code` is returned.
    public var includesCode: Bool { self.values.contains("code") }
    /// Whether an ID token is returned from the authorization endpoint.
    public var includesIDToken: Bool { self.values.contains("id_token") }
    /// Whether an access token is returned from the authorization endpoint.
    public var includesAccessToken: Bool { self.values.contains("token") }
    /// Whether tokens travel in the front channel (then `query` mode is not allowed, OAuth Multiple
    /// Response Types §5).
    public var returnsTokensInFrontChannel: Bool { self.includesIDToken || self.includesAccessToken }

    /// The default response mode: `query` for `code` (and `none`), `fragment` otherwise.
    public var defaultResponseMode: ResponseMode { self.returnsTokensInFrontChannel ? .fragment : .query }

    /// The wire value.
    public var description: String { self.rawValue }

    /// Decodes the wire value.
    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the wire value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}

/// How the authorization response comes back (OAuth Multiple Response Types §2.1, Form Post Response Mode).
public enum ResponseMode: String, Hashable, Sendable, Codable, CaseIterable {
    /// Parameters in the redirect URI's query.
    case query
    /// Parameters in the redirect URI's fragment (read by a page script).
    case fragment
    /// Parameters POSTed as a form to the redirect URI (recommended for the hybrid flow).
    case formPost = "form_post"
}
