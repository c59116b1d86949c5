// SPDX-License-Identifier: Apache-2.0
import Flows
import HTTPTypes
import JOSE
import MobilePayProfile
import Testing
import Transport

@Suite struct MobilePayProfileTests {
    @Test("discovery hosts differ from the issuer per environment and country")
    func endpoints() {
        #expect(MobilePay.issuer == "https://api.mobilepay.dk/merchant")
        #expect(MobilePay.discoveryURL(.sandbox, .denmark) == "https://sandprod-admin.mobilepay.dk/account/.well-known/openid-configuration")
        #expect(MobilePay.discoveryURL(.production, .finland) == "https://admin.mobilepay.fi/account/.well-known/openid-configuration")
        #expect(MobilePay.tokenEndpoint(.sandbox) == "https://api.sandbox.mobilepay.dk/merchant-authentication-openidconnect/connect/token")
        #expect(MobilePay.tokenEndpoint(.production) == "https://api.mobilepay.dk/merchant-authentication-openidconnect/connect/token")
    }

    @Test("merchant_vat is validated before any request", arguments: [
        ("DK12345678", true), ("FI87654321", true), ("SE12345678", false), ("DK1234567", false), ("DK123456789", false),
        ("dk12345678", false), ("DK1234567a", false), ("DK１２３４５６７８", false),
    ])
    func vat(_ value: String, _ valid: Bool) {
        if valid {
            #expect(throws: Never.self) { try MerchantVAT(value) }
        } else {
            #expect(throws: MobilePayError.invalidMerchantVAT(reason: "")) { try MerchantVAT(value) }
        }
    }

    @Test("the hybrid request: code id_token, form_post, openid offline_access + products, merchant_vat, prompt=consent")
    func request() throws {
        let request = MobilePay.authorizationRequest(
            clientID: "merchant-app", redirectURI: "https://shop.example/cb", merchantVAT: try MerchantVAT("DK12345678"),
            products: [.webhooks, .invoice])
        let prepared = try request.prepare(authorizationEndpoint: "https://op.example/authorize", issuer: MobilePay.issuer)
        let query = Dictionary(uniqueKeysWithValues: try FormEncoding.decode(try #require(prepared.url.split(separator: "?").last)))
        #expect(query["response_type"] == "code id_token")
        #expect(query["response_mode"] == "form_post")
        #expect(query["scope"] == "openid offline_access invoice webhooks")
        #expect(query["merchant_vat"] == "DK12345678")
        #expect(query["prompt"] == "consent")
        #expect(query["code_challenge_method"] == "S256")
        let configuration = MobilePay.configuration(clientID: "merchant-app", clientSecret: "s", redirectURI: "https://shop.example/cb")
        #expect(configuration.authentication.methodName == "client_secret_post")
        #expect(configuration.allowedAlgorithms == [.rs256])
    }

    /// A transport that is never called.
    struct UnusedTransport: HTTPTransport {
        func send(_ request: HTTPRequest, body: [UInt8]?, deadline: ContinuousClock.Instant) async throws
            -> (HTTPResponse, [UInt8])
        {
            Issue.record("no request expected")
            return (HTTPResponse(status: .internalServerError), [])
        }
    }

    @Test("the API client's description never shows the x-ibm-client-secret")
    func apiClientHidesSecret() {
        let tokens = TokenManager(
            client: TokenClient(
                issuer: MobilePay.issuer, tokenEndpoint: MobilePay.tokenEndpoint(.sandbox),
                authentication: .clientSecretPost(clientID: "merchant-app", secret: "client-secret-1"), transport: UnusedTransport()),
            store: InMemoryTokenStore())
        let client = MobilePayAPIClient(
            tokens: tokens, transport: UnusedTransport(), ibmClientID: "ibm-id", ibmClientSecret: "ibm-secret-0S6_WzA2Mj")
        for text in [String(describing: client), String(reflecting: client), "\(client)"] {
            #expect(!text.contains("ibm-secret-0S6_WzA2Mj"), "\(text)")
            #expect(!text.contains("client-secret-1"), "\(text)")
        }
    }
}
