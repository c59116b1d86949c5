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

    /// Verification contexts set up once per scheme (`EVP_PKEY_CTX`), and `EVP_MD_CTX`s for Ed25519.
    private let contexts = unsafe ContextPool { context, tag in
        // The Ed25519 tag holds EVP_MD_CTXs; every other tag holds EVP_PKEY_CTXs.
        if tag == SignatureScheme.edDSATag {
            unsafe EVP_MD_CTX_free(context)
        } else {
            unsafe EVP_PKEY_CTX_free(context)
        }
    }

    deinit { unsafe EVP_PKEY_free(self.pointer) }

    /// The key size in bits (the modulus for RSA).
    var bits: Int { Int(unsafe EVP_PKEY_get_bits(self.pointer)) }

    /// Verifies `signature` over `message` with the given scheme.
    /// Malformed signatures return `false`.
    ///
    /// RSA and ECDSA hash the message themselves and call `EVP_PKEY_verify` on a pooled context that was
    /// set up once (padding, salt length, digest): no per-call context creation or provider look-up.
    /// Ed25519 cannot pre-hash, so it re-initialises a pooled `EVP_MD_CTX` per call.
    func isValidSignature(_ signature: Span<UInt8>, for message: Span<UInt8>, scheme: SignatureScheme) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        switch scheme {
        case .ecdsa(let digest, let curve):
            guard let der = ECDSASignature.der(fromRaw: signature, componentSize: curve.componentSize) else {
                return false
            }
            return self.verifyDigest(der.span, message: message, digest: digest, scheme: scheme)
        case .pkcs1(let digest), .pss(let digest):
            // RSA signatures are exactly the modulus length (RFC 8017 §8.2.2 step 1).
            guard signature.count == (self.bits + 7) / 8 else { return false }
            return self.verifyDigest(signature, message: message, digest: digest, scheme: scheme)
        case .eddsa:
            guard signature.count == 64 else { return false }
            let context = unsafe self.contexts.take(tag: SignatureScheme.edDSATag) ?? EVP_MD_CTX_new()
            guard let context = unsafe context else { return false }
            defer { unsafe self.contexts.put(context, tag: SignatureScheme.edDSATag) }
            guard unsafe EVP_DigestVerifyInit(context, nil, nil, nil, self.pointer) == 1 else { return false }
            return unsafe signature.withUnsafeBufferPointer { sig in
                unsafe message.withUnsafeBufferPointer { msg in
                    unsafe EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count) == 1
                }
            }
        }
    }

    private func verifyDigest(_ signature: Span<UInt8>, message: Span<UInt8>, digest: Digest, scheme: SignatureScheme) -> Bool {
        let tag = scheme.tag
        guard let context = unsafe self.contexts.take(tag: tag) ?? self.makeVerifyContext(scheme: scheme) else {
            return false
        }
        defer { unsafe self.contexts.put(context, tag: tag) }
        return unsafe withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { hash in
            unsafe message.withUnsafeBytes { bytes in
                unsafe digest.hash(bytes, into: hash.baseAddress!)
            }
            return unsafe signature.withUnsafeBufferPointer { sig in
                unsafe EVP_PKEY_verify(context, sig.baseAddress, sig.count, hash.baseAddress, digest.size) == 1
            }
        }
    }

    /// An `EVP_PKEY_CTX` initialised for verification with the scheme's padding and digest.
    private func makeVerifyContext(scheme: SignatureScheme) -> OpaquePointer? {
        guard let digest = scheme.digest, let context = unsafe EVP_PKEY_CTX_new_from_pkey(nil, self.pointer, nil) else {
            return nil
        }
        var ready =
            unsafe EVP_PKEY_verify_init(context) == 1 && EVP_PKEY_CTX_set_signature_md(context, digest.evpMD) == 1
        switch scheme {
        case .pkcs1:
            ready = unsafe ready && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1
        case .pss:
            // RFC 7518 §3.5: the salt is as long as the hash; MGF1 uses the same hash (the default).
            ready =
                unsafe ready && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) == 1
        default:
            break
        }
        guard ready else {
            unsafe EVP_PKEY_CTX_free(context)
            return nil
        }
        return unsafe context
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

    /// Tags pooled contexts so that differently configured ones never mix.
    var tag: Int {
        switch self {
        case .pkcs1(let digest): return digest.size
        case .pss(let digest): return 1000 + digest.size
        case .ecdsa(let digest, _): return 2000 + digest.size
        case .eddsa: return Self.edDSATag
        }
    }

    static let edDSATag = 3000

    var digest: Digest? {
        switch self {
        case .pkcs1(let digest), .pss(let digest), .ecdsa(let digest, _): return digest
        case .eddsa: return nil
        }
    }
}
