// SPDX-License-Identifier: Apache-2.0

extension OIDCTestProvider {
    /// Where a browser lands after the authorization endpoint answered: what a relying party's
    /// redirect URI receives.
    public enum AuthorizationRedirect: Hashable, Sendable {
        /// A redirect (`query` or `fragment` response mode): the browser goes to `url`, whose query or
        /// fragment holds the response parameters.
        case redirect(url: String)
        /// `form_post` (OAuth 2.0 Form Post Response Mode): the browser POSTs `body`, an
        /// `application/x-www-form-urlencoded` form, to `url` (the redirect URI).
        case formPost(url: String, body: [UInt8])

        /// The URL the browser requests next: the full redirect (with query or fragment), or the form's target.
        public var url: String {
            switch self {
            case .redirect(let url), .formPost(let url, _): return url
            }
        }

        /// The response parameters (`code`, `id_token`, `state`, `iss`, or `error`...), decoded from the
        /// fragment, else the query, or the form body; empty when they cannot be decoded.
        public var parameters: [String: String] {
            let encoded: Substring
            switch self {
            case .formPost(_, let body):
                encoded = Substring(String(decoding: body, as: UTF8.self))
            case .redirect(let url):
                if let hash = url.firstIndex(of: "#") {
                    encoded = url[url.index(after: hash)...]
                } else if let question = url.firstIndex(of: "?") {
                    encoded = url[url.index(after: question)...]
                } else {
                    encoded = ""
                }
            }
            guard let pairs = try? FormCoding.decode(encoded) else { return [:] }
            return Dictionary(uniqueKeysWithValues: pairs)
        }

        /// The response parameter `name`, if present.
        public subscript(name: String) -> String? { self.parameters[name] }
    }
}

/// A successful authorization response, or an OAuth error response, addressed to a registered redirect URI.
struct AuthorizationDelivery {
    /// `response_mode` (OAuth 2.0 Multiple Response Types §2.1, Form Post Response Mode §2).
    enum Mode: String {
        case query
        case fragment
        case formPost = "form_post"
    }

    let mode: Mode
    let redirectURI: String
    let parameters: [(String, String)]

    /// What the browser does next.
    var redirect: OIDCTestProvider.AuthorizationRedirect {
        let encoded = FormCoding.encode(self.parameters)
        switch self.mode {
        case .query:
            let separator = self.redirectURI.contains("?") ? "&" : "?"
            return .redirect(url: self.redirectURI + separator + encoded)
        case .fragment:
            return .redirect(url: self.redirectURI + "#" + encoded)
        case .formPost:
            return .formPost(url: self.redirectURI, body: Array(encoded.utf8))
        }
    }

    /// The HTTP answer: a `302` redirect, or a page whose form submits itself.
    var reply: Reply {
        switch self.mode {
        case .query, .fragment: return .redirect(to: self.redirect.url)
        case .formPost: return .html(FormPostPage.render(action: self.redirectURI, parameters: self.parameters))
        }
    }
}

/// What the authorization endpoint decided.
enum AuthorizeOutcome {
    /// Send the browser back to the client.
    case deliver(AuthorizationDelivery)
    /// Show an error page: the client or redirect URI cannot be trusted with a redirect.
    case refuse(reason: String)
}
