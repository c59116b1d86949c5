// SPDX-License-Identifier: Apache-2.0

/// The elliptic curves JWS uses for ECDSA (RFC 7518 §6.2.1.1).
public enum ECCurve: String, Hashable, Sendable, CaseIterable {
    /// NIST P-256 (secp256r1), for ES256.
    case p256 = "P-256"
    /// NIST P-384 (secp384r1), for ES384.
    case p384 = "P-384"
    /// NIST P-521 (secp521r1), for ES512.
    case p521 = "P-521"

    /// The size in bytes of a coordinate, a private scalar, and each half of a JWS signature.
    public var componentSize: Int {
        switch self {
        case .p256: return 32
        case .p384: return 48
        case .p521: return 66
        }
    }

    /// The one JWS algorithm for this curve.
    public var algorithm: JWSAlgorithm {
        switch self {
        case .p256: return .es256
        case .p384: return .es384
        case .p521: return .es512
        }
    }

    var openSSLGroupName: String {
        switch self {
        case .p256: return "prime256v1"
        case .p384: return "secp384r1"
        case .p521: return "secp521r1"
        }
    }

    init?(openSSLGroupName name: String) {
        switch name {
        case "prime256v1", "P-256", "secp256r1": self = .p256
        case "secp384r1", "P-384": self = .p384
        case "secp521r1", "P-521": self = .p521
        default: return nil
        }
    }
}
