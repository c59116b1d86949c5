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
                OSSL_PARAM_construct_utf8_string(Self.digestParameter, name.baseAddress, 0),
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

    /// `"digest"` as a C string that lives for the whole process. An `OSSL_PARAM` keeps the pointer to its
    /// name until `EVP_MAC_init` reads it, but a Swift string argument's C string dies when the call returns.
    private static var digestParameter: UnsafePointer<CChar> {
        let name: StaticString = "digest"
        return unsafe UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// Reusable contexts keyed like the template; `EVP_MAC_init` with a null key resets one for reuse.
    private let contexts = unsafe ContextPool(capacity: 16) { context, _ in unsafe EVP_MAC_CTX_free(context) }

    /// The full-length MAC of `message`.
    func authenticationCode(for message: Span<UInt8>) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: self.digest.size)
        let ok = unsafe output.withUnsafeMutableBufferPointer { out in
            unsafe self.computeCode(message, into: out.baseAddress!)
        }
        return ok ? output : nil
    }

    /// Whether `tag` is the full-length MAC of `message`, compared in constant time (`CRYPTO_memcmp`).
    func isValidAuthenticationCode(_ tag: Span<UInt8>, for message: Span<UInt8>) -> Bool {
        guard tag.count == self.digest.size else { return false }
        return unsafe withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { expected in
            guard unsafe self.computeCode(message, into: expected.baseAddress!) else {
                return false
            }
            return unsafe tag.withUnsafeBufferPointer { given in
                unsafe CRYPTO_memcmp(expected.baseAddress, given.baseAddress, given.count) == 0
            }
        }
    }

    private func computeCode(_ message: Span<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Bool {
        guard let context = unsafe self.contexts.take(tag: 0) ?? EVP_MAC_CTX_dup(self.template) else { return false }
        defer { unsafe self.contexts.put(context, tag: 0) }
        var written = 0
        let status = unsafe message.withUnsafeBufferPointer { msg in
            unsafe EVP_MAC_init(context, nil, 0, nil) == 1 && EVP_MAC_update(context, msg.baseAddress, msg.count) == 1
                && EVP_MAC_final(context, output, &written, self.digest.size) == 1
        }
        guard status, written == self.digest.size else {
            OpenSSLErrorQueue.clear()
            return false
        }
        return true
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
