// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// An owned OpenSSL `EVP_PKEY` (public, or a key pair), parsed once and reused for every operation.
///
/// Never mutated after init; every operation creates its own context, which is what OpenSSL 3
/// requires for sharing a key across threads (openssl-threads(7)).
@safe
final class EVPKey: @unchecked Sendable {
    /// The key family, read from OpenSSL once.
    enum Family: Hashable, Sendable {
        case rsa
        case ec(ECCurve)
        case ed25519
    }

    /// `EVP_PKEY *`, owned (+1).
    let pointer: OpaquePointer
    let family: Family
    /// Whether the key holds private material.
    let isPrivate: Bool

    init(takingOwnershipOf pointer: OpaquePointer, isPrivate: Bool) throws {
        unsafe self.pointer = pointer
        self.isPrivate = isPrivate
        switch unsafe EVP_PKEY_get_base_id(pointer) {
        case EVP_PKEY_RSA:
            self.family = .rsa
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            let status = unsafe name.withUnsafeMutableBufferPointer { buffer in
                unsafe EVP_PKEY_get_utf8_string_param(pointer, "group", buffer.baseAddress, buffer.count, &length)
            }
            let groupName = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard status == 1, let curve = ECCurve(openSSLGroupName: groupName) else {
                OpenSSLErrorQueue.clear()
                throw JOSEError.invalidKey(reason: "unsupported EC curve \(groupName.isEmpty ? "(unknown)" : groupName)")
            }
            self.family = .ec(curve)
        case EVP_PKEY_ED25519:
            self.family = .ed25519
        default:
            throw JOSEError.invalidKey(reason: "unsupported key type (only RSA, EC P-256/384/521 and Ed25519)")
        }
    }

    deinit { unsafe EVP_PKEY_free(self.pointer) }

    /// The key size in bits (the modulus for RSA).
    var bits: Int { Int(unsafe EVP_PKEY_get_bits(self.pointer)) }

    /// Verifies `signature` over `message` with the given scheme. Malformed signatures return `false`.
    func isValidSignature(_ signature: [UInt8], for message: [UInt8], scheme: SignatureScheme) -> Bool {
        let derSignature: [UInt8]
        switch scheme {
        case .ecdsa(_, let curve):
            guard let der = ECDSASignature.der(fromRaw: signature, componentSize: curve.componentSize) else {
                return false
            }
            derSignature = der
        case .pkcs1, .pss:
            // RSA signatures are exactly the modulus length (RFC 8017 §8.2.2 step 1).
            guard signature.count == (self.bits + 7) / 8 else { return false }
            derSignature = signature
        case .eddsa:
            guard signature.count == 64 else { return false }
            derSignature = signature
        }
        guard let context = unsafe EVP_MD_CTX_new() else { return false }
        defer { unsafe EVP_MD_CTX_free(context) }
        defer { OpenSSLErrorQueue.clear() }
        guard unsafe self.initialize(context, scheme: scheme, forSigning: false) else { return false }
        return unsafe derSignature.withUnsafeBufferPointer { sig in
            unsafe message.withUnsafeBufferPointer { msg in
                unsafe EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count) == 1
            }
        }
    }

    /// Signs `message`; ECDSA output is converted to the JWS raw `r || s` form.
    func sign(_ message: [UInt8], scheme: SignatureScheme) throws -> [UInt8] {
        guard self.isPrivate else { throw JOSEError.signingFailed(reason: "key has no private part") }
        guard let context = unsafe EVP_MD_CTX_new() else { throw JOSEError.signingFailed(reason: "out of memory") }
        defer { unsafe EVP_MD_CTX_free(context) }
        guard unsafe self.initialize(context, scheme: scheme, forSigning: true) else {
            throw JOSEError.signingFailed(reason: OpenSSLErrorQueue.drain())
        }
        var length = 0
        let sized = unsafe message.withUnsafeBufferPointer { msg in
            unsafe EVP_DigestSign(context, nil, &length, msg.baseAddress, msg.count)
        }
        guard sized == 1 else { throw JOSEError.signingFailed(reason: OpenSSLErrorQueue.drain()) }
        var output = [UInt8](repeating: 0, count: length)
        let signed = unsafe output.withUnsafeMutableBufferPointer { out in
            unsafe message.withUnsafeBufferPointer { msg in
                unsafe EVP_DigestSign(context, out.baseAddress, &length, msg.baseAddress, msg.count)
            }
        }
        guard signed == 1 else { throw JOSEError.signingFailed(reason: OpenSSLErrorQueue.drain()) }
        output.removeSubrange(length...)
        if case .ecdsa(_, let curve) = scheme {
            return try ECDSASignature.raw(fromDER: output, componentSize: curve.componentSize)
        }
        return output
    }

    private func initialize(_ context: OpaquePointer, scheme: SignatureScheme, forSigning: Bool) -> Bool {
        var keyContext: OpaquePointer? = nil
        let digest = unsafe scheme.digest?.evpMD
        let status =
            forSigning
            ? unsafe EVP_DigestSignInit(context, &keyContext, digest, nil, self.pointer)
            : unsafe EVP_DigestVerifyInit(context, &keyContext, digest, nil, self.pointer)
        guard status == 1 else { return false }
        if case .pss = scheme {
            guard let keyContext = unsafe keyContext,
                unsafe EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1,
                // RFC 7518 §3.5: the salt is as long as the hash; MGF1 uses the same hash (the default).
                unsafe EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) == 1
            else { return false }
        }
        return true
    }
}

/// How a JWS algorithm uses a key.
enum SignatureScheme: Sendable {
    case pkcs1(Digest)
    case pss(Digest)
    case ecdsa(Digest, ECCurve)
    case eddsa

    var digest: Digest? {
        switch self {
        case .pkcs1(let digest), .pss(let digest), .ecdsa(let digest, _): return digest
        case .eddsa: return nil
        }
    }
}
