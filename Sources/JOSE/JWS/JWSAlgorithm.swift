// SPDX-License-Identifier: Apache-2.0

/// A JWS `alg` value (RFC 7518 §3.1, RFC 8037, RFC 9864). Unknown values round-trip but never verify.
public struct JWSAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The wire name, e.g. `RS256`.
    public let rawValue: String
    /// A small number for each algorithm this library implements (0 for any other name), so that
    /// checks on the verification path compare integers, not strings.
    let identifier: UInt8

    /// Wraps a wire name.
    public init(rawValue: String) {
        self.rawValue = rawValue
        self.identifier = Self.identifier(of: rawValue)
    }

    /// Equal when the wire names are equal, code unit for code unit.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.identifier == rhs.identifier && (lhs.identifier != 0 || ExactText.equal(lhs.rawValue, rhs.rawValue))
    }

    /// Hashes the wire name.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.rawValue) }

    /// The implemented algorithms' wire names as packed names (``JSONObjectIndex/pack(_:_:_:)``: the
    /// length and up to seven bytes, exact for every one of them), in identifier order.
    private static let packedNames: [UInt64] = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519",
        "HS256", "HS384", "HS512",
    ].map { Self.packed($0.utf8.span) }

    /// The implemented algorithm spelled by `bytes` (the UTF-8 of an `alg` value), found without
    /// building a string; `nil` for any other name.
    static func implemented(named bytes: Span<UInt8>) -> JWSAlgorithm? {
        // The common names first, without a look-up in the tables (the packed forms are checked by a test).
        switch Self.packed(bytes) {
        case 0x0500_0052_5332_3536: return .rs256
        case 0x0500_0045_5332_3536: return .es256
        case 0x0500_0048_5332_3536: return .hs256
        case 0x0500_0050_5332_3536: return .ps256
        case 0x0500_0045_6444_5341: return .edDSA
        default: return Self.position(of: bytes).map { Self.supported[$0] }
        }
    }

    private static func identifier(of name: String) -> UInt8 {
        Self.position(of: name.utf8.span).map { UInt8($0 + 1) } ?? 0
    }

    /// The index in ``supported`` of the algorithm named `bytes`. Names longer than seven bytes pack only
    /// a prefix, but their length keeps them apart from every implemented name.
    private static func position(of bytes: Span<UInt8>) -> Int? {
        Self.packedNames.firstIndex(of: Self.packed(bytes))
    }

    private static func packed(_ bytes: Span<UInt8>) -> UInt64 { JSONObjectIndex.pack(bytes, 0, bytes.count) }

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

    /// Every algorithm this library can verify and sign, in identifier order.
    public static let supported: [JWSAlgorithm] = [
        .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .es256, .es384, .es512, .edDSA, .ed25519,
        .hs256, .hs384, .hs512,
    ]

    /// The wire name.
    public var description: String { self.rawValue }

    /// Whether this library implements the algorithm (`none` is not implemented).
    public var isSupported: Bool { self.identifier != 0 }

    /// Whether the algorithm is an HMAC (symmetric) one.
    public var isSymmetric: Bool { self.identifier >= Self.firstHMACIdentifier }

    /// HS256's identifier; HS384 and HS512 follow it.
    private static let firstHMACIdentifier: UInt8 = 12

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
