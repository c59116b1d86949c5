// SPDX-License-Identifier: Apache-2.0

/// A merchant VAT number as MobilePay's authorization request needs it (`merchant_vat`):
/// `DK` or `FI` followed by eight digits.
public struct MerchantVAT: Hashable, Sendable, CustomStringConvertible {
    /// The value, e.g. `DK12345678`.
    public let value: String

    /// Validates `^(DK|FI)[0-9]{8}$` before any request is made.
    /// - Throws: ``MobilePayError/Code/invalidMerchantVAT``.
    public init(_ value: String) throws {
        let bytes = Array(value.utf8)
        let prefixOK = bytes.count == 10 && (bytes.starts(with: Array("DK".utf8)) || bytes.starts(with: Array("FI".utf8)))
        guard prefixOK, bytes[2...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw MobilePayError.invalidMerchantVAT(reason: "merchant_vat must match ^(DK|FI)[0-9]{8}$")
        }
        self.value = value
    }

    /// The value.
    public var description: String { self.value }
}

/// An error thrown by ``MobilePayProfile``.
public struct MobilePayError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed.
    public let code: Code
    /// A sentence naming it.
    public let reason: String
    /// The reason.
    public var description: String { self.reason }

    /// Compares codes only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// The VAT number is not `DK`/`FI` + 8 digits.
    public static func invalidMerchantVAT(reason: String) -> Self { Self(code: .invalidMerchantVAT, reason: reason) }
    /// A MobilePay API refused the token twice: the merchant must authorize again.
    public static func unauthorized(reason: String) -> Self { Self(code: .unauthorized, reason: reason) }

    /// The kind of a ``MobilePayError``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// See ``MobilePayError/invalidMerchantVAT(reason:)``.
        public static let invalidMerchantVAT = Self(name: "invalidMerchantVAT")
        /// See ``MobilePayError/unauthorized(reason:)``.
        public static let unauthorized = Self(name: "unauthorized")
        /// The code's name.
        public var description: String { self.name }
    }
}
