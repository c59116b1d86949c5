// SPDX-License-Identifier: Apache-2.0
import COpenSSL

extension EVPKey {
    /// Generates a fresh key pair from OpenSSL's CSPRNG.
    static func generate(_ family: Family, rsaBits: Int = 2048) throws -> EVPKey {
        let type: String
        switch family {
        case .rsa: type = "RSA"
        case .ec: type = "EC"
        case .ed25519: type = "ED25519"
        }
        guard let context = unsafe EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw JOSEError.invalidKey(reason: "OpenSSL lacks \(type)")
        }
        defer { unsafe EVP_PKEY_CTX_free(context) }
        guard unsafe EVP_PKEY_keygen_init(context) == 1 else {
            throw JOSEError.invalidKey(reason: OpenSSLErrorQueue.drain())
        }
        switch family {
        case .rsa:
            guard unsafe EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(rsaBits)) == 1 else {
                throw JOSEError.invalidKey(reason: OpenSSLErrorQueue.drain())
            }
        case .ec(let curve):
            guard unsafe EVP_PKEY_CTX_set_group_name(context, curve.openSSLGroupName) == 1 else {
                throw JOSEError.invalidKey(reason: OpenSSLErrorQueue.drain())
            }
        case .ed25519:
            break
        }
        var key: OpaquePointer? = nil
        guard unsafe EVP_PKEY_generate(context, &key) == 1, let key = unsafe key else {
            throw JOSEError.invalidKey(reason: "key generation failed: \(OpenSSLErrorQueue.drain())")
        }
        return try unsafe EVPKey(takingOwnershipOf: key, isPrivate: true)
    }
}
