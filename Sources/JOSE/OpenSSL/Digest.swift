// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// A SHA-2 digest, fetched from OpenSSL's default provider once per process.
@safe
struct Digest: Sendable {
    /// The EVP_MD, fetched once (explicit fetching avoids a provider lookup per call).
    private let handle: FetchedDigest

    /// The digest output size in bytes.
    let size: Int

    static let sha256 = Digest(name: "SHA256", size: 32)
    static let sha384 = Digest(name: "SHA384", size: 48)
    static let sha512 = Digest(name: "SHA512", size: 64)

    private init(name: String, size: Int) {
        self.handle = FetchedDigest(name: name)
        self.size = size
    }

    /// The OpenSSL `EVP_MD *`; valid for the process lifetime.
    var evpMD: OpaquePointer { unsafe self.handle.pointer }

    /// Hashes `bytes` in one shot.
    func hash(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: self.size)
        unsafe bytes.withUnsafeBufferPointer { input in
            unsafe output.withUnsafeMutableBufferPointer { out in
                unsafe self.hash(UnsafeRawBufferPointer(input), into: out.baseAddress!)
            }
        }
        return output
    }

    /// Hashes `input` into `output` (at least ``size`` bytes) with a pooled `EVP_MD_CTX`.
    func hash(_ input: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) {
        let context = unsafe self.handle.contexts.take(tag: 0) ?? EVP_MD_CTX_new()
        guard let context = unsafe context else { preconditionFailure("out of memory") }
        var length: UInt32 = 0
        let status =
            unsafe EVP_DigestInit_ex2(context, self.evpMD, nil) == 1
            && EVP_DigestUpdate(context, input.baseAddress, input.count) == 1
            && EVP_DigestFinal_ex(context, output, &length) == 1
        unsafe self.handle.contexts.put(context, tag: 0)
        // SHA-2 over memory cannot fail short of memory exhaustion.
        precondition(status && Int(length) == self.size, "SHA-2 digest failed")
    }
}

/// Owns a fetched `EVP_MD *` for the process lifetime.
@safe
private final class FetchedDigest: @unchecked Sendable {  // immutable after init; EVP_MD is shareable
    let pointer: OpaquePointer
    /// Reusable `EVP_MD_CTX`s for this digest.
    let contexts = unsafe ContextPool(capacity: 16) { context, _ in unsafe EVP_MD_CTX_free(context) }

    init(name: String) {
        guard let fetched = unsafe EVP_MD_fetch(nil, name, nil) else {
            preconditionFailure("OpenSSL's default provider has no \(name)")
        }
        unsafe self.pointer = fetched
    }

    deinit { unsafe EVP_MD_free(self.pointer) }
}
