// SPDX-License-Identifier: Apache-2.0
import Discovery
import JOSE
import Testing

/// Multi-tenant issuer templates.
@Suite struct IssuerTemplateTests {
    static let template = "https://login.example.com/{tenantid}/v2.0"

    @Test("a tenant is substituted into every placeholder")
    func substitution() throws {
        let template = try IssuerTemplate(Self.template)
        #expect(
            try template.issuer(forTenant: "9188040d-6c67-4c5b-b112-36a304b66dad")
                == "https://login.example.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0")
        let twice = try IssuerTemplate("https://login.example.com/{t}/v2.0/{t}", placeholder: "{t}")
        #expect(try twice.issuer(forTenant: "contoso") == "https://login.example.com/contoso/v2.0/contoso")
        // A placeholder in the host is refused: a tenant must not pick the server.
        #expect(throws: DiscoveryError.invalidTemplate(reason: "")) {
            try IssuerTemplate("https://{t}.example.com/x", placeholder: "{t}")
        }
    }

    @Test(
        "tenants that would leave their path segment are refused",
        arguments: ["", "a/b", "..", ".", "a?b", "a#b", "a%2Fb", "ä", "a b", String(repeating: "a", count: 129)])
    func unsafeTenants(tenant: String) throws {
        let template = try IssuerTemplate(Self.template)
        #expect(throws: DiscoveryError.invalidTemplate(reason: "")) { try template.issuer(forTenant: tenant) }
    }

    @Test("a template needs its placeholder in the path of an absolute URL")
    func invalidTemplates() throws {
        for text in [
            "https://login.example.com/common/v2.0", "login.example.com/{tenantid}",
            "https://login.example.com/v2.0?t={tenantid}",
        ] {
            #expect(throws: DiscoveryError.invalidTemplate(reason: ""), "\(text)") { try IssuerTemplate(text) }
        }
    }

    @Test("a common document whose issuer is a template exposes it")
    func commonDocument() throws {
        let metadata = try ProviderMetadata(
            json: Fixtures.metadata(issuer: Self.template, base: "https://login.example.com/common/v2.0").serialized())
        // The document passes validation against the template text itself, exactly.
        #expect(try metadata.validated(expectedIssuer: Self.template) == metadata)
        let template = try #require(metadata.issuerTemplate)
        #expect(try template.issuer(forTenant: "contoso") == "https://login.example.com/contoso/v2.0")
        #expect(try ProviderMetadata(json: Fixtures.metadata().serialized()).issuerTemplate == nil)
    }
}
