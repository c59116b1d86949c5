// SPDX-License-Identifier: Apache-2.0

/// An error thrown by the ``OIDCTestProvider`` module. Match on ``code``; equality ignores the reason.
public struct OIDCTestProviderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, for programs.
    public let code: Code
    private let reason: String  // diagnostic only; never holds tokens, secrets or key bytes
    private let location: String

    /// `OIDCTestProviderError.<code>: <reason> (<file>:<line>)`.
    public var description: String { "OIDCTestProviderError.\(self.code): \(self.reason) (\(self.location))" }

    /// Whether the codes are equal.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the code.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// The configuration cannot describe a working provider (a duplicate client, a missing secret or key).
    @inline(never)
    public static func invalidConfiguration(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidConfiguration, reason: reason, location: "\(file):\(line)")
    }

    /// The authorization endpoint refused to redirect (an unknown client or an unregistered
    /// `redirect_uri`): a browser would show an error page.
    @inline(never)
    public static func authorizationRefused(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .authorizationRefused, reason: reason, location: "\(file):\(line)")
    }

    /// The URL is not this provider's authorization endpoint.
    @inline(never)
    public static func invalidURL(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidURL, reason: reason, location: "\(file):\(line)")
    }
}

extension OIDCTestProviderError {
    /// The kind of an ``OIDCTestProviderError``; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable { case invalidConfiguration, authorizationRefused, invalidURL }
        private let backing: Backing

        /// See ``OIDCTestProviderError/invalidConfiguration(reason:file:line:)``.
        public static let invalidConfiguration = Self(backing: .invalidConfiguration)
        /// See ``OIDCTestProviderError/authorizationRefused(reason:file:line:)``.
        public static let authorizationRefused = Self(backing: .authorizationRefused)
        /// See ``OIDCTestProviderError/invalidURL(reason:file:line:)``.
        public static let invalidURL = Self(backing: .invalidURL)

        /// The code's name.
        public var description: String { String(describing: self.backing) }
    }
}
