// SPDX-License-Identifier: Apache-2.0

/// An error thrown by the ``JOSE`` module.
///
/// Match on ``code``; equality ignores the human-readable reason. The reason names what failed
/// (for example `kid "k1" not in JWKS` or `token expired 73 s ago`) and never contains token,
/// signature or key bytes.
public struct JOSEError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public let code: Code
    /// A diagnostic sentence naming what failed; never contains secrets.
    public let reason: String
    private let location: String

    /// `code: reason`, suitable for logs and one-line CLI messages.
    public var description: String { "\(self.code): \(self.reason)" }

    /// The source location that raised the error, for bug reports.
    public var sourceLocation: String { self.location }

    private init(code: Code, reason: String, file: String, line: UInt) {
        self.code = code
        self.reason = reason
        self.location = "\(file):\(line)"
    }

    /// Compares codes only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// Input is not strict base64url (RFC 7515 §2): padding, a non-alphabet byte or non-canonical bits.
    @inline(never)
    public static func malformedBase64URL(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .malformedBase64URL, reason: reason, file: file, line: line)
    }

    /// Input is not valid JSON (RFC 8259), or is JSON of the wrong shape.
    @inline(never)
    public static func malformedJSON(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .malformedJSON, reason: reason, file: file, line: line)
    }

    /// Input exceeds a size, count or nesting limit.
    @inline(never)
    public static func limitExceeded(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .limitExceeded, reason: reason, file: file, line: line)
    }

    /// A JWS compact serialization that is not exactly three base64url parts.
    @inline(never)
    public static func malformedCompactSerialization(
        reason: String, file: String = #fileID, line: UInt = #line
    ) -> Self {
        Self(code: .malformedCompactSerialization, reason: reason, file: file, line: line)
    }

    /// A JOSE header that is missing `alg` or holds a member of the wrong type.
    @inline(never)
    public static func malformedHeader(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .malformedHeader, reason: reason, file: file, line: line)
    }

    /// The token's algorithm is `none`, unknown, or not among those the caller and key allow.
    @inline(never)
    public static func algorithmNotAllowed(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .algorithmNotAllowed, reason: reason, file: file, line: line)
    }

    /// The header lists a `crit` extension this verifier does not understand (RFC 7515 §4.1.11).
    @inline(never)
    public static func unsupportedCriticalHeader(
        reason: String, file: String = #fileID, line: UInt = #line
    ) -> Self {
        Self(code: .unsupportedCriticalHeader, reason: reason, file: file, line: line)
    }

    /// A key could not be parsed, is too weak, or is not allowed for the operation.
    @inline(never)
    public static func invalidKey(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidKey, reason: reason, file: file, line: line)
    }

    /// No key matches the token's `kid`, or no key fits the token's algorithm.
    @inline(never)
    public static func keyNotFound(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .keyNotFound, reason: reason, file: file, line: line)
    }

    /// The signature does not verify.
    @inline(never)
    public static func invalidSignature(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidSignature, reason: reason, file: file, line: line)
    }

    /// Signing failed inside OpenSSL.
    @inline(never)
    public static func signingFailed(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .signingFailed, reason: reason, file: file, line: line)
    }

    /// A JWT claim has the wrong type, or a required claim is missing.
    @inline(never)
    public static func invalidClaim(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidClaim, reason: reason, file: file, line: line)
    }

    /// The token's `exp` is in the past (beyond the leeway).
    @inline(never)
    public static func tokenExpired(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .tokenExpired, reason: reason, file: file, line: line)
    }

    /// The token's `nbf` (or `iat`) is in the future (beyond the leeway).
    @inline(never)
    public static func tokenNotYetValid(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .tokenNotYetValid, reason: reason, file: file, line: line)
    }

    /// The token's `iss` is not the expected issuer.
    @inline(never)
    public static func issuerMismatch(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .issuerMismatch, reason: reason, file: file, line: line)
    }

    /// The token's `aud` does not contain the expected audience.
    @inline(never)
    public static func audienceMismatch(reason: String, file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .audienceMismatch, reason: reason, file: file, line: line)
    }
}

extension JOSEError {
    /// The kind of a ``JOSEError``. New codes may be added in minor releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case malformedBase64URL, malformedJSON, limitExceeded, malformedCompactSerialization
            case malformedHeader, algorithmNotAllowed, unsupportedCriticalHeader, invalidKey, keyNotFound
            case invalidSignature, signingFailed, invalidClaim, tokenExpired, tokenNotYetValid
            case issuerMismatch, audienceMismatch
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// See ``JOSEError/malformedBase64URL(reason:file:line:)``.
        public static let malformedBase64URL = Self(.malformedBase64URL)
        /// See ``JOSEError/malformedJSON(reason:file:line:)``.
        public static let malformedJSON = Self(.malformedJSON)
        /// See ``JOSEError/limitExceeded(reason:file:line:)``.
        public static let limitExceeded = Self(.limitExceeded)
        /// See ``JOSEError/malformedCompactSerialization(reason:file:line:)``.
        public static let malformedCompactSerialization = Self(.malformedCompactSerialization)
        /// See ``JOSEError/malformedHeader(reason:file:line:)``.
        public static let malformedHeader = Self(.malformedHeader)
        /// See ``JOSEError/algorithmNotAllowed(reason:file:line:)``.
        public static let algorithmNotAllowed = Self(.algorithmNotAllowed)
        /// See ``JOSEError/unsupportedCriticalHeader(reason:file:line:)``.
        public static let unsupportedCriticalHeader = Self(.unsupportedCriticalHeader)
        /// See ``JOSEError/invalidKey(reason:file:line:)``.
        public static let invalidKey = Self(.invalidKey)
        /// See ``JOSEError/keyNotFound(reason:file:line:)``.
        public static let keyNotFound = Self(.keyNotFound)
        /// See ``JOSEError/invalidSignature(reason:file:line:)``.
        public static let invalidSignature = Self(.invalidSignature)
        /// See ``JOSEError/signingFailed(reason:file:line:)``.
        public static let signingFailed = Self(.signingFailed)
        /// See ``JOSEError/invalidClaim(reason:file:line:)``.
        public static let invalidClaim = Self(.invalidClaim)
        /// See ``JOSEError/tokenExpired(reason:file:line:)``.
        public static let tokenExpired = Self(.tokenExpired)
        /// See ``JOSEError/tokenNotYetValid(reason:file:line:)``.
        public static let tokenNotYetValid = Self(.tokenNotYetValid)
        /// See ``JOSEError/issuerMismatch(reason:file:line:)``.
        public static let issuerMismatch = Self(.issuerMismatch)
        /// See ``JOSEError/audienceMismatch(reason:file:line:)``.
        public static let audienceMismatch = Self(.audienceMismatch)

        /// The code's name, e.g. `invalidSignature`.
        public var description: String { self.backing.rawValue }
    }
}
