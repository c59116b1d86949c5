// SPDX-License-Identifier: Apache-2.0

/// A JWS `alg` value (RFC 7518 §3.1, RFC 8037, RFC 9864). Unknown values round-trip but never verify.
public struct JWSAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The wire name, e.g. `RS256`.
    public let rawValue: String

    /// Wraps a wire name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// RSASSA-PKCS1-v1_5 with SHA-256.
    public static let rs256 = Self(rawValue: "RS256")
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    public static let rs384 = Self(rawValue: "RS384")
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    public static let rs512 = Self(rawValue: "RS512")
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
    public static let ps256 = Self(rawValue: "PS256")
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384, 48-byte salt.
    public static let ps384 = Self(rawValue: "PS384")
    /// RSASSA-PSS with SHA-512, MGF1-SHA-512, 64-byte salt.
    public static let ps512 = Self(rawValue: "PS512")
    /// ECDSA on P-256 with SHA-256.
    public static let es256 = Self(rawValue: "ES256")
    /// ECDSA on P-384 with SHA-384.
    public static let es384 = Self(rawValue: "ES384")
    /// ECDSA on P-521 with SHA-512.
    public static let es512 = Self(rawValue: "ES512")
    /// EdDSA (RFC 8037); with this library, Ed25519 keys only.
    public static let edDSA = Self(rawValue: "EdDSA")
    /// Ed25519, the fully specified name (RFC 9864). Verifies exactly like ``edDSA`` with an Ed25519 key.
    public static let ed25519 = Self(rawValue: "Ed25519")
    /// HMAC with SHA-256.
    public static let hs256 = Self(rawValue: "HS256")
    /// HMAC with SHA-384.
    public static let hs384 = Self(rawValue: "HS384")
    /// HMAC with SHA-512.
    public static let hs512 = Self(rawValue: "HS512")
    /// The unsecured `none` (RFC 7518 §3.6). Rejected by every verifier in this library.
    public static let none = Self(rawValue: "none")

    /// Every algorithm this library can verify and sign.
    public static let supported: [JWSAlgorithm] = [
        .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .es256, .es384, .es512, .edDSA, .ed25519,
        .hs256, .hs384, .hs512,
    ]

    /// The wire name.
    public var description: String { self.rawValue }

    /// Whether this library implements the algorithm (`none` is not implemented).
    public var isSupported: Bool { Self.supported.contains(self) }

    /// Whether the algorithm is an HMAC (symmetric) one.
    public var isSymmetric: Bool { self == .hs256 || self == .hs384 || self == .hs512 }

    /// The hash OpenID Connect uses for `at_hash`/`c_hash`/`s_hash` with this algorithm
    /// (SHA-512 for Ed25519, as OIDC's EdDSA guidance and RFC 9864 say), or `nil` if unsupported.
    var tokenHashDigest: Digest? {
        switch self {
        case .rs256, .ps256, .es256, .hs256: return .sha256
        case .rs384, .ps384, .es384, .hs384: return .sha384
        case .rs512, .ps512, .es512, .hs512, .edDSA, .ed25519: return .sha512
        default: return nil
        }
    }
}
