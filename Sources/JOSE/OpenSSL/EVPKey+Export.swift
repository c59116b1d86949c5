// SPDX-License-Identifier: Apache-2.0
import COpenSSL

extension EVPKey {
    /// A big-number parameter (`"n"`, `"e"`, `"d"`, `"qx"`, `"priv"`, ...) as big-endian bytes,
    /// left-padded to `size` when given.
    func bigNumberParameter(_ name: String, size: Int? = nil) -> [UInt8]? {
        var number: OpaquePointer? = nil
        guard unsafe EVP_PKEY_get_bn_param(self.pointer, name, &number) == 1, let number = unsafe number else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        defer { unsafe BN_clear_free(number) }
        let length = size ?? Int((unsafe BN_num_bits(number) + 7) / 8)
        var output = [UInt8](repeating: 0, count: length)
        let written = unsafe output.withUnsafeMutableBufferPointer { buffer in
            unsafe BN_bn2binpad(number, buffer.baseAddress, Int32(length))
        }
        return written == length ? output : nil
    }

    /// The raw Ed25519 public key.
    func rawPublicKey() -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: 32)
        var length = 32
        let status = unsafe output.withUnsafeMutableBufferPointer { buffer in
            unsafe EVP_PKEY_get_raw_public_key(self.pointer, buffer.baseAddress, &length)
        }
        return status == 1 && length == 32 ? output : nil
    }

    /// The raw Ed25519 private seed.
    func rawPrivateKey() -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: 32)
        var length = 32
        let status = unsafe output.withUnsafeMutableBufferPointer { buffer in
            unsafe EVP_PKEY_get_raw_private_key(self.pointer, buffer.baseAddress, &length)
        }
        return status == 1 && length == 32 ? output : nil
    }

    /// The DER SubjectPublicKeyInfo.
    func subjectPublicKeyInfo() -> [UInt8]? {
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        let length = unsafe i2d_PUBKEY(self.pointer, &buffer)
        guard length > 0, let buffer = unsafe buffer else { return nil }
        defer { unsafe coidc_OPENSSL_free(buffer) }
        return unsafe Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }
}
