// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// An HMAC key, keyed once into a template `EVP_MAC_CTX` that each operation duplicates.
@safe
final class HMACKey: @unchecked Sendable {  // the template is never mutated after init; dup only reads it
    private let template: OpaquePointer  // EVP_MAC_CTX *, owned
    let digest: Digest
    let keyLength: Int

    init(secret: [UInt8], digest: Digest) throws {
        guard let mac = unsafe HMACKey.mac.pointer, let context = unsafe EVP_MAC_CTX_new(mac) else {
            throw JOSEError.invalidKey(reason: "OpenSSL lacks HMAC")
        }
        var digestName = Array((digest.size == 32 ? "SHA256" : digest.size == 48 ? "SHA384" : "SHA512").utf8CString)
        let status = unsafe digestName.withUnsafeMutableBufferPointer { name in
            var parameters = unsafe [
                OSSL_PARAM_construct_utf8_string("digest", name.baseAddress, 0),
                OSSL_PARAM_construct_end(),
            ]
            return unsafe secret.withUnsafeBufferPointer { key in
                unsafe parameters.withUnsafeMutableBufferPointer { params in
                    // An empty key still needs a non-null pointer.
                    var empty: UInt8 = 0
                    return unsafe EVP_MAC_init(
                        context, key.baseAddress ?? withUnsafePointer(to: &empty) { unsafe $0 }, key.count,
                        params.baseAddress)
                }
            }
        }
        guard status == 1 else {
            unsafe EVP_MAC_CTX_free(context)
            throw JOSEError.invalidKey(reason: "HMAC key rejected: \(OpenSSLErrorQueue.drain())")
        }
        unsafe self.template = context
        self.digest = digest
        self.keyLength = secret.count
    }

    deinit { unsafe EVP_MAC_CTX_free(self.template) }

    /// The full-length MAC of `message`.
    func authenticationCode(for message: [UInt8]) -> [UInt8]? {
        guard let context = unsafe EVP_MAC_CTX_dup(self.template) else { return nil }
        defer { unsafe EVP_MAC_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: self.digest.size)
        var length = 0
        let status = unsafe message.withUnsafeBufferPointer { msg in
            unsafe output.withUnsafeMutableBufferPointer { out in
                guard unsafe EVP_MAC_update(context, msg.baseAddress, msg.count) == 1 else { return Int32(0) }
                return unsafe EVP_MAC_final(context, out.baseAddress, &length, out.count)
            }
        }
        guard status == 1, length == self.digest.size else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return output
    }

    /// Whether `tag` is the full-length MAC of `message`, compared in constant time.
    func isValidAuthenticationCode(_ tag: [UInt8], for message: [UInt8]) -> Bool {
        guard tag.count == self.digest.size, let expected = self.authenticationCode(for: message) else { return false }
        return ConstantTime.isEqual(expected, tag)
    }

    /// The fetched `EVP_MAC`, once per process.
    private static let mac = FetchedMAC()
}

@safe
private final class FetchedMAC: @unchecked Sendable {
    let pointer: OpaquePointer?
    init() { unsafe self.pointer = unsafe EVP_MAC_fetch(nil, "HMAC", nil) }
    deinit { if let pointer = unsafe self.pointer { unsafe EVP_MAC_free(pointer) } }
}
