// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import PKCE
import Synchronization

extension ProviderEngine {
    /// `/authorize` over HTTP: GET with a query, or POST with a form (OIDC Core §3.1.2.1).
    func authorizeEndpoint(_ request: HTTPRequest, query: Substring, body: [UInt8]) -> Reply {
        let parameters: Substring
        switch request.method {
        case .get, .head:
            parameters = query
        case .post:
            let type = request.headerFields[.contentType]?.split(separator: ";").first?.trimmingSpaces.lowercased()
            guard type == "application/x-www-form-urlencoded", let text = String(validating: body, as: UTF8.self) else {
                return .text(
                    "invalid_request: the body must be an application/x-www-form-urlencoded form", status: .badRequest)
            }
            parameters = Substring(text)
        default:
            return .methodNotAllowed(allow: "GET, HEAD, POST")
        }
        switch self.authorize(parameters) {
        case .deliver(let delivery): return delivery.reply
        case .refuse(let reason): return .text("invalid_request: \(reason)", status: .badRequest)
        }
    }

    /// Decides an authorization request, signing the test user in at once (auto-consent).
    ///
    /// Until the client and its exact redirect URI are known, errors are refused with a page (never
    /// redirected: RFC 6749 §4.1.2.1); after that they are OAuth error responses sent to the client.
    func authorize(_ encoded: Substring) -> AuthorizeOutcome {
        let parameters: [String: String]
        do {
            parameters = Dictionary(uniqueKeysWithValues: try FormCoding.decode(encoded))
        } catch {
            return .refuse(reason: "malformed request: \(error.reason)")
        }
        guard let clientID = parameters["client_id"], !clientID.isEmpty else {
            return .refuse(reason: "client_id is missing")
        }
        guard let client = self.clients[clientID] else { return .refuse(reason: "client_id is not registered") }
        guard let redirectURI = parameters["redirect_uri"] else { return .refuse(reason: "redirect_uri is missing") }
        guard client.client.redirectURIs.contains(where: { $0.utf8.elementsEqual(redirectURI.utf8) }) else {
            return .refuse(reason: "redirect_uri is not registered for this client")
        }
        let misbehaviour = self.state.withLock { $0.misbehaviour }
        let state = parameters["state"]
        let nonce = parameters["nonce"]
        let responseTypes = Set((parameters["response_type"] ?? "").split(separator: " ").map(String.init))
        let isHybrid = responseTypes == ["code", "id_token"]
        var mode: AuthorizationDelivery.Mode =
            responseTypes.contains("id_token") || responseTypes.contains("token") ? .fragment : .query

        /// Appends `state` and the RFC 9207 `iss` parameter, and addresses the response.
        func deliver(_ values: [(String, String)]) -> AuthorizeOutcome {
            var values = values
            if let state { values.append(("state", state)) }
            if !misbehaviour.omitIssuerParameter {
                values.append(
                    ("iss", misbehaviour.wrongIssuerParameter ? self.issuer + "/not-the-issuer" : self.issuer))
            }
            return .deliver(AuthorizationDelivery(mode: mode, redirectURI: redirectURI, parameters: values))
        }
        func fail(_ error: String, _ description: String) -> AuthorizeOutcome {
            deliver([("error", error), ("error_description", description)])
        }

        if let requested = parameters["response_mode"] {
            guard let parsed = AuthorizationDelivery.Mode(rawValue: requested) else {
                return fail("invalid_request", "unsupported response_mode")
            }
            if parsed == .query && responseTypes.contains("id_token") {
                return fail("invalid_request", "response_mode query is not allowed for a response type with id_token")
            }
            mode = parsed
        }
        guard parameters["response_type"] != nil else { return fail("invalid_request", "response_type is missing") }
        guard responseTypes == ["code"] || isHybrid else {
            return fail("unsupported_response_type", "only code and code id_token are supported")
        }
        if parameters["request"] != nil { return fail("request_not_supported", "request objects are not supported") }
        if parameters["request_uri"] != nil {
            return fail("request_uri_not_supported", "request_uri is not supported")
        }
        if let error = misbehaviour.authorizationError {
            return fail(error, "the test provider was told to answer with this error")
        }
        let scope = parameters["scope"] ?? ""
        guard scope.split(separator: " ").contains("openid") else {
            return fail("invalid_scope", "scope must include openid")
        }
        guard let challenge = parameters["code_challenge"] else {
            return fail("invalid_request", "code_challenge is required (PKCE with S256)")
        }
        guard parameters["code_challenge_method"] == "S256" else {
            return fail("invalid_request", "code_challenge_method must be S256")
        }
        guard Self.isS256Challenge(challenge) else {
            return fail("invalid_request", "code_challenge is not a base64url SHA-256 hash")
        }
        if isHybrid && (nonce ?? "").isEmpty {
            return fail("invalid_request", "nonce is required for response_type code id_token")
        }

        let now = self.now()
        guard let code = try? RandomString.make(byteCount: 32), let codeKey = try? ProviderState.key(for: code) else {
            return fail("server_error", "no randomness")
        }
        let stored = self.state.withLock { state -> Bool in
            state.prune(now: now)
            guard state.hasRoom else { return false }
            let grant = state.addGrant(
                .init(clientID: clientID, subject: self.user.subject, scope: scope, authTime: now))
            state.codes[codeKey] = ProviderState.Code(
                grantID: grant, clientID: clientID, redirectURI: redirectURI, codeChallenge: challenge, nonce: nonce,
                expiresAt: now + self.codeLifetime)
            return true
        }
        guard stored else { return fail("temporarily_unavailable", "too many outstanding authorizations") }
        var values = [("code", code)]
        if isHybrid {
            let content = IDTokenContent(
                client: client, subject: self.user.subject, authTime: now, nonce: nonce, code: code,
                isFromTokenEndpoint: false)
            guard let idToken = try? self.makeIDToken(content, misbehaviour: misbehaviour) else {
                return fail("server_error", "the ID token could not be signed")
            }
            values.append(("id_token", idToken))
        }
        return deliver(values)
    }

    /// 43 base64url characters: the encoding of a SHA-256 hash (RFC 7636 §4.2).
    static func isS256Challenge(_ text: String) -> Bool {
        text.utf8.count == 43
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    return true
                default:
                    return false
                }
            }
    }
}
