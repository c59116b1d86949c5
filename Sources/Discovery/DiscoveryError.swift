// SPDX-License-Identifier: Apache-2.0

/// An error thrown by the ``Discovery`` module.
///
/// Match on ``code``; equality ignores the human-readable reason. The reason names the field, URL or
/// value that failed (`"issuer" is "https://evil.example" but "https://op.example" was expected`) and
/// never contains tokens, key bytes or query strings.
public struct DiscoveryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public let code: Code
    /// A diagnostic sentence naming what failed; never contains secrets.
    public let reason: String
    /// The HTTP status, for ``Code/httpStatus``.
    public let status: Int?
    private let location: String

    /// `code: reason`, suitable for logs and one-line CLI messages.
    public var description: String { "\(self.code): \(self.reason)" }

    /// The source location that raised the error, for bug reports.
    public var sourceLocation: String { self.location }

    private init(code: Code, reason: String, status: Int? = nil, file: String, line: UInt) {
        self.code = code
        self.reason = reason
        self.status = status
        self.location = "\(file):\(line)"
    }

    /// Compares codes only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// The document's `issuer` is not exactly the expected issuer (OIDC Discovery §4.3, RFC 8414 §3.3).
    @inline(never)
    public static func issuerMismatch(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .issuerMismatch, reason: reason, file: file, line: line)
    }

    /// A URL (issuer, endpoint, discovery URL, `jwks_uri`) is not `https`, and not an allowed loopback `http` URL.
    @inline(never)
    public static func insecureEndpoint(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .insecureEndpoint, reason: reason, file: file, line: line)
    }

    /// A field the validation requires is absent.
    @inline(never)
    public static func missingField(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .missingField, reason: reason, file: file, line: line)
    }

    /// A field is present with the wrong type or an unusable value.
    @inline(never)
    public static func invalidField(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidField, reason: reason, file: file, line: line)
    }

    /// The response body is not a JSON object of the expected kind, or is too large.
    @inline(never)
    public static func invalidDocument(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidDocument, reason: reason, file: file, line: line)
    }

    /// The server answered with a status other than 200.
    @inline(never)
    public static func httpStatus(_ status: Int, reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .httpStatus, reason: reason, status: status, file: file, line: line)
    }

    /// The request failed below HTTP: DNS, connect, TLS, timeout, framing or a transport limit.
    @inline(never)
    public static func network(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .network, reason: reason, file: file, line: line)
    }

    /// The provider could not be reached and the last good copy is older than the allowed staleness.
    @inline(never)
    public static func staleCacheExpired(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .staleCacheExpired, reason: reason, file: file, line: line)
    }

    /// A URL or issuer given by the caller cannot be used (not absolute, has a fragment, ...).
    @inline(never)
    public static func invalidURL(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidURL, reason: reason, file: file, line: line)
    }

    /// An issuer template or the tenant substituted into it is unusable.
    @inline(never)
    public static func invalidTemplate(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidTemplate, reason: reason, file: file, line: line)
    }
}

extension DiscoveryError {
    /// The kind of a ``DiscoveryError``. New codes may be added in minor releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case issuerMismatch, insecureEndpoint, missingField, invalidField, invalidDocument, httpStatus
            case network, staleCacheExpired, invalidURL, invalidTemplate
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// See ``DiscoveryError/issuerMismatch(reason:file:line:)``.
        public static let issuerMismatch = Self(.issuerMismatch)
        /// See ``DiscoveryError/insecureEndpoint(reason:file:line:)``.
        public static let insecureEndpoint = Self(.insecureEndpoint)
        /// See ``DiscoveryError/missingField(reason:file:line:)``.
        public static let missingField = Self(.missingField)
        /// See ``DiscoveryError/invalidField(reason:file:line:)``.
        public static let invalidField = Self(.invalidField)
        /// See ``DiscoveryError/invalidDocument(reason:file:line:)``.
        public static let invalidDocument = Self(.invalidDocument)
        /// See ``DiscoveryError/httpStatus(_:reason:file:line:)``.
        public static let httpStatus = Self(.httpStatus)
        /// See ``DiscoveryError/network(reason:file:line:)``.
        public static let network = Self(.network)
        /// See ``DiscoveryError/staleCacheExpired(reason:file:line:)``.
        public static let staleCacheExpired = Self(.staleCacheExpired)
        /// See ``DiscoveryError/invalidURL(reason:file:line:)``.
        public static let invalidURL = Self(.invalidURL)
        /// See ``DiscoveryError/invalidTemplate(reason:file:line:)``.
        public static let invalidTemplate = Self(.invalidTemplate)

        /// The code's name, e.g. `issuerMismatch`.
        public var description: String { self.backing.rawValue }

        /// Whether this is a failed check of what the provider published (exit 1 in the `oidc` tool), as
        /// opposed to a failure to fetch it (network, HTTP status, malformed or oversized body, staleness).
        public var isValidationFailure: Bool {
            switch self.backing {
            case .issuerMismatch, .insecureEndpoint, .missingField, .invalidField: return true
            default: return false
            }
        }
    }
}
