// SPDX-License-Identifier: Apache-2.0
import HTTPTypes

/// What debug traces may show: header values except credentials, paths without their query.
enum Redaction {
    /// Header fields whose values are never logged.
    static let sensitiveFields: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    /// `name: value` pairs with credentials replaced by `<redacted>`.
    static func describe(_ fields: HTTPFields) -> String {
        fields.map { field in
            let value = self.sensitiveFields.contains(field.name.canonicalName) ? "<redacted>" : field.value
            return "\(field.name.rawName): \(value)"
        }.joined(separator: ", ")
    }

    /// The path with any query replaced by `?<redacted>` (it may hold a code, a state or a token).
    static func path(_ path: String) -> String {
        guard let question = path.firstIndex(of: "?") else { return path }
        return path[..<question] + "?<redacted>"
    }
}
