// SPDX-License-Identifier: Apache-2.0

extension JWK {
    /// Parses the key material into an OpenSSL key or HMAC secret, checking sizes and policy.
    /// - Parameter requirePrivate: signing keys must carry their private members.
    func makeBacking(requirePrivate: Bool) throws -> KeyBacking {
        switch self.keyType {
        case "RSA": return .asymmetric(try self.makeRSAKey(requirePrivate: requirePrivate))
        case "EC": return .asymmetric(try self.makeECKey(requirePrivate: requirePrivate))
        case "OKP": return .asymmetric(try self.makeOKPKey(requirePrivate: requirePrivate))
        case "oct":
            let secret = try self.member("k", self.k)
            guard !secret.isEmpty else { throw JOSEError.invalidKey(reason: "oct key \"k\" is empty") }
            return try KeyBacking.hmac(secret: secret)
        default:
            throw JOSEError.invalidKey(reason: "unsupported kty \"\(self.keyType)\"")
        }
    }

    private func member(_ name: String, _ value: String?) throws -> [UInt8] {
        guard let value else { throw JOSEError.invalidKey(reason: "\(self.keyType) JWK lacks \"\(name)\"") }
        do {
            return try Base64URL.decode(value)
        } catch let error as JOSEError {
            throw JOSEError.invalidKey(reason: "JWK \"\(name)\" is not base64url: \(error.reason)")
        }
    }

    private func makeRSAKey(requirePrivate: Bool) throws -> EVPKey {
        let modulus = Array(try self.member("n", self.n).drop(while: { $0 == 0 }))
        let exponent = Array(try self.member("e", self.e).drop(while: { $0 == 0 }))
        let bits = modulus.isEmpty ? 0 : modulus.count * 8 - modulus[0].leadingZeroBitCount
        guard bits >= 2048 else { throw JOSEError.invalidKey(reason: "RSA key of \(bits) bits (minimum 2048)") }
        guard bits <= 16384 else { throw JOSEError.invalidKey(reason: "RSA key of \(bits) bits (maximum 16384)") }
        guard modulus.last! & 1 == 1 else { throw JOSEError.invalidKey(reason: "RSA modulus is even") }
        guard let last = exponent.last, last & 1 == 1, exponent != [1], exponent.count <= 8 else {
            throw JOSEError.invalidKey(reason: "RSA public exponent must be odd, greater than 1 and at most 64 bits")
        }
        try ROCAFingerprint.check(modulus: modulus)
        var privateComponents: EVPKey.RSAPrivateComponents? = nil
        if self.d != nil || requirePrivate {
            guard self.otherMembers["oth"] == nil else {
                throw JOSEError.invalidKey(reason: "multi-prime RSA keys (\"oth\") are not supported")
            }
            privateComponents = EVPKey.RSAPrivateComponents(
                d: try self.member("d", self.d), p: try self.member("p", self.p), q: try self.member("q", self.q),
                dp: try self.member("dp", self.dp), dq: try self.member("dq", self.dq),
                qi: try self.member("qi", self.qi))
        }
        let key = try EVPKey.rsa(modulus: modulus, exponent: exponent, privateComponents: privateComponents)
        if privateComponents != nil { try key.checkPairwise() }
        return key
    }

    private func makeECKey(requirePrivate: Bool) throws -> EVPKey {
        guard let name = self.curve, let curve = ECCurve(rawValue: name) else {
            throw JOSEError.invalidKey(reason: "unsupported EC curve \"\(self.curve ?? "(none)")\"")
        }
        let x = try self.member("x", self.x)
        let y = try self.member("y", self.y)
        // RFC 7518 §6.2.1.2-3 and §6.2.2.1: full-length coordinates and scalar.
        guard x.count == curve.componentSize, y.count == curve.componentSize else {
            throw JOSEError.invalidKey(reason: "\(name) coordinates must be \(curve.componentSize) bytes")
        }
        var d: [UInt8]? = nil
        if self.d != nil || requirePrivate {
            d = try self.member("d", self.d)
            guard d?.count == curve.componentSize else {
                throw JOSEError.invalidKey(reason: "\(name) private key must be \(curve.componentSize) bytes")
            }
        }
        return try EVPKey.ec(curve: curve, x: x, y: y, d: d)
    }

    private func makeOKPKey(requirePrivate: Bool) throws -> EVPKey {
        guard self.curve == "Ed25519" else {
            throw JOSEError.invalidKey(reason: "unsupported OKP curve \"\(self.curve ?? "(none)")\" (only Ed25519)")
        }
        let x = try self.member("x", self.x)
        let d: [UInt8]? = self.d != nil || requirePrivate ? try self.member("d", self.d) : nil
        return try EVPKey.ed25519(publicKey: x, privateKey: d)
    }

    /// A public JWK describing an OpenSSL key.
    static func make(from key: EVPKey, includePrivate: Bool) throws -> JWK {
        func encoded(_ bytes: [UInt8]?, _ name: String) throws -> String {
            guard let bytes else { throw JOSEError.invalidKey(reason: "cannot export \(name)") }
            return Base64URL.encode(bytes)
        }
        var jwk: JWK
        switch key.family {
        case .rsa:
            jwk = JWK(keyType: "RSA")
            jwk.n = try encoded(key.bigNumberParameter("n"), "n")
            jwk.e = try encoded(key.bigNumberParameter("e"), "e")
            if includePrivate {
                jwk.d = try encoded(key.bigNumberParameter("d"), "d")
                jwk.p = try encoded(key.bigNumberParameter("rsa-factor1"), "p")
                jwk.q = try encoded(key.bigNumberParameter("rsa-factor2"), "q")
                jwk.dp = try encoded(key.bigNumberParameter("rsa-exponent1"), "dp")
                jwk.dq = try encoded(key.bigNumberParameter("rsa-exponent2"), "dq")
                jwk.qi = try encoded(key.bigNumberParameter("rsa-coefficient1"), "qi")
            }
        case .ec(let curve):
            jwk = JWK(keyType: "EC")
            jwk.curve = curve.rawValue
            jwk.x = try encoded(key.bigNumberParameter("qx", size: curve.componentSize), "x")
            jwk.y = try encoded(key.bigNumberParameter("qy", size: curve.componentSize), "y")
            if includePrivate { jwk.d = try encoded(key.bigNumberParameter("priv", size: curve.componentSize), "d") }
        case .ed25519:
            jwk = JWK(keyType: "OKP")
            jwk.curve = "Ed25519"
            jwk.x = try encoded(key.rawPublicKey(), "x")
            if includePrivate { jwk.d = try encoded(key.rawPrivateKey(), "d") }
        }
        return jwk
    }
}
