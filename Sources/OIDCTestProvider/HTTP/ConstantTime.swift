// SPDX-License-Identifier: Apache-2.0

/// Comparisons of secrets whose time depends only on the lengths, never on where the first difference is.
enum ConstantTime {
    /// Whether `lhs` and `rhs` hold the same UTF-8 bytes.
    static func isEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
