// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import OIDCTestProvider

/// What one pass through authorize and token endpoint produced.
struct FlowResult {
    let session: TestRelyingParty.Session
    let landing: OIDCTestProvider.AuthorizationRedirect
    let parameters: [String: String]
    var code: String? { self.parameters["code"] }
    var frontChannelIDToken: String? { self.parameters["id_token"] }
    var tokenStatus: HTTPResponse.Status? = nil
    var tokenResponse: HTTPResponse? = nil
    var tokens: JSONObject = [:]
    var accessToken: String? { self.tokens["access_token"]?.stringValue }
    var idToken: String? { self.tokens["id_token"]?.stringValue }
    var refreshToken: String? { self.tokens["refresh_token"]?.stringValue }
}

extension TestRelyingParty {
    /// Authorizes with the headless user agent and, when a code comes back, redeems it.
    func runFlow(
        client: OIDCTestProvider.Client = Fixtures.basicClient, responseType: String = "code id_token",
        responseMode: String? = "form_post", redeem: Bool = true
    ) async throws -> FlowResult {
        let session = try self.makeSession(client: client)
        let landing = try await self.provider.authorize(
            url: self.authorizationURL(session, responseType: responseType, responseMode: responseMode))
        let parameters: [String: String]
        switch landing {
        case .redirect(let url): parameters = Wire.redirectParameters(url)
        case .formPost(_, let body): parameters = Wire.decodeForm(Substring(String(decoding: body, as: UTF8.self)))
        }
        var result = FlowResult(session: session, landing: landing, parameters: parameters)
        if redeem, let code = result.code {
            let (status, response, json) = try await self.redeem(session, code: code)
            result.tokenStatus = status
            result.tokenResponse = response
            result.tokens = json
        }
        return result
    }
}
