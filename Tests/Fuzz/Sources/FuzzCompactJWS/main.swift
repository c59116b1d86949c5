// SPDX-License-Identifier: Apache-2.0
import FuzzSupport
import JOSE

let asymmetric = try! JWSVerifier(keySet: Fuzz.publicKeys)
let symmetric = try! JWSVerifier(keySet: Fuzz.hmacKeys)
let jwt = JWTVerifier(
    signatures: asymmetric, claims: JWTClaimsValidator(issuer: "joe", audience: "client", now: { 1_300_819_300 }))

/// Compact JWS parsing and verification against the RFC example keys (whose own tokens are in the seed
/// corpus): nothing may crash, `none` never verifies, a verified token re-parses to the same parts, and
/// the header scanned from the token is the header the full JSON parser reads.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCompactJWS(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(start, count)
    guard let jws = try? CompactJWS(bytes: input) else { return 0 }
    Fuzz.check(jws.signingInput.count < input.count, "signing input longer than the token")
    // The header read in one pass from the token equals the header read from fully parsed JSON.
    let headerPart = input.prefix(while: { $0 != UInt8(ascii: ".") })
    if let json = try? Base64URL.decode(bytes: headerPart),
        let parsed = try? JWSHeader(members: JSONParser(limits: .token).parseObject(json))
    {
        Fuzz.check(parsed == jws.header, "the scanned header differs from the parsed one")
    } else {
        Fuzz.check(false, "a token was parsed whose header the full parser refuses")
    }
    for verifier in [asymmetric, symmetric] {
        guard let verified = try? verifier.verify(jws) else { continue }
        Fuzz.check(jws.header.algorithm.rawValue.lowercased() != "none", "alg none verified")
        Fuzz.check(verified.key.fits(jws.header.algorithm), "verified with a key that does not fit the alg")
        Fuzz.check(verified.payload == jws.payload, "verified payload differs")
        if let keyID = jws.header.keyID {
            // Keys are selected by kid code point for code point, never by Unicode equivalence.
            Fuzz.check(verified.key.keyID.map { Array($0.utf8) } == Array(keyID.utf8), "verified with another kid")
        }
    }
    _ = try? jwt.verify(jws.compact)
    if let claims = try? JWTClaims(payload: jws.payload) { _ = claims.all }
    return 0
}
