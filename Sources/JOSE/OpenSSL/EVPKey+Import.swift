// SPDX-License-Identifier: Apache-2.0
import COpenSSL

extension EVPKey {
    /// The private parts of an RSA key, big-endian unsigned.
    struct RSAPrivateComponents {
        var d: [UInt8]
        var p: [UInt8]
        var q: [UInt8]
        var dp: [UInt8]
        var dq: [UInt8]
        var qi: [UInt8]
    }

    /// Builds an RSA key from big-endian modulus and exponent (and optionally the private parts).
    static func rsa(modulus: [UInt8], exponent: [UInt8], privateComponents: RSAPrivateComponents?) throws -> EVPKey {
        var parameters: [(StaticString, [UInt8])] = [("n", modulus), ("e", exponent)]
        if let privateComponents {
            parameters += [
                ("d", privateComponents.d), ("rsa-factor1", privateComponents.p),
                ("rsa-factor2", privateComponents.q), ("rsa-exponent1", privateComponents.dp),
                ("rsa-exponent2", privateComponents.dq), ("rsa-coefficient1", privateComponents.qi),
            ]
        }
        return try self.fromData(
            type: "RSA", bigNumbers: parameters, strings: [], octets: [], isPrivate: privateComponents != nil)
    }

    /// Builds an EC key from the coordinates (and optionally the private scalar); the point is checked
    /// to lie on the curve, so invalid-curve attacks fail here.
    static func ec(curve: ECCurve, x: [UInt8], y: [UInt8], d: [UInt8]?) throws -> EVPKey {
        let point = [0x04] + x + y
        var numbers: [(StaticString, [UInt8])] = []
        if let d { numbers.append(("priv", d)) }
        let key = try self.fromData(
            type: "EC", bigNumbers: numbers, strings: [("group", curve.openSSLGroupName)], octets: [("pub", point)],
            isPrivate: d != nil)
        try key.checkPublicPoint()
        if d != nil { try key.checkPairwise() }
        return key
    }

    /// Builds an Ed25519 key from the raw 32-byte public key, or from the 32-byte private seed.
    static func ed25519(publicKey: [UInt8], privateKey: [UInt8]?) throws -> EVPKey {
        guard publicKey.count == 32 else { throw JOSEError.invalidKey(reason: "Ed25519 public key must be 32 bytes") }
        if let privateKey {
            guard privateKey.count == 32 else {
                throw JOSEError.invalidKey(reason: "Ed25519 private key must be 32 bytes")
            }
            let pointer = unsafe privateKey.withUnsafeBufferPointer { buffer in
                unsafe EVP_PKEY_new_raw_private_key_ex(nil, "ED25519", nil, buffer.baseAddress, buffer.count)
            }
            guard let pointer = unsafe pointer else {
                throw JOSEError.invalidKey(reason: "Ed25519: \(OpenSSLErrorQueue.drain())")
            }
            let key = try unsafe EVPKey(takingOwnershipOf: pointer, isPrivate: true)
            guard key.rawPublicKey() == publicKey else {
                throw JOSEError.invalidKey(reason: "Ed25519 'x' does not match the private key 'd'")
            }
            return key
        }
        let pointer = unsafe publicKey.withUnsafeBufferPointer { buffer in
            unsafe EVP_PKEY_new_raw_public_key_ex(nil, "ED25519", nil, buffer.baseAddress, buffer.count)
        }
        guard let pointer = unsafe pointer else {
            throw JOSEError.invalidKey(reason: "Ed25519: \(OpenSSLErrorQueue.drain())")
        }
        return try unsafe EVPKey(takingOwnershipOf: pointer, isPrivate: false)
    }

    /// Parses a DER SubjectPublicKeyInfo.
    static func publicKey(subjectPublicKeyInfo der: [UInt8]) throws -> EVPKey {
        let pointer = unsafe der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            let key = unsafe d2i_PUBKEY(nil, &cursor, buffer.count)
            // Trailing bytes after the structure are not a valid SPKI.
            if let key = unsafe key, unsafe cursor != buffer.baseAddress! + buffer.count {
                unsafe EVP_PKEY_free(key)
                return nil
            }
            return unsafe key
        }
        guard let pointer = unsafe pointer else {
            throw JOSEError.invalidKey(reason: "not a DER SubjectPublicKeyInfo: \(OpenSSLErrorQueue.drain())")
        }
        return try unsafe EVPKey(takingOwnershipOf: pointer, isPrivate: false)
    }

    /// Parses a DER PKCS#8 PrivateKeyInfo (or a traditional RSA/EC private key).
    static func privateKey(der: [UInt8]) throws -> EVPKey {
        let pointer = unsafe der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return unsafe d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let pointer = unsafe pointer else {
            throw JOSEError.invalidKey(reason: "not a DER private key: \(OpenSSLErrorQueue.drain())")
        }
        return try unsafe EVPKey(takingOwnershipOf: pointer, isPrivate: true)
    }

    /// Parses PEM: `PUBLIC KEY`, `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` or `EC PRIVATE KEY` (SEC 1).
    /// Encrypted PEM is refused (no passphrase prompt is ever shown).
    static func pem(_ text: String) throws -> EVPKey {
        let bytes = Array(text.utf8)
        guard bytes.count <= 64 * 1024 else { throw JOSEError.limitExceeded(reason: "PEM larger than 64 KiB") }
        let isPrivate = text.contains("PRIVATE KEY-----")
        if text.contains("ENCRYPTED") { throw JOSEError.invalidKey(reason: "encrypted PEM keys are not supported") }
        guard isPrivate || text.contains("-----BEGIN PUBLIC KEY-----") else {
            throw JOSEError.invalidKey(reason: "PEM holds neither PUBLIC KEY nor PRIVATE KEY")
        }
        let pointer = unsafe bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let bio = unsafe BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { unsafe BIO_free(bio) }
            return isPrivate
                ? unsafe PEM_read_bio_PrivateKey(bio, nil, nil, nil)
                : unsafe PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        guard let pointer = unsafe pointer else {
            throw JOSEError.invalidKey(reason: "unreadable PEM: \(OpenSSLErrorQueue.drain())")
        }
        return try unsafe EVPKey(takingOwnershipOf: pointer, isPrivate: isPrivate)
    }

    /// Builds a key with `EVP_PKEY_fromdata`.
    ///
    /// `OSSL_PARAM_BLD` keeps pointers to the names and buffers until `OSSL_PARAM_BLD_to_param`, so
    /// names are static strings and values are copied into buffers that live until the params are built.
    private static func fromData(
        type: String, bigNumbers: [(StaticString, [UInt8])], strings: [(StaticString, String)],
        octets: [(StaticString, [UInt8])], isPrivate: Bool
    ) throws -> EVPKey {
        guard let builder = unsafe OSSL_PARAM_BLD_new() else { throw JOSEError.invalidKey(reason: "out of memory") }
        defer { unsafe OSSL_PARAM_BLD_free(builder) }
        var numbers: [OpaquePointer] = unsafe []
        defer { for unsafe number in unsafe numbers { unsafe BN_clear_free(number) } }
        var buffers: [UnsafeMutableRawBufferPointer] = unsafe []
        defer { for unsafe buffer in unsafe buffers { unsafe buffer.deallocate() } }
        for (name, bytes) in bigNumbers {
            let number = unsafe bytes.withUnsafeBufferPointer { buffer in
                unsafe BN_bin2bn(buffer.baseAddress, Int32(buffer.count), nil)
            }
            guard let number = unsafe number else { throw JOSEError.invalidKey(reason: "out of memory") }
            unsafe numbers.append(number)
            guard unsafe OSSL_PARAM_BLD_push_BN(builder, Self.cName(name), number) == 1 else {
                throw JOSEError.invalidKey(reason: "bad parameter \(name)")
            }
        }
        for (name, value) in strings {
            let bytes = Array(value.utf8) + [0]
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            unsafe buffers.append(buffer)
            unsafe buffer.copyBytes(from: bytes)
            let text = unsafe buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
            guard unsafe OSSL_PARAM_BLD_push_utf8_string(builder, Self.cName(name), text, 0) == 1 else {
                throw JOSEError.invalidKey(reason: "bad parameter \(name)")
            }
        }
        for (name, bytes) in octets {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            unsafe buffers.append(buffer)
            unsafe buffer.copyBytes(from: bytes)
            guard unsafe OSSL_PARAM_BLD_push_octet_string(builder, Self.cName(name), buffer.baseAddress, bytes.count) == 1
            else { throw JOSEError.invalidKey(reason: "bad parameter \(name)") }
        }
        guard let parameters = unsafe OSSL_PARAM_BLD_to_param(builder) else {
            throw JOSEError.invalidKey(reason: "out of memory")
        }
        defer { unsafe OSSL_PARAM_free(parameters) }
        guard let context = unsafe EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw JOSEError.invalidKey(reason: "OpenSSL lacks \(type)")
        }
        defer { unsafe EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer? = nil
        let selection = isPrivate ? coidc_EVP_PKEY_KEYPAIR() : coidc_EVP_PKEY_PUBLIC_KEY()
        guard unsafe EVP_PKEY_fromdata_init(context) == 1,
            unsafe EVP_PKEY_fromdata(context, &key, selection, parameters) == 1,
            let key = unsafe key
        else {
            throw JOSEError.invalidKey(reason: "\(type) key rejected: \(OpenSSLErrorQueue.drain())")
        }
        return try unsafe EVPKey(takingOwnershipOf: key, isPrivate: isPrivate)
    }

    /// A static string's bytes as a C string that lives for the whole process.
    private static func cName(_ name: StaticString) -> UnsafePointer<CChar> {
        unsafe UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// Checks that an EC public point is on the curve and not the point at infinity.
    func checkPublicPoint() throws {
        guard let context = unsafe EVP_PKEY_CTX_new_from_pkey(nil, self.pointer, nil) else {
            throw JOSEError.invalidKey(reason: "out of memory")
        }
        defer { unsafe EVP_PKEY_CTX_free(context) }
        guard unsafe EVP_PKEY_public_check(context) == 1 else {
            throw JOSEError.invalidKey(reason: "EC point is not on the curve: \(OpenSSLErrorQueue.drain())")
        }
    }

    /// Checks that private and public parts belong together.
    func checkPairwise() throws {
        guard let context = unsafe EVP_PKEY_CTX_new_from_pkey(nil, self.pointer, nil) else {
            throw JOSEError.invalidKey(reason: "out of memory")
        }
        defer { unsafe EVP_PKEY_CTX_free(context) }
        guard unsafe EVP_PKEY_pairwise_check(context) == 1 else {
            throw JOSEError.invalidKey(reason: "private and public key parts do not match: \(OpenSSLErrorQueue.drain())")
        }
    }
}
