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
        var length: UInt32 = 0
        let status = unsafe bytes.withUnsafeBufferPointer { input in
            unsafe output.withUnsafeMutableBufferPointer { out in
                unsafe EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, self.evpMD, nil)
            }
        }
        // SHA-2 over memory cannot fail short of memory exhaustion.
        precondition(status == 1 && Int(length) == self.size, "EVP_Digest failed")
        return output
    }
}

/// Owns a fetched `EVP_MD *` for the process lifetime.
@safe
private final class FetchedDigest: @unchecked Sendable {  // immutable after init; EVP_MD is shareable
    let pointer: OpaquePointer

    init(name: String) {
        guard let fetched = unsafe EVP_MD_fetch(nil, name, nil) else {
            preconditionFailure("OpenSSL's default provider has no \(name)")
        }
        unsafe self.pointer = fetched
    }

    deinit { unsafe EVP_MD_free(self.pointer) }
}
