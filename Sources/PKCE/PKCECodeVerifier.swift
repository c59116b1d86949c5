// SPDX-License-Identifier: Apache-2.0

/// A PKCE code verifier (RFC 7636 §4.1): 43 to 128 characters from `[A-Z a-z 0-9 - . _ ~]`.
///
/// Its `description` is redacted; read ``value`` only to send it to the token endpoint.
public struct PKCECodeVerifier: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The verifier text. A secret until the code is redeemed.
    public let value: String

    /// Generates a verifier from `byteCount` CSPRNG bytes (32 bytes give 43 characters, as RFC 7636
    /// §4.1 recommends; 96 give the maximum 128).
    /// - Throws: ``PKCEError/Code/invalidLength`` outside 32...96 bytes, ``PKCEError/Code/randomFailure``.
    public init(byteCount: Int = 32) throws {
        guard (32...96).contains(byteCount) else {
            throw PKCEError.invalidLength(reason: "verifier entropy must be 32 to 96 bytes, not \(byteCount)")
        }
        self.value = URLSafeBase64.encode(try SystemRandom.bytes(count: byteCount))
    }

    /// Wraps an existing verifier after checking it against RFC 7636 §4.1.
    /// - Throws: ``PKCEError/Code/invalidVerifier``.
    public init(validating value: String) throws {
        let bytes = Array(value.utf8)
        guard (43...128).contains(bytes.count) else {
            throw PKCEError.invalidVerifier(reason: "verifier must be 43 to 128 characters, not \(bytes.count)")
        }
        for byte in bytes where !Self.isUnreserved(byte) {
            throw PKCEError.invalidVerifier(reason: "verifier holds a character outside [A-Za-z0-9-._~]")
        }
        self.value = value
    }

    /// Decodes and validates a stored verifier.
    public init(from decoder: any Decoder) throws {
        try self.init(validating: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the verifier as a string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.value)
    }

    /// The S256 challenge: `BASE64URL(SHA256(ASCII(verifier)))`.
    public var challenge: PKCECodeChallenge { self.challenge(method: .s256) }

    /// The challenge for `method`. Use ``PKCEChallengeMethod/plain`` only when a provider cannot do S256.
    public func challenge(method: PKCEChallengeMethod) -> PKCECodeChallenge {
        switch method {
        case .plain: return PKCECodeChallenge(value: self.value, method: .plain)
        default: return PKCECodeChallenge(value: URLSafeBase64.encode(SHA256.hash(Array(self.value.utf8))), method: .s256)
        }
    }

    /// Redacted.
    public var description: String { "PKCECodeVerifier(<redacted, \(self.value.utf8.count) chars>)" }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

/// A `code_challenge_method` (RFC 7636 §4.3).
public struct PKCEChallengeMethod: RawRepresentable, Hashable, Sendable, Codable {
    /// The wire name.
    public let rawValue: String
    /// Wraps a wire name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// SHA-256, the default and the only method this toolkit uses unless told otherwise.
    public static let s256 = Self(rawValue: "S256")
    /// The verifier itself; only for providers that cannot do S256.
    public static let plain = Self(rawValue: "plain")
}

/// A `code_challenge` and its method, as sent in the authorization request.
public struct PKCECodeChallenge: Hashable, Sendable, Codable {
    /// `code_challenge`.
    public let value: String
    /// `code_challenge_method`.
    public let method: PKCEChallengeMethod
}
