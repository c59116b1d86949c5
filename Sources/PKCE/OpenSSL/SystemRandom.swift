// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// OpenSSL's CSPRNG.
enum SystemRandom {
    static func bytes(count: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        let status = unsafe output.withUnsafeMutableBufferPointer { buffer in
            unsafe RAND_bytes(buffer.baseAddress, Int32(buffer.count))
        }
        guard status == 1 else {
            ERR_clear_error()
            throw PKCEError.randomFailure(reason: "RAND_bytes failed")
        }
        return output
    }
}

/// SHA-256 for the S256 challenge.
enum SHA256 {
    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = unsafe bytes.withUnsafeBufferPointer { input in
            unsafe output.withUnsafeMutableBufferPointer { out in
                unsafe EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        precondition(status == 1 && length == 32, "SHA-256 cannot fail on memory input")
        return output
    }
}
