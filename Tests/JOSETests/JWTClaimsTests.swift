// SPDX-License-Identifier: Apache-2.0
import JOSE
import Testing

@Suite struct JWTClaimsTests {
    /// A fixed "now" so the time checks are deterministic.
    private static let now: Double = 1_700_000_000

    private static func claims(_ json: String) throws -> JWTClaims { try JWTClaims(payload: Array(json.utf8)) }

    private static func validator(
        issuer: String? = nil, audience: String? = nil, leeway: Double = 60, required: Set<String> = [],
        now: Double = JWTClaimsTests.now
    ) -> JWTClaimsValidator {
        JWTClaimsValidator(issuer: issuer, audience: audience, leeway: leeway, requiredClaims: required, now: { now })
    }

    // MARK: Types

    @Test("reads the registered claims")
    func registeredClaims() throws {
        let claims = try Self.claims(
            #"{"iss":"https://idp.example","sub":"alice","aud":"client","exp":1700000300,"nbf":1699999900,"#
                + #""iat":1700000000.5,"jti":"j1","x":[1]}"#)
        #expect(claims.issuer == "https://idp.example")
        #expect(claims.subject == "alice")
        #expect(claims.audience == ["client"])
        #expect(claims.expiresAt == 1_700_000_300)
        #expect(claims.notBefore == 1_699_999_900)
        #expect(claims.issuedAt == 1_700_000_000.5)
        #expect(claims.jwtID == "j1")
        #expect(claims["x"] == [1])
        #expect(claims.all.keys.first == "iss")
    }

    @Test("aud may be a string or an array of strings")
    func audienceForms() throws {
        #expect(try Self.claims(#"{"aud":"client"}"#).audience == ["client"])
        #expect(try Self.claims(#"{"aud":["a","client"]}"#).audience == ["a", "client"])
        #expect(try Self.claims(#"{"aud":[]}"#).audience == [])
        #expect(try Self.claims("{}").audience == nil)
    }

    @Test(
        "registered claims of the wrong type are invalidClaim",
        arguments: [
            #"{"aud":3}"#, #"{"aud":["a",1]}"#, #"{"aud":null}"#, #"{"aud":{"a":1}}"#, #"{"aud":[["a"]]}"#,
            #"{"aud":true}"#, #"{"iss":1}"#, #"{"iss":["https://idp.example"]}"#, #"{"sub":true}"#, #"{"sub":null}"#,
            #"{"jti":[]}"#, #"{"exp":"1700000000"}"#, #"{"nbf":null}"#, #"{"iat":true}"#, #"{"exp":[1]}"#,
            #"{"exp":{}}"#,
        ])
    func wrongTypes(json: String) {
        #expect(throws: JOSEError.invalidClaim(reason: "")) { try Self.claims(json) }
    }

    @Test(
        "a payload that is not a JSON object is invalidClaim",
        arguments: ["[1]", #""x""#, "3", "null", "true", "not json", #"{"exp":1,"exp":2}"#, ""])
    func payloadNotObject(payload: String) {
        #expect(throws: JOSEError.invalidClaim(reason: "")) { try Self.claims(payload) }
    }

    // MARK: Time

    @Test("exp in the past beyond the leeway is tokenExpired, saying by how much")
    func expired() throws {
        let claims = try Self.claims(#"{"exp":\#(Int(Self.now) - 73)}"#)
        let error = #expect(throws: JOSEError.tokenExpired(reason: "")) { try Self.validator().validate(claims) }
        #expect(error?.reason == "token expired 73 s ago")
        #expect(error?.description == "tokenExpired: token expired 73 s ago")
    }

    @Test("exp within the leeway is accepted; the leeway boundary itself is expired")
    func expiryLeeway() throws {
        let exp = Self.now - 59
        let claims = try Self.claims(#"{"exp":\#(Int(exp))}"#)
        #expect(throws: Never.self) { try Self.validator().validate(claims) }
        #expect(throws: JOSEError.tokenExpired(reason: "")) { try Self.validator(now: exp + 60).validate(claims) }
        #expect(throws: JOSEError.tokenExpired(reason: "")) { try Self.validator(leeway: 0, now: exp).validate(claims) }
        #expect(throws: Never.self) { try Self.validator(leeway: 0, now: exp - 1).validate(claims) }
        #expect(throws: JOSEError.tokenExpired(reason: "")) { try Self.validator(leeway: 30).validate(claims) }
    }

    @Test("nbf in the future beyond the leeway is tokenNotYetValid; within it is accepted")
    func notBefore() throws {
        let future = try Self.claims(#"{"nbf":\#(Int(Self.now) + 61)}"#)
        let error = #expect(throws: JOSEError.tokenNotYetValid(reason: "")) { try Self.validator().validate(future) }
        #expect(error?.reason.contains("61 s") == true)
        let soon = try Self.claims(#"{"nbf":\#(Int(Self.now) + 60)}"#)
        #expect(throws: Never.self) { try Self.validator().validate(soon) }
        #expect(throws: JOSEError.tokenNotYetValid(reason: "")) { try Self.validator(leeway: 0).validate(soon) }
        let past = try Self.claims(#"{"nbf":\#(Int(Self.now) - 1000)}"#)
        #expect(throws: Never.self) { try Self.validator(leeway: 0).validate(past) }
    }

    @Test("iat in the future beyond the leeway is rejected")
    func issuedInFuture() throws {
        let future = try Self.claims(#"{"iat":\#(Int(Self.now) + 3600)}"#)
        let error = #expect(throws: JOSEError.tokenNotYetValid(reason: "")) { try Self.validator().validate(future) }
        #expect(error?.reason.contains("future") == true)
        #expect(throws: Never.self) {
            try Self.validator().validate(try Self.claims(#"{"iat":\#(Int(Self.now) + 30)}"#))
        }
        #expect(throws: Never.self) {
            try Self.validator().validate(try Self.claims(#"{"iat":\#(Int(Self.now) - 30)}"#))
        }
    }

    @Test(
        "times far out of range are typed errors, not a crash",
        arguments: [#"{"exp":-1e300}"#, #"{"nbf":1e300}"#, #"{"iat":1e300}"#, #"{"exp":-9.3e18}"#])
    func extremeTimes(json: String) throws {
        let claims = try Self.claims(json)
        let error = #expect(throws: JOSEError.self) { try Self.validator().validate(claims) }
        #expect(error?.code == .tokenExpired || error?.code == .tokenNotYetValid)
    }

    @Test("a NaN clock or leeway fails closed")
    func notANumber() throws {
        let expired = try Self.claims(#"{"exp":\#(Int(Self.now) - 3600)}"#)
        #expect(throws: JOSEError.tokenExpired(reason: "")) { try Self.validator(now: .nan).validate(expired) }
        #expect(throws: JOSEError.tokenExpired(reason: "")) { try Self.validator(leeway: .nan).validate(expired) }
        let future = try Self.claims(#"{"nbf":\#(Int(Self.now) + 3600)}"#)
        #expect(throws: JOSEError.tokenNotYetValid(reason: "")) { try Self.validator(leeway: .nan).validate(future) }
        let issued = try Self.claims(#"{"iat":\#(Int(Self.now) + 3600)}"#)
        #expect(throws: JOSEError.tokenNotYetValid(reason: "")) { try Self.validator(leeway: .nan).validate(issued) }
    }

    // MARK: Issuer, audience, required claims

    @Test(
        "an iss other than the expected one, or none, is issuerMismatch",
        arguments: [
            #"{"iss":"https://evil.example"}"#, #"{"iss":"https://idp.example/"}"#, #"{"iss":"HTTPS://IDP.EXAMPLE"}"#,
            #"{"iss":"https://idp.example.evil"}"#, #"{"iss":""}"#, "{}",
        ])
    func issuerMismatch(json: String) throws {
        let claims = try Self.claims(json)
        #expect(throws: JOSEError.issuerMismatch(reason: "")) {
            try Self.validator(issuer: "https://idp.example").validate(claims)
        }
    }

    @Test("the expected iss is accepted")
    func issuerMatch() throws {
        let claims = try Self.claims(#"{"iss":"https://idp.example"}"#)
        #expect(throws: Never.self) { try Self.validator(issuer: "https://idp.example").validate(claims) }
    }

    @Test(
        "an aud that does not contain the expected audience, or none, is audienceMismatch",
        arguments: [
            #"{"aud":"other"}"#, #"{"aud":["other","client2"]}"#, #"{"aud":"client-x"}"#, #"{"aud":"Client"}"#,
            #"{"aud":[]}"#, "{}",
        ])
    func audienceMismatch(json: String) throws {
        let claims = try Self.claims(json)
        #expect(throws: JOSEError.audienceMismatch(reason: "")) {
            try Self.validator(audience: "client").validate(claims)
        }
    }

    @Test("an aud string or array containing the expected audience is accepted")
    func audienceMatch() throws {
        for json in [#"{"aud":"client"}"#, #"{"aud":["other","client"]}"#] {
            #expect(throws: Never.self) { try Self.validator(audience: "client").validate(try Self.claims(json)) }
        }
    }

    @Test("iss and aud are compared code point for code point, escaped or not (RFC 7519 §2)")
    func exactComparison() throws {
        // U+212A KELVIN SIGN is canonically equivalent to "K", and "e" U+0301 to U+00E9; Swift's String ==
        // treats them as equal, but StringOrURI values are compared "with no transformations or
        // canonicalizations applied". The same code points must give the same answer escaped or raw.
        let issuer = "https://idp.example/caf\u{E9}-K"
        let issuers: [(String, Bool)] = [
            (#"{"iss":"https://idp.example/caf\u00e9-K"}"#, true),
            (#"{"iss":"https:\/\/idp.example\/caf\u00E9-\u004b"}"#, true),
            ("{\"iss\":\"https://idp.example/caf\u{E9}-K\"}", true),
            (#"{"iss":"https://idp.example/caf\u00e9-\u212a"}"#, false),
            ("{\"iss\":\"https://idp.example/caf\u{E9}-\u{212A}\"}", false),
            (#"{"iss":"https://idp.example/cafe\u0301-K"}"#, false),
            ("{\"iss\":\"https://idp.example/cafe\u{301}-K\"}", false),
        ]
        for (json, matches) in issuers {
            let claims = try Self.claims(json)
            if matches {
                #expect(throws: Never.self, "\(json)") { try Self.validator(issuer: issuer).validate(claims) }
            } else {
                #expect(throws: JOSEError.issuerMismatch(reason: ""), "\(json)") {
                    try Self.validator(issuer: issuer).validate(claims)
                }
            }
        }
        let audiences: [(String, Bool)] = [
            (#"{"aud":"K"}"#, true), (#"{"aud":"\u004B"}"#, true), (#"{"aud":["x","\u004b"]}"#, true),
            (#"{"aud":"\u212A"}"#, false), ("{\"aud\":\"\u{212A}\"}", false), (#"{"aud":["x","\u212a"]}"#, false),
            ("{\"aud\":[\"x\",\"\u{212A}\"]}", false),
        ]
        for (json, matches) in audiences {
            let claims = try Self.claims(json)
            #expect(claims.audienceContains("K") == matches, "\(json)")
            if matches {
                #expect(throws: Never.self, "\(json)") { try Self.validator(audience: "K").validate(claims) }
            } else {
                #expect(throws: JOSEError.audienceMismatch(reason: ""), "\(json)") {
                    try Self.validator(audience: "K").validate(claims)
                }
            }
        }
    }

    @Test("escaped claim names are the registered claims they spell")
    func escapedClaimNames() throws {
        #expect(try Self.claims(#"{"\u0065xp":1700000000}"#).expiresAt == 1_700_000_000)
        #expect(throws: JOSEError.invalidClaim(reason: "")) { try Self.claims(#"{"\u0065xp":"soon"}"#) }
        #expect(throws: JOSEError.invalidClaim(reason: "")) { try Self.claims(#"{"a\u0075d":7}"#) }
        #expect(throws: JOSEError.invalidClaim(reason: "")) { try Self.claims(#"{"exp":1,"\u0065xp":2}"#) }
        #expect(throws: JOSEError.invalidClaim(reason: "")) { try Self.claims(#"{"\u0069ss":"a","iss":"a"}"#) }
        let claims = try Self.claims(#"{"\u0069ss":"https://idp.example","x\u0079":1}"#)
        #expect(claims.issuer == "https://idp.example")
        #expect(claims["xy"] == 1)
        #expect(claims.contains("xy"))
        #expect(!claims.contains("x"))
        #expect(throws: Never.self) { try Self.validator(issuer: "https://idp.example").validate(claims) }
    }

    /// Payloads for comparing the one-pass claims scanner with ``JSONParser``: valid and invalid values
    /// in every position, duplicates, limits.
    static let scannerCorpus: [[UInt8]] = {
        let values: [[UInt8]] =
            [
                "1", "-0.5e3", "0", "\"s\"", #""\u00e9\ud83d\ude00\/""#, "true", "false", "null", "[]", "{}",
                #"{"a":1,"b":[1,"2",{"c":null}]}"#, "01", "1.", "-", "NaN", "1e400", "+1", #""\ud800""#, #""\x""#,
                "\"a\u{1}\"", "[1,]", "[,]", #"{"a":1,}"#, #"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, "tru", #""open"#,
                "{\"a\"}", "[1 2]",
            ].map { Array($0.utf8) } + [
                [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xFF, 0x22],
            ]
        var corpus: [[UInt8]] = []
        for value in values {
            corpus.append(Array(#"{"x":"#.utf8) + value + Array("}".utf8))
            corpus.append(Array(#"{"x":["#.utf8) + value + Array("]}".utf8))
            corpus.append(Array(#"{"y":1,"x":{"z":"#.utf8) + value + Array("}}".utf8))
        }
        corpus += [
            #"{"x":1,"x":2}"#, #"{"x":1,"\u0078":2}"#, #"{"\u0078":1,"x":2}"#, #"{"x":1}x"#, #"{"x":1,}"#, "{}",
            #" {"x":1} "#, "[1]", #""x""#, "3", "{", #"{"x"}"#, #"{"x":1 "y":2}"#, #"{"x":1}}"#, "", #"{x:1}"#,
            "{\"x\"\u{0}:1}",
        ].map { Array($0.utf8) }
        corpus.append([0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D])  // {"<overlong>":1}
        let depth = JSONParser.Limits.token.maxDepth
        for levels in [depth - 1, depth, 10_000] {
            let nested = String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
            corpus.append(Array(#"{"x":\#(nested)}"#.utf8))
        }
        let maxValues = JSONParser.Limits.token.maxValues
        for count in [maxValues - 2, maxValues - 1] {  // the object and the array are values too
            corpus.append(Array(("{\"x\":[" + Array(repeating: "0", count: count).joined(separator: ",") + "]}").utf8))
        }
        corpus.append(
            Array((#"{"x":""# + String(repeating: "a", count: JSONParser.Limits.token.maxBytes) + #""}"#).utf8))
        return corpus
    }()

    @Test("the one-pass claims scanner accepts exactly what JSONParser accepts", arguments: Self.scannerCorpus)
    func scannerMatchesParser(payload: [UInt8]) {
        let parsed = Result { try JSONParser(limits: .token).parseObject(payload) }
        let scanned = Result { try JWTClaims(payload: payload) }
        switch (parsed, scanned) {
        case (.success(let object), .success(let claims)):
            #expect(claims.all == object)
        case (.failure(let parserError as JOSEError), .failure(let claimsError as JOSEError)):
            // Malformed JSON surfaces as invalidClaim; limits stay limitExceeded.
            #expect(claimsError.code == (parserError.code == .malformedJSON ? .invalidClaim : parserError.code))
        default:
            Issue.record("JSONParser: \(parsed), JWTClaims: \(scanned)")
        }
    }

    @Test("a missing required claim is invalidClaim")
    func requiredClaims() throws {
        let validator = Self.validator(required: ["exp", "iat", "sub"])
        let missingExp = try Self.claims(#"{"iat":\#(Int(Self.now)),"sub":"a"}"#)
        let error = #expect(throws: JOSEError.invalidClaim(reason: "")) { try validator.validate(missingExp) }
        #expect(error?.reason.contains("exp") == true)
        let complete = try Self.claims(#"{"exp":\#(Int(Self.now) + 300),"iat":\#(Int(Self.now)),"sub":"a"}"#)
        #expect(throws: Never.self) { try validator.validate(complete) }
    }

    // MARK: JWTVerifier end to end

    @Test("JWTVerifier checks the signature, then the claims")
    func endToEnd() throws {
        let key = try SigningKey.generate(.ec(.p256), keyID: "k")
        let claims: JSONObject = [
            "iss": "https://idp.example", "aud": ["client"], "sub": "alice", "exp": .number(Self.now + 300),
            "iat": .number(Self.now),
        ]
        let token = try JWSSigner(key: key).sign(claims: claims)
        let verifier = JWTVerifier(
            signatures: try JWSVerifier(keys: [key.verificationKey], algorithms: [.es256]),
            claims: Self.validator(issuer: "https://idp.example", audience: "client", required: ["exp"]))
        let verified = try verifier.verify(token)
        #expect(verified.claims.subject == "alice")
        #expect(verified.header.type == "JWT")
        #expect(verified.key.keyID == "k")

        var late = verifier
        late.claims.now = { Self.now + 1000 }
        #expect(throws: JOSEError.tokenExpired(reason: "")) { try late.verify(token) }
        var wrongAudience = verifier
        wrongAudience.claims.audience = "other"
        #expect(throws: JOSEError.audienceMismatch(reason: "")) { try wrongAudience.verify(token) }
    }

    @Test("the signature is checked before any claim: an expired forgery is invalidSignature")
    func signatureFirst() throws {
        let key = try SigningKey.generate(.ec(.p256))
        let token = try JWSSigner(key: key).sign(claims: ["exp": 1, "iss": 7])
        let other = try SigningKey.generate(.ec(.p256))
        let verifier = JWTVerifier(signatures: try JWSVerifier(keys: [other.verificationKey]))
        #expect(throws: JOSEError.invalidSignature(reason: "")) { try verifier.verify(token) }
    }

    @Test(
        "a verified payload that is not a JSON object is invalidClaim",
        arguments: ["[1]", #""x""#, "3", "null", "not json", #"{"sub":"a","sub":"b"}"#])
    func verifiedPayloadNotObject(payload: String) throws {
        let key = try SigningKey.generate(.hmac(bytes: 32))
        let token = try JWSSigner(key: key).sign(payload: Array(payload.utf8), type: "JWT")
        let verifier = JWTVerifier(signatures: try JWSVerifier(keys: [key.verificationKey]))
        #expect(throws: JOSEError.invalidClaim(reason: "")) { try verifier.verify(token) }
    }

    @Test("the default validator uses the system clock")
    func systemClock() throws {
        let key = try SigningKey.generate(.hmac(bytes: 32))
        let verifier = JWTVerifier(signatures: try JWSVerifier(keys: [key.verificationKey]))
        let now = WallClock.secondsSinceEpoch()
        let fresh = try JWSSigner(key: key).sign(claims: ["exp": .number(now + 300), "iat": .number(now)])
        #expect(throws: Never.self) { try verifier.verify(fresh) }
        let stale = try JWSSigner(key: key).sign(claims: ["exp": .number(now - 3600)])
        #expect(throws: JOSEError.tokenExpired(reason: "")) { try verifier.verify(stale) }
    }
}
