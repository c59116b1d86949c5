// SPDX-License-Identifier: Apache-2.0

/// Creates compact JWS (RFC 7515 §7.1) with a ``SigningKey``.
public struct JWSSigner: Sendable {
    /// The key that signs.
    public let key: SigningKey
    /// The algorithm written into `alg`.
    public let algorithm: JWSAlgorithm

    /// Creates a signer; without an algorithm, the key's ``SigningKey/defaultAlgorithm``.
    /// - Throws: ``JOSEError/Code/algorithmNotAllowed`` when the algorithm does not fit the key (or is `none`).
    public init(key: SigningKey, algorithm: JWSAlgorithm? = nil) throws {
        let algorithm = algorithm ?? key.defaultAlgorithm
        guard key.algorithms.contains(algorithm) else {
            throw JOSEError.algorithmNotAllowed(reason: "\(algorithm) does not fit this \(key.kind) key")
        }
        self.key = key
        self.algorithm = algorithm
    }

    /// Signs `payload` under a header holding `alg`, the key's `kid` (if any), `typ` (if given) and
    /// any extra members.
    public func sign(payload: [UInt8], type: String? = nil, extraHeader: JSONObject = JSONObject()) throws -> String {
        var header = JSONObject()
        header["alg"] = .string(self.algorithm.rawValue)
        if let keyID = self.key.keyID { header["kid"] = .string(keyID) }
        if let type { header["typ"] = .string(type) }
        for member in extraHeader where member.key != "alg" { header[member.key] = member.value }
        var signingInput = Base64URL.encodeToBytes(header.serialized())
        signingInput.append(UInt8(ascii: "."))
        signingInput.append(contentsOf: Base64URL.encodeToBytes(payload))
        let signature = try self.key.sign(signingInput, algorithm: self.algorithm)
        signingInput.append(UInt8(ascii: "."))
        signingInput.append(contentsOf: Base64URL.encodeToBytes(signature))
        return String(decoding: signingInput, as: UTF8.self)
    }

    /// Signs JWT claims with `typ: JWT`.
    public func sign(claims: JSONObject, extraHeader: JSONObject = JSONObject()) throws -> String {
        try self.sign(payload: claims.serialized(), type: "JWT", extraHeader: extraHeader)
    }
}
