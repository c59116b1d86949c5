// SPDX-License-Identifier: Apache-2.0

/// OpenID Connect's `at_hash`, `c_hash` and `s_hash` (OIDC Core §3.1.3.6, §3.3.2.11): the base64url
/// left half of the hash of the ASCII value, with the hash of the ID token's `alg`.
public enum TokenHash {
    /// Computes the hash claim value for `value` under `algorithm`.
    /// - Throws: ``JOSEError/Code/algorithmNotAllowed`` for an algorithm without a defined hash.
    public static func compute(for value: String, algorithm: JWSAlgorithm) throws -> String {
        guard let digest = algorithm.tokenHashDigest else {
            throw JOSEError.algorithmNotAllowed(reason: "no token hash is defined for alg \(algorithm)")
        }
        let hash = digest.hash(Array(value.utf8))
        return Base64URL.encode(hash[0..<(hash.count / 2)])
    }

    /// Whether `claim` is the hash of `value` under `algorithm`, compared in constant time.
    public static func matches(_ claim: String, value: String, algorithm: JWSAlgorithm) -> Bool {
        guard let expected = try? self.compute(for: value, algorithm: algorithm) else { return false }
        return ConstantTime.isEqual(Array(expected.utf8), Array(claim.utf8))
    }
}
