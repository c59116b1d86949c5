// SPDX-License-Identifier: Apache-2.0
import JOSE

extension String {
    /// Whether the two strings hold the same Unicode code points (``ExactText/equal(_:_:)``).
    ///
    /// Identifiers (`iss`, `aud`, `azp`, `sub`, the `iss` response parameter) are compared this way
    /// (RFC 7519 §2, RFC 9207 §2.4), never with `==`, which applies canonical equivalence: `"\u{212A}" == "K"`.
    func isIdentical(to other: String) -> Bool { ExactText.equal(self, other) }
}

extension Optional where Wrapped == String {
    /// Whether both are `nil`, or both hold the same code points.
    func isIdentical(to other: String?) -> Bool {
        switch (self, other) {
        case (nil, nil): true
        case (let left?, let right?): left.isIdentical(to: right)
        default: false
        }
    }
}
