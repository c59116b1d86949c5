// SPDX-License-Identifier: Apache-2.0
import FuzzSupport
import JOSE

/// JWK Sets and single JWKs, imported into OpenSSL: whatever parses must round-trip through JSON, and
/// every key that imports must export a SubjectPublicKeyInfo that imports again as the same kind of key.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWKSet(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(start, count)
    if let set = try? JWKSet(jsonBytes: input) {
        Fuzz.check(set.keys.count + set.skipped.count <= JWKSet.maxKeys, "more entries than JWKSet.maxKeys")
        let reread = try? JWKSet(json: set.jsonText)
        Fuzz.check(reread?.keys == set.keys, "a JWK Set changed through JSON")
        let (keys, _) = set.verificationKeys()
        for key in keys { check(key) }
        _ = try? JWSVerifier(keySet: set)
    }
    if let text = String(validating: input, as: UTF8.self), let jwk = try? JWK(json: text) {
        _ = try? jwk.thumbprint()
        _ = jwk.publicKey.jsonText
        if let key = try? VerificationKey(jwk: jwk) { check(key) }
        if let signing = try? SigningKey(jwk: jwk) {
            Fuzz.check(!signing.publicJWK.isPrivate || signing.publicJWK.keyType == "oct", "publicJWK holds d")
        }
    }
    return 0
}

/// An imported key exports what it imported.
func check(_ key: VerificationKey) {
    Fuzz.check(!key.algorithms.isEmpty, "a usable key that serves no algorithm")
    guard let der = key.subjectPublicKeyInfo else { return }
    guard let again = try? VerificationKey(subjectPublicKeyInfo: der) else {
        Fuzz.check(false, "an imported key's own SubjectPublicKeyInfo does not import")
        return
    }
    Fuzz.check(again.kind == key.kind, "the re-imported key is of another kind")
}
