// SPDX-License-Identifier: Apache-2.0

/// Unguessable URL-safe strings for `state` and `nonce` (OIDC Core §3.1.2.1, §15.5.2).
public enum RandomString {
    /// A fresh `state`: 32 CSPRNG bytes, base64url (43 characters).
    /// - Throws: ``PKCEError/Code/randomFailure``.
    public static func makeState() throws -> String { try self.make(byteCount: 32) }

    /// A fresh `nonce`: 32 CSPRNG bytes, base64url (43 characters).
    /// - Throws: ``PKCEError/Code/randomFailure``.
    public static func makeNonce() throws -> String { try self.make(byteCount: 32) }

    /// `byteCount` CSPRNG bytes (16 to 512), base64url without padding.
    /// - Throws: ``PKCEError/Code/invalidLength``, ``PKCEError/Code/randomFailure``.
    public static func make(byteCount: Int) throws -> String {
        guard (16...512).contains(byteCount) else {
            throw PKCEError.invalidLength(reason: "random strings need 16 to 512 bytes, not \(byteCount)")
        }
        return URLSafeBase64.encode(try SystemRandom.bytes(count: byteCount))
    }
}
