// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// Constant-time comparisons for MACs, hashes and other secrets.
enum ConstantTime {
    /// Whether two byte strings are equal; the time depends only on their lengths.
    static func isEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.isEmpty { return true }
        return unsafe lhs.withUnsafeBytes { left in
            unsafe rhs.withUnsafeBytes { right in
                unsafe CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
