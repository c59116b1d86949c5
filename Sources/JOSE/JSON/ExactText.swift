// SPDX-License-Identifier: Apache-2.0

/// Exact (byte for byte) string comparison.
///
/// Swift's `==` on `String` applies Unicode canonical equivalence (`"\u{212A}" == "K"`); JSON member
/// names and JWT StringOrURI values compare exactly (RFC 7519 §2). This is also much faster than the
/// generic `utf8.elementsEqual` on the short names it is used for.
enum ExactText {
    @inline(__always)
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8.span
        let right = rhs.utf8.span
        guard left.count == right.count else { return false }
        for index in 0..<left.count where left[index] != right[index] { return false }
        return true
    }
}
