// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// Bytes from OpenSSL's CSPRNG.
enum SecureRandom {
    static func bytes(count: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        let status = unsafe output.withUnsafeMutableBufferPointer { buffer in
            unsafe RAND_bytes(buffer.baseAddress, Int32(buffer.count))
        }
        guard status == 1 else { throw JOSEError.invalidKey(reason: "CSPRNG failure: \(OpenSSLErrorQueue.drain())") }
        return output
    }
}
