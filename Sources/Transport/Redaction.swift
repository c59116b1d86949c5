// SPDX-License-Identifier: Apache-2.0
import HTTPTypes

/// What debug traces may show: header values except credentials, paths without their query.
enum Redaction {
    /// Header fields whose values are never logged.
    static let sensitiveFields: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie", "dpop"]
    /// Header names containing one of these are treated as credentials too (`X-Api-Key`, `X-Auth-Token`).
    static let sensitiveFragments = ["auth", "token", "secret", "key", "session", "password"]

    /// `name: value` pairs with credentials replaced by `<redacted>`, and the query of `Location`
    /// (which may carry an authorization code) removed.
    static func describe(_ fields: HTTPFields) -> String {
        fields.map { field in
            let name = field.name.canonicalName
            let value: String
            if self.sensitiveFields.contains(name) || self.sensitiveFragments.contains(where: { name.contains($0) }) {
                value = "<redacted>"
            } else if name == "location" || name == "content-location" {
                value = self.path(field.value)
            } else {
                value = field.value
            }
            return "\(field.name.rawName): \(value)"
        }.joined(separator: ", ")
    }

    /// The path (or URL) with any query or fragment replaced by `?<redacted>` (it may hold a code, a
    /// state or a token).
    static func path(_ path: String) -> String {
        guard let mark = path.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return path }
        return path[..<mark] + "?<redacted>"
    }
}
