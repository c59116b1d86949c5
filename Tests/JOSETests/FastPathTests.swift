// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import JOSE

/// The verification fast paths (eight-character base64url steps, packed names, a Bloom filter for
/// duplicate names, algorithms recognised from bytes) checked against plain reference logic.
@Suite struct FastPathTests {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// A deliberately simple strict decoder: the reference the fast one must agree with.
    private static func referenceDecode(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        var values: [UInt32] = []
        for byte in text {
            guard let index = self.alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt32(index))
        }
        var output: [UInt8] = []
        var bits: UInt32 = 0
        var count = 0
        for value in values {
            bits = bits << 6 | value
            count += 6
            if count >= 8 {
                count -= 8
                output.append(UInt8(truncatingIfNeeded: bits >> UInt32(count)))
            }
        }
        guard bits & ((1 << UInt32(count)) - 1) == 0 else { return nil }  // canonical trailing bits
        return output
    }

    @Test("base64url agrees with a reference decoder on every length from 0 to 200")
    func base64AgreesWithReference() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base64URL.encodeToBytes(bytes)
            #expect(try Base64URL.decode(bytes: text) == bytes, "length \(length)")
            #expect(Self.referenceDecode(text) == bytes)
        }
    }

    @Test("a bad character anywhere in a long run is refused, in the eight-wide steps and the tail")
    func base64BadCharacterEverywhere() throws {
        let text = Base64URL.encodeToBytes([UInt8](repeating: 0xA5, count: 45))  // 60 characters
        for position in 0..<text.count {
            for bad in [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "."), 0x00, 0x80, 0xFF] {
                var mutated = text
                mutated[position] = bad
                #expect(Self.referenceDecode(mutated) == nil)
                let error = #expect(throws: JOSEError.self) { try Base64URL.decode(bytes: mutated) }
                #expect(error?.code == .malformedBase64URL)
                #expect(error?.reason.contains("offset \(position)") == true, "\(error?.reason ?? "")")
            }
        }
    }

    @Test("non-canonical trailing bits are refused after long runs too")
    func base64NonCanonicalAfterLongRun() throws {
        for prefix in [0, 8, 16, 24] {
            let head = String(repeating: "A", count: prefix)
            #expect(throws: JOSEError.self) { try Base64URL.decode(head + "QR") }
            #expect(throws: JOSEError.self) { try Base64URL.decode(head + "QUJ") }
            #expect(try Base64URL.decode(head + "QQ").last == 0x41)
            #expect(Self.referenceDecode(Array((head + "QR").utf8)) == nil)
        }
    }

    @Test("a compact token decodes each part up to its dot, at every part length")
    func compactPartsAtEveryLength() throws {
        for length in 0..<40 {
            let payload = Array("{\"sub\":\"\(String(repeating: "x", count: length))\"}".utf8)
            let signature = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) }
            let token = "\(UnitTokens.segment(#"{"alg":"HS256"}"#)).\(Base64URL.encode(payload)).\(Base64URL.encode(signature))"
            let jws = try CompactJWS(token)
            #expect(jws.payload == payload)
            #expect(jws.signature == signature)
            #expect(String(decoding: jws.signingInput, as: UTF8.self) == token.split(separator: ".").prefix(2).joined(separator: "."))
        }
    }

    @Test("only the exact wire names are implemented algorithms")
    func algorithmIdentifiers() {
        for algorithm in JWSAlgorithm.supported {
            #expect(JWSAlgorithm(rawValue: algorithm.rawValue) == algorithm)
            #expect(JWSAlgorithm(rawValue: algorithm.rawValue).isSupported)
            #expect(JWSAlgorithm.implemented(named: Array(algorithm.rawValue.utf8).span) == algorithm)
        }
        for name in ["\0RS256", "RS256\0", "rs256", "RS2560", "HS25", "", "none", "NONE", "Ed25519\0", "ES256K", "\0\0HS256"] {
            let algorithm = JWSAlgorithm(rawValue: name)
            #expect(!algorithm.isSupported, "\(name.debugDescription)")
            #expect(!algorithm.isSymmetric)
            #expect(!JWSAlgorithm.supported.contains(algorithm))
            #expect(JWSAlgorithm.implemented(named: Array(name.utf8).span) == nil)
        }
        #expect(JWSAlgorithm(rawValue: "foo") == JWSAlgorithm(rawValue: "foo"))
        #expect(JWSAlgorithm(rawValue: "foo") != JWSAlgorithm(rawValue: "bar"))
        #expect(Set([JWSAlgorithm.hs256, JWSAlgorithm(rawValue: "HS256")]).count == 1)
        #expect(JWSAlgorithm.hs256.isSymmetric && JWSAlgorithm.hs512.isSymmetric && !JWSAlgorithm.ed25519.isSymmetric)
    }

    @Test("a header read from a token equals the same header read from a JSON object")
    func scannedHeaderEqualsParsedHeader() throws {
        let json = #"{"alg":"ES256","kid":"k\u0031","typ":"JWT","cty":"x","crit":["exp"],"exp":1,"x5t":"t","n":[1,{"a":null}]}"#
        let token = "\(UnitTokens.segment(json)).\(UnitTokens.segment("{}")).AA"
        let scanned = try CompactJWS(token).header
        let parsed = try JWSHeader(members: try JSONParser().parseObject(Array(json.utf8)))
        #expect(scanned == parsed)
        #expect(scanned.hashValue == parsed.hashValue)
        #expect(scanned.keyID == "k1")
        #expect(scanned.critical == ["exp"])
        #expect(scanned.members.keys == ["alg", "kid", "typ", "cty", "crit", "exp", "x5t", "n"])
        #expect(scanned.members["exp"] != nil && scanned.members["nbf"] == nil)
        var edited = scanned
        edited.members["extra"] = .bool(true)
        #expect(edited != scanned)
        #expect(edited.members.count == 9)
    }

    @Test(
        "simple headers (read without the general index) mean what the full parser reads",
        arguments: [
            #"{"alg":"HS256"}"#, #" { "alg" : "HS256" , "kid" : "k 1" } "#, #"{"typ":"JWT","alg":"RS256","kid":"a"}"#,
            #"{"alg":"ES256","kid":"k","typ":"JWT","cty":"x"}"#, #"{"alg":"ES256","x5t":"t","abcdefg":"7"}"#,
            #"{"alg":"foo"}"#, #"{"alg":""}"#, #"{"kid":"k","alg":"EdDSA"}"#, #"{"alg":"RS256\u0000"}"#,
            // Past the simple shape: five members, an eight-byte name, escapes, a number, crit.
            #"{"alg":"ES256","kid":"k","typ":"JWT","cty":"x","x5t":"t"}"#, #"{"alg":"ES256","abcdefgh":"8"}"#,
            #"{"alg":"ES2256"}"#, #"{"alg":"ES256","n":1}"#, #"{"alg":"ES256","crit":["b"],"b":"1"}"#,
        ])
    func simpleHeaders(json: String) throws {
        let token = "\(UnitTokens.segment(json)).\(UnitTokens.segment("{}")).AA"
        let scanned = try CompactJWS(token).header
        let parsed = try JWSHeader(members: try JSONParser().parseObject(Array(json.utf8)))
        #expect(scanned == parsed)
        #expect(scanned.algorithm.rawValue == parsed.algorithm.rawValue)
        #expect(scanned.members == parsed.members)
    }

    @Test(
        "simple-looking headers that are wrong are refused as the general reader refuses them",
        arguments: [
            (#"{"alg":"HS256","alg":"none"}"#, JOSEError.Code.malformedJSON),
            (#"{"kid":"a","alg":"HS256","kid":"b"}"#, .malformedJSON), (#"{"kid":"k"}"#, .malformedHeader),
            (#"{"alg":"HS256","crit":"x"}"#, .malformedHeader), (#"{"alg":"HS256",}"#, .malformedJSON),
            (#"{"alg":"HS256"} x"#, .malformedJSON), (#"{"alg":"HS256""#, .malformedJSON),
            (#"{"alg":"HS256" "kid":"k"}"#, .malformedJSON), (#"{"alg":"HS\x"}"#, .malformedJSON),
            ("{\"alg\":\"HS\u{01}256\"}", .malformedJSON), (#"{"alg":"HS256","kid":1}"#, .malformedHeader),
        ])
    func simpleHeadersRefused(json: String, code: JOSEError.Code) {
        let token = "\(UnitTokens.segment(json)).\(UnitTokens.segment("{}")).AA"
        let error = #expect(throws: JOSEError.self) { try CompactJWS(token) }
        #expect(error?.code == code, "\(json): \(error?.reason ?? "")")
    }

    @Test("an escaped alg is read as text: \\u0048S256 is HS256")
    func escapedAlgorithm() throws {
        let token = "\(UnitTokens.segment(#"{"alg":"\u0048S256"}"#)).\(UnitTokens.segment("{}")).AA"
        #expect(try CompactJWS(token).header.algorithm == .hs256)
    }

    @Test("names sharing their first seven bytes are distinct; equal long names are duplicates")
    func packedNamesAndDuplicates() throws {
        let distinct = #"{"abcdefgh1":1,"abcdefgh2":2,"abcdefg":3,"abcdefgh":4}"#
        let claims = try JWTClaims(payload: Array(distinct.utf8))
        #expect(claims["abcdefgh2"] == .number(2))
        #expect(claims["abcdefgh1"] == .number(1))
        #expect(claims["abcdefg"] == .number(3))
        #expect(claims["abcdefgh"] == .number(4))
        #expect(claims["abcdefgh3"] == nil)
        #expect(claims["abcdefgh"] != nil && !claims.contains("abcdefg2"))
        for duplicate in [#"{"abcdefgh1":1,"abcdefgh1":2}"#, #"{"a":1,"b":2,"a":3}"#, #"{"ab\u0063":1,"abc":2}"#,
            #"{"abc":1,"ab\u0063":2}"#] {
            #expect(throws: JOSEError.self, "\(duplicate)") { try JWTClaims(payload: Array(duplicate.utf8)) }
        }
        // Names longer than 255 bytes (the packed length saturates) that differ only in length.
        let long = String(repeating: "n", count: 300)
        let longer = #"{"\#(long)":1,"\#(long)n":2}"#
        let longClaims = try JWTClaims(payload: Array(longer.utf8))
        #expect(longClaims[long] == .number(1))
        #expect(longClaims[long + "n"] == .number(2))
        #expect(longClaims[String(long.dropLast())] == nil)
        #expect(throws: JOSEError.self) { try JWTClaims(payload: Array(#"{"\#(long)":1,"\#(long)":2}"#.utf8)) }
    }

    @Test("many distinct names, all checked through the Bloom filter, are accepted; one repeat is not")
    func bloomFilterNoFalseAcceptance() throws {
        // 15 names stay on the linear path (the set takes over at 16); every pair is tried as a repeat.
        let names = (0..<15).map { "claim\($0)" }
        let body = names.enumerated().map { "\"\($0.element)\":\($0.offset)" }.joined(separator: ",")
        #expect(try JWTClaims(payload: Array("{\(body)}".utf8)).all.count == 15)
        for repeated in names {
            let json = "{\(body),\"\(repeated)\":99}"
            #expect(throws: JOSEError.self, "\(repeated)") { try JWTClaims(payload: Array(json.utf8)) }
        }
    }

    @Test("the value limit counts string values too")
    func stringValuesCountTowardsTheLimit() throws {
        let members = (0..<5000).map { "\"m\($0)\":\"v\"" }.joined(separator: ",")
        let error = #expect(throws: JOSEError.self) { try JWTClaims(payload: Array("{\(members)}".utf8)) }
        #expect(error?.code == .limitExceeded)
        #expect(throws: JOSEError.self) { try JSONParser(limits: .token).parse(Array("{\(members)}".utf8)) }
    }
    /// The reference for the string scanners: the index after the closing quote of a string of printable
    /// ASCII without escapes starting at `start`, or `nil`.
    private static func referenceEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { return position + 1 }
            guard (0x20..<0x80).contains(byte), byte != UInt8(ascii: "\\") else { return nil }
            position += 1
        }
        return nil
    }

    @Test("the word-wise string scanners end exactly where a byte-wise scan ends, for a special byte anywhere")
    func stringScannersAgreeWithReference() {
        let specials: [UInt8] = [UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00, 0x1F, 0x80, 0xFF]
        for length in 0...24 {
            for special in specials {
                for position in 0...length {
                    // `length` plain bytes with `special` at `position` (or none), a closing quote, more bytes.
                    var body = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
                    if position < length { body[position] = special }
                    let bytes = body + Array(#"":1,"b"}"#.utf8)
                    let expected = Self.referenceEnd(bytes, from: 0)
                    let span = bytes.span
                    #expect(Reader.endOfPlainString(span, from: 0, to: bytes.count) == expected, "\(length) \(special) \(position)")
                    let name = Reader.endOfPlainName(span, from: 0, to: bytes.count)
                    #expect(name?.end == expected)
                    if let end = expected, let name {
                        #expect(name.packed == JSONObjectIndex.pack(span, 0, end - 1), "\(length) \(position)")
                    }
                    // The same string ending right at the end of the range (no room for a full word).
                    let short = Array(bytes.prefix(expected ?? bytes.count))
                    #expect(Reader.endOfPlainString(short.span, from: 0, to: short.count) == expected.map { _ in short.count })
                }
            }
        }
    }

    @Test("kid matching is exact: bytes from a token, decoded text from an escaped kid, no Unicode equivalence")
    func keyIDMatching() throws {
        let secret = Array(repeating: UInt8(7), count: 32)
        let signer = try SigningKey(hmacSecret: secret, algorithm: .hs256)
        let verifier = try JWSVerifier(keys: [try VerificationKey(hmacSecret: secret, keyID: "K", algorithm: .hs256)])
        for (header, accepted) in [
            (#"{"alg":"HS256","kid":"K"}"#, true), (#"{"alg":"HS256","kid":"\u004B"}"#, true),
            (#"{"alg":"HS256","kid":"\u212A"}"#, false), (#"{"alg":"HS256","kid":"K "}"#, false),
            (#"{"alg":"HS256","kid":"k"}"#, false), (#"{"alg":"HS256","kid":""}"#, false),
        ] {
            let token = try UnitTokens.signed(header: header, key: signer, algorithm: .hs256)
            if accepted {
                #expect(try verifier.verify(token).header.keyID == "K", "\(header)")
            } else {
                let error = #expect(throws: JOSEError.self, "\(header)") { try verifier.verify(token) }
                #expect(error?.code == .keyNotFound, "\(header)")
            }
        }
    }

    @Test("a header read from a token keeps its kid and typ when its members are replaced")
    func editedScannedHeaderKeepsTypedMembers() throws {
        let token = "\(UnitTokens.segment(#"{"alg":"HS256","kid":"key-1","typ":"JWT"}"#)).\(UnitTokens.segment("{}")).AA"
        var header = try CompactJWS(token).header
        #expect(header.hasKeyID("key-1") && !header.hasKeyID("key-2") && !header.hasKeyID(nil))
        header.members = ["alg": "HS256"]
        #expect(header.keyID == "key-1" && header.type == "JWT" && header.algorithm == .hs256)
        #expect(header.hasKeyID("key-1"))
        header.keyID = nil
        #expect(!header.hasKeyID && header.keyID == nil && header.type == "JWT")
    }
    @Test("word-wise byte comparison finds a difference at every position of every length up to 40")
    func wordwiseEqual() {
        for length in 0...40 {
            let text = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            let bytes = Array("xx".utf8) + text + Array("yy".utf8)
            let same = JSONObjectIndex.equal(bytes, 2, text.span)
            #expect(same)
            for position in 0..<length {
                var other = text
                other[position] ^= 0x01
                let equal = JSONObjectIndex.equal(bytes, 2, other.span)
                #expect(!equal, "\(length) \(position)")
            }
        }
    }
    @Test("iss and aud are found by the validator wherever they are, escaped names included")
    func issuerAndAudienceSlots() throws {
        let validator = JWTClaimsValidator(issuer: "https://idp.example", audience: "client")
        for json in [
            #"{"iss":"https://idp.example","aud":"client"}"#, #"{"a":1,"aud":["x","client"],"b":2,"iss":"https://idp.example"}"#,
            #"{"i\u0073s":"https://idp.example","\u0061ud":"client"}"#,
        ] {
            #expect(throws: Never.self, "\(json)") { try validator.validate(try JWTClaims(payload: Array(json.utf8))) }
        }
        for (json, code) in [
            (#"{"aud":"client"}"#, JOSEError.Code.issuerMismatch), (#"{"iss":"https://idp.example"}"#, .audienceMismatch),
            (#"{"iss":"https://idp.example/","aud":"client"}"#, .issuerMismatch),
            (#"{"iss":"https://idp.example","aud":["clients"]}"#, .audienceMismatch),
            (#"{"is":"https://idp.example","aud":"client"}"#, .issuerMismatch),
        ] {
            let error = #expect(throws: JOSEError.self, "\(json)") { try validator.validate(try JWTClaims(payload: Array(json.utf8))) }
            #expect(error?.code == code, "\(json)")
        }
    }
    @Test(
        "integers read while scanning mean what the full parser reads; other numbers fall back to it",
        arguments: [
            "0", "7", "1700000000", "123456789012345", "1234567890123456", "99999999999999999999", "01", "00",
            "-0", "-1", "1.5", "1e3", "1E3", "0.0", "1.", "2e", "-", "1x", "0e0", "12345678", "98765432", "100000000",
            "1234567", "123456789", "1234567.5", "12345678.5", "12345678e1", "09876543", "12345678901234", "1234x678",
            "12345 78", "99999999",
        ])
    func scannedIntegers(number: String) throws {
        let json = #"{"exp":\#(number),"n":\#(number)}"#
        let parsed = try? JSONParser(limits: .token).parseObject(Array(json.utf8))
        let claims = try? JWTClaims(payload: Array(json.utf8))
        #expect((parsed == nil) == (claims == nil), "\(number)")
        if let parsed, let claims {
            #expect(claims.expiresAt == parsed["exp"]?.numberValue, "\(number)")
            #expect(claims["n"] == parsed["n"], "\(number)")
        }
    }
    @Test("integers of one to fifteen digits, at random, are read as Int64 reads them")
    func randomIntegers() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let digits = Int.random(in: 1...15, using: &generator)
            var text = String(Int.random(in: 1...9, using: &generator))
            for _ in 1..<digits { text += String(Int.random(in: 0...9, using: &generator)) }
            let json = Array(#"{"exp":\#(text)}"#.utf8)
            let scanned = Reader.endOfShortInteger(json.span, from: 7, to: json.count)
            #expect(scanned?.value == Int64(text), "\(text)")
            #expect(scanned?.end == 7 + text.utf8.count, "\(text)")
        }
    }
}
