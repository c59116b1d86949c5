// SPDX-License-Identifier: Apache-2.0

/// An error thrown by the ``PKCE`` module. Match on ``code``; the reason never contains the verifier.
public struct PKCEError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed.
    public let code: Code
    /// A diagnostic sentence.
    public let reason: String

    /// `code: reason`.
    public var description: String { "\(self.code): \(self.reason)" }

    /// Compares codes only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// A code verifier outside RFC 7636 §4.1 (43-128 unreserved characters).
    public static func invalidVerifier(reason: String) -> Self { Self(code: .invalidVerifier, reason: reason) }
    /// A requested length outside the allowed range.
    public static func invalidLength(reason: String) -> Self { Self(code: .invalidLength, reason: reason) }
    /// The system CSPRNG failed.
    public static func randomFailure(reason: String) -> Self { Self(code: .randomFailure, reason: reason) }

    /// The kind of a ``PKCEError``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// See ``PKCEError/invalidVerifier(reason:)``.
        public static let invalidVerifier = Self(name: "invalidVerifier")
        /// See ``PKCEError/invalidLength(reason:)``.
        public static let invalidLength = Self(name: "invalidLength")
        /// See ``PKCEError/randomFailure(reason:)``.
        public static let randomFailure = Self(name: "randomFailure")
        /// The code's name.
        public var description: String { self.name }
    }
}
