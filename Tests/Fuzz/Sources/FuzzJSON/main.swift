// SPDX-License-Identifier: Apache-2.0
import FuzzSupport
import JOSE

/// JSONParser at both limits, the serializer round trip, and the one-pass claims scanner behind
/// `JWTClaims(payload:)` checked against the full parser on every input: the two must accept the same
/// objects and see the same members, or a token's claims could mean one thing to one and another to
/// the other.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(start, count)
    if let document = try? JSONParser(limits: .document).parse(input) {
        let serialized = document.serialized()
        let reparsed = try? JSONParser(limits: .document).parse(serialized)
        Fuzz.check(reparsed == document, "serialize-then-parse changed the document")
    }
    let object = try? JSONParser(limits: .token).parseObject(input)
    do {
        let claims = try JWTClaims(payload: input)
        guard let object else {
            Fuzz.check(false, "the claims scanner accepted what the parser rejects")
            return 0
        }
        Fuzz.check(claims.all == object, "the claims scanner and the parser see different members")
        for member in object {
            Fuzz.check(claims[member.key] == member.value, "claims[\(member.key)] differs from the parsed value")
            Fuzz.check(claims.contains(member.key), "claims.contains is false for a member")
            if case .string(let text) = member.value {
                Fuzz.check(claims.claim(member.key, equals: text), "claim(_:equals:) is false for its own value")
                Fuzz.check(!claims.claim(member.key, equals: text + "x"), "claim(_:equals:) accepts a longer text")
            }
        }
        if let audience = claims.audience {
            for value in audience { Fuzz.check(claims.audienceContains(value), "audienceContains misses \(value)") }
        }
        if case .number(let exp)? = object["exp"] { Fuzz.check(claims.expiresAt == exp, "exp differs") }
        // The validator finds iss and aud where the scan recorded them, whatever else is around them.
        if let issuer = claims.issuer, let audience = claims.audience?.first {
            let accepting = JWTClaimsValidator(issuer: issuer, audience: audience, leeway: .greatestFiniteMagnitude)
            do { try accepting.validate(claims) } catch {
                Fuzz.check(false, "the validator refused the token's own iss and aud: \(error)")
            }
            let refusing = JWTClaimsValidator(issuer: issuer + "x", leeway: .greatestFiniteMagnitude)
            Fuzz.check((try? refusing.validate(claims)) == nil, "the validator accepted a different iss")
        }
    } catch let error as JOSEError {
        if object != nil {
            // The parser accepted an object: only a registered claim of the wrong type may be refused.
            Fuzz.check(
                error.code == .invalidClaim && !error.reason.hasPrefix("payload is not a JSON object"),
                "the claims scanner rejected what the parser accepts: \(error)")
        }
    } catch {
        Fuzz.check(false, "JWTClaims threw a non-JOSE error: \(error)")
    }
    return 0
}
