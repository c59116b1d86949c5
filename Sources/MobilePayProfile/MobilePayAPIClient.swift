// SPDX-License-Identifier: Apache-2.0
public import Flows
public import HTTPTypes
public import Transport

/// Sends MobilePay API requests with a fresh `Authorization: Bearer` token from a ``TokenManager``,
/// plus `x-ibm-client-id`/`x-ibm-client-secret` for the APIs that need them. After a 401 it refreshes
/// once and retries; a second 401 means the merchant must authorize again.
public struct MobilePayAPIClient: Sendable, CustomStringConvertible {
    /// Fresh access tokens.
    public let tokens: TokenManager
    /// The HTTP client.
    public let transport: any HTTPTransport
    /// The API client id (`x-ibm-client-id`), for APIs that require it.
    public let ibmClientID: String?
    /// The API client secret (`x-ibm-client-secret`), for APIs that require it.
    public let ibmClientSecret: String?

    /// Creates a client.
    public init(tokens: TokenManager, transport: any HTTPTransport, ibmClientID: String? = nil, ibmClientSecret: String? = nil) {
        self.tokens = tokens
        self.transport = transport
        self.ibmClientID = ibmClientID
        self.ibmClientSecret = ibmClientSecret
    }

    /// The API client id, and whether a secret is set; never the secret.
    public var description: String {
        "MobilePayAPIClient(x-ibm-client-id: \(self.ibmClientID ?? "-"), "
            + "x-ibm-client-secret: \(self.ibmClientSecret == nil ? "-" : "<redacted>"))"
    }

    /// The request with MobilePay's headers and `accessToken`.
    public func decorate(_ request: HTTPRequest, accessToken: String) -> HTTPRequest {
        var request = request
        request.headerFields[.authorization] = "Bearer \(accessToken)"
        if let id = self.ibmClientID { request.headerFields[HTTPField.Name("x-ibm-client-id")!] = id }
        if let secret = self.ibmClientSecret { request.headerFields[HTTPField.Name("x-ibm-client-secret")!] = secret }
        return request
    }

    /// Sends `request`; on 401 refreshes once and retries.
    /// - Throws: ``MobilePayError/Code/unauthorized`` after a second 401; `FlowsError.reauthenticationRequired`
    ///   when the refresh token is no longer accepted; `TransportError`.
    public func send(_ request: HTTPRequest, body: [UInt8]? = nil, timeout: Duration = .seconds(30)) async throws
        -> (HTTPResponse, [UInt8])
    {
        let first = try await self.tokens.accessToken()
        let answer = try await self.transport.send(self.decorate(request, accessToken: first), body: body, deadline: .now + timeout)
        guard answer.0.status == .unauthorized else { return answer }
        let second = try await self.tokens.accessToken(replacing: first)
        let retry = try await self.transport.send(self.decorate(request, accessToken: second), body: body, deadline: .now + timeout)
        guard retry.0.status != .unauthorized else {
            throw MobilePayError.unauthorized(reason: "MobilePay API refused a freshly refreshed token: authorize again")
        }
        return retry
    }
}
