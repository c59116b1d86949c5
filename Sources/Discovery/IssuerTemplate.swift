// SPDX-License-Identifier: Apache-2.0

/// A multi-tenant provider's issuer with a tenant placeholder, such as
/// `https://login.example.com/{tenantid}/v2.0` (Microsoft Entra ID's common metadata publishes exactly
/// this as its `issuer`).
///
/// A template is never compared with a token's `iss` as a pattern: substitute the tenant you expect
/// (or the token's `tid`, after checking it is a tenant you serve) with ``issuer(forTenant:)`` and
/// compare the result exactly, or fetch that tenant's metadata with
/// ``ProviderDiscovery/metadata(template:tenant:deadline:)``.
public struct IssuerTemplate: Hashable, Sendable, CustomStringConvertible {
    /// The template text, e.g. `https://login.example.com/{tenantid}/v2.0`.
    public let template: String
    /// The placeholder, `{tenantid}` by default.
    public let placeholder: String

    /// The most characters a tenant may have.
    public static let maxTenantLength = 128

    /// Checks `template`: an absolute `https` (or `http`) URL whose path holds `placeholder` at least once.
    /// - Throws: ``DiscoveryError/Code/invalidTemplate`` when the placeholder is missing or sits outside the path.
    public init(_ template: String, placeholder: String = "{tenantid}") throws {
        guard !placeholder.isEmpty, template.contains(placeholder) else {
            throw DiscoveryError.invalidTemplate(
                reason:
                    "issuer template \(EndpointURL.printable(template)) has no \(EndpointURL.printable(placeholder))")
        }
        let url = try EndpointURL(
            template, what: "issuer template", failure: { DiscoveryError.invalidTemplate(reason: $0) })
        guard !url.authority.contains(placeholder), !url.hasQuery else {
            throw DiscoveryError.invalidTemplate(
                reason: "issuer template \(EndpointURL.printable(template)) must hold the placeholder in its path only")
        }
        self.template = template
        self.placeholder = placeholder
    }

    /// The template text.
    public var description: String { self.template }

    /// The issuer of `tenant`: the template with every placeholder replaced.
    ///
    /// The tenant must be 1 to ``maxTenantLength`` characters of `A-Z a-z 0-9 - . _ ~` and not `.` or
    /// `..`, so that it stays one path segment and cannot turn the issuer into another provider's.
    /// - Throws: ``DiscoveryError/Code/invalidTemplate`` for an unusable tenant.
    public func issuer(forTenant tenant: String) throws -> String {
        let isUnreserved = { (byte: UInt8) -> Bool in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                return true
            default: return false
            }
        }
        guard !tenant.isEmpty, tenant.utf8.count <= Self.maxTenantLength, tenant.utf8.allSatisfy(isUnreserved),
            tenant != ".", tenant != ".."
        else {
            throw DiscoveryError.invalidTemplate(
                reason:
                    "tenant \(EndpointURL.printable(tenant)) is not 1-\(Self.maxTenantLength) characters of A-Z a-z 0-9 - . _ ~"
            )
        }
        var result = ""
        var rest = Substring(self.template)
        while let range = rest.firstRange(of: self.placeholder) {
            result += rest[..<range.lowerBound]
            result += tenant
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
