// SPDX-License-Identifier: Apache-2.0

extension JWK {
    /// The RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order,
    /// base64url-encoded.
    /// - Throws: ``JOSEError/Code/invalidKey`` when a required member is missing or the type is unknown.
    public func thumbprint() throws -> String {
        Base64URL.encode(Digest.sha256.hash(try self.thumbprintInput()))
    }

    /// The canonical JSON that ``thumbprint()`` hashes (RFC 7638 §3.2).
    public func thumbprintInput() throws -> [UInt8] {
        let required: [(String, String?)]
        switch self.keyType {
        case "RSA": required = [("e", self.e), ("kty", self.keyType), ("n", self.n)]
        case "EC": required = [("crv", self.curve), ("kty", self.keyType), ("x", self.x), ("y", self.y)]
        case "OKP": required = [("crv", self.curve), ("kty", self.keyType), ("x", self.x)]
        case "oct": required = [("k", self.k), ("kty", self.keyType)]
        default: throw JOSEError.invalidKey(reason: "no thumbprint rule for kty \"\(self.keyType)\"")
        }
        var object = JSONObject()
        for (key, value) in required {
            guard let value else { throw JOSEError.invalidKey(reason: "JWK lacks \"\(key)\" for its thumbprint") }
            object[key] = .string(value)
        }
        return object.serialized()
    }
}
