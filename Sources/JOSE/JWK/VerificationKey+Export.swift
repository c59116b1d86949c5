// SPDX-License-Identifier: Apache-2.0

extension VerificationKey {
    /// The DER SubjectPublicKeyInfo of an asymmetric key (`nil` for HMAC keys), e.g. to hand the same
    /// key to another library or to write a `PUBLIC KEY` PEM.
    public var subjectPublicKeyInfo: [UInt8]? {
        guard case .asymmetric(let key) = self.backing else { return nil }
        return key.subjectPublicKeyInfo()
    }
}
