// SPDX-License-Identifier: Apache-2.0
public import Discovery
public import JOSE
public import Transport
import HTTPTypes

/// Calls the UserInfo endpoint (OIDC Core §5.3) with a bearer access token. Plain JSON and signed JWT
/// (`application/jwt`) responses are accepted; `sub` must equal the ID token's.
public struct UserInfoClient: Sendable {
    /// `userinfo_endpoint`.
    public var endpoint: String
    /// The HTTP client.
    public var transport: any HTTPTransport
    /// For signed responses: the provider's keys, issuer and the client (the JWT's `aud`).
    public var keys: any JWKSProvider
    /// The expected issuer of signed responses.
    public var issuer: String
    /// The client, expected in `aud` of signed responses.
    public var clientID: String
    /// How long the request may take.
    public var timeout: Duration

    /// Creates a client.
    public init(
        endpoint: String, transport: any HTTPTransport, keys: any JWKSProvider, issuer: String, clientID: String,
        timeout: Duration = .seconds(30)
    ) {
        self.endpoint = endpoint
        self.transport = transport
        self.keys = keys
        self.issuer = issuer
        self.clientID = clientID
        self.timeout = timeout
    }

    /// Fetches the claims about the user of `accessToken`, checking that `sub` is `subject`.
    /// - Throws: ``FlowsError/Code/userInfoInvalid`` (wrong sub, bad body), ``FlowsError/Code/tokenEndpointError``
    ///   for an error answer, `JOSEError` for a bad signature, `TransportError` for the network.
    public func fetch(accessToken: String, subject: String) async throws -> JSONObject {
        var request = try HTTPRequest(method: .get, url: self.endpoint)
        request.headerFields[.authorization] = "Bearer \(accessToken)"
        request.headerFields[.accept] = "application/json, application/jwt"
        let (response, body) = try await self.transport.send(request, body: nil, deadline: .now + self.timeout)
        guard response.status == .ok else { throw TokenClient.errorResponse(response, body, endpoint: "userinfo") }
        let contentType = (response.headerFields[.contentType] ?? "").lowercased()
        let claims: JSONObject
        if contentType.hasPrefix("application/jwt") {
            let token = String(decoding: body, as: UTF8.self).trimmingWhitespace()
            let verified = try await self.keys.verify(try CompactJWS(token), algorithms: IDTokenValidator.defaultAlgorithms)
            let jwt = try JWTClaims(payload: verified.payload)
            // Code point for code point (RFC 7519 §2), never String ==, which applies canonical equivalence.
            if let issuer = jwt.issuer, !jwt.claim("iss", equals: self.issuer) {
                throw FlowsError.userInfoInvalid(reason: "signed userinfo iss \"\(issuer.prefix(100))\" is not \"\(self.issuer)\"")
            }
            if jwt.audience != nil, !jwt.audienceContains(self.clientID) {
                throw FlowsError.userInfoInvalid(reason: "signed userinfo aud does not contain \"\(self.clientID)\"")
            }
            claims = jwt.all
        } else {
            do {
                claims = try JSONParser(limits: .document).parseObject(body, what: "userinfo response")
            } catch let error as JOSEError {
                throw FlowsError.userInfoInvalid(reason: "userinfo: \(error.reason)")
            }
        }
        guard let actual = claims["sub"]?.stringValue else { throw FlowsError.userInfoInvalid(reason: "userinfo has no sub") }
        guard actual.isIdentical(to: subject) else {  // "exactly match" (OIDC Core §5.3.4)
            throw FlowsError.userInfoInvalid(reason: "userinfo sub \"\(actual.prefix(64))\" is not the ID token's \"\(subject.prefix(64))\"")
        }
        return claims
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
