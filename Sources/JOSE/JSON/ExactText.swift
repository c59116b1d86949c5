// SPDX-License-Identifier: Apache-2.0

/// Exact string comparison: the same Unicode code points, compared as UTF-8 bytes.
///
/// Swift's `==` on `String` applies Unicode canonical equivalence (`"\u{212A}" == "K"`); JSON member
/// names, JWT StringOrURI values (RFC 7519 §2) and OAuth/OpenID identifiers (`iss`, `aud`, `client_id`,
/// RFC 9207 §2.4) compare exactly. This is also much faster than `utf8.elementsEqual` on short strings.
public enum ExactText {
    /// Whether `lhs` and `rhs` hold the same code points.
    @inlinable
    public static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8.span
        let right = rhs.utf8.span
        guard left.count == right.count else { return false }
        for index in 0..<left.count where left[index] != right[index] { return false }
        return true
    }
}
