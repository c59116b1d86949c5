// SPDX-License-Identifier: Apache-2.0
import JOSE
import Testing

/// Well-formed parts to assemble malformed tokens from.
private enum Part {
    static let header = UnitTokens.segment(#"{"alg":"HS256","kid":"k1","typ":"JWT","cty":"c","x5t":"t"}"#)
    static let payload = UnitTokens.segment("hello")
    static let signature = Base64URL.encode([1, 2, 3, 4])
}

@Suite struct CompactJWSTests {
    @Test("parses a well-formed token into header, payload, signature and signing input")
    func parses() throws {
        let jws = try CompactJWS("\(Part.header).\(Part.payload).\(Part.signature)")
        #expect(jws.header.algorithm == .hs256)
        #expect(jws.header.keyID == "k1")
        #expect(jws.header.type == "JWT")
        #expect(jws.header.contentType == "c")
        #expect(jws.header.x509ThumbprintSHA1 == "t")
        #expect(jws.header.critical == nil)
        #expect(jws.header.members.keys == ["alg", "kid", "typ", "cty", "x5t"])
        #expect(jws.payload == Array("hello".utf8))
        #expect(jws.signature == [1, 2, 3, 4])
        #expect(jws.signingInput == Array("\(Part.header).\(Part.payload)".utf8))
        #expect(
            try CompactJWS(bytes: Array("\(Part.header).\(Part.payload).\(Part.signature)".utf8)).payload == jws.payload
        )
    }

    @Test("an empty payload and an empty signature are well-formed (verification decides)")
    func emptyParts() throws {
        let jws = try CompactJWS("\(Part.header)..")
        #expect(jws.payload.isEmpty)
        #expect(jws.signature.isEmpty)
    }

    @Test(
        "anything but exactly three parts is rejected",
        arguments: [
            "", "abc", Part.header, "\(Part.header).\(Part.payload)",
            "\(Part.header).\(Part.payload).\(Part.signature).\(Part.signature)",
            "\(Part.header).\(Part.payload).\(Part.signature).",
            "\(Part.header).\(Part.payload).\(Part.signature).\(Part.signature).\(Part.signature)",
            "\(Part.header)....", ".", "...", "....",
        ])
    func partCount(token: String) {
        #expect(throws: JOSEError.malformedCompactSerialization(reason: "")) { try CompactJWS(token) }
    }

    @Test(
        "an empty header part is rejected",
        arguments: ["..", ".\(Part.payload).\(Part.signature)", "..\(Part.signature)"])
    func emptyHeader(token: String) {
        #expect(throws: JOSEError.malformedCompactSerialization(reason: "")) { try CompactJWS(token) }
    }

    @Test(
        "a header that is not a JSON object is rejected",
        arguments: ["[1]", #""alg""#, "3", "null", "true", "not json", "{"])
    func headerNotObject(json: String) {
        let token = "\(UnitTokens.segment(json)).\(Part.payload).\(Part.signature)"
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try CompactJWS(token) }
    }

    @Test(
        "a header without a string alg is rejected",
        arguments: [
            "{}", #"{"kid":"k"}"#, #"{"alg":1}"#, #"{"alg":null}"#, #"{"alg":["RS256"]}"#, #"{"alg":{"v":"RS256"}}"#,
            #"{"alg":true}"#, #"{"ALG":"RS256"}"#,
        ])
    func missingAlg(json: String) {
        let token = "\(UnitTokens.segment(json)).\(Part.payload).\(Part.signature)"
        #expect(throws: JOSEError.malformedHeader(reason: "")) { try CompactJWS(token) }
    }

    @Test(
        "registered header members of the wrong type are rejected",
        arguments: [
            #"{"alg":"RS256","kid":1}"#, #"{"alg":"RS256","typ":["JWT"]}"#, #"{"alg":"RS256","cty":null}"#,
            #"{"alg":"RS256","x5t":{}}"#, #"{"alg":"RS256","crit":[]}"#, #"{"alg":"RS256","crit":"exp"}"#,
            #"{"alg":"RS256","crit":[1]}"#, #"{"alg":"RS256","crit":["a",null]}"#,
        ])
    func mistypedHeader(json: String) {
        let token = "\(UnitTokens.segment(json)).\(Part.payload).\(Part.signature)"
        #expect(throws: JOSEError.malformedHeader(reason: "")) { try CompactJWS(token) }
    }

    @Test("a header with a duplicate alg is rejected: the second alg must not win silently")
    func duplicateAlg() {
        let token = "\(UnitTokens.segment(#"{"alg":"RS256","alg":"none"}"#)).\(Part.payload).\(Part.signature)"
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try CompactJWS(token) }
    }

    @Test("a part that is not strict base64url is rejected, naming the part")
    func badBase64() {
        let cases = [
            ("header", "\(Part.header)=.\(Part.payload).\(Part.signature)"),
            ("payload", "\(Part.header).\(Part.payload)+.\(Part.signature)"),
            ("signature", "\(Part.header).\(Part.payload).\(Part.signature)=="),
            ("signature", "\(Part.header).\(Part.payload).\(Part.signature)\n"),
            ("header", " \(Part.header).\(Part.payload).\(Part.signature)"),
            ("payload", "\(Part.header).A.\(Part.signature)"),
        ]
        for (part, token) in cases {
            let error = #expect(throws: JOSEError.malformedBase64URL(reason: ""), "\(part)") { try CompactJWS(token) }
            #expect(error?.reason.hasPrefix(part) == true)
        }
    }

    @Test("a token given as bytes must be ASCII")
    func nonASCIIBytes() {
        let token = Array("\(Part.header).\(Part.payload).\(Part.signature)".utf8)
        #expect(throws: JOSEError.malformedCompactSerialization(reason: "")) {
            try CompactJWS(bytes: token + [0xC3, 0xA9])
        }
        #expect(throws: JOSEError.malformedCompactSerialization(reason: "")) { try CompactJWS(bytes: [0x80] + token) }
        #expect(throws: JOSEError.malformedBase64URL(reason: "")) {
            try CompactJWS(String(decoding: token, as: UTF8.self) + "\u{E9}")
        }
    }

    @Test("a token longer than CompactJWS.maxLength is refused; exactly maxLength is parsed")
    func sizeLimit() throws {
        let header = UnitTokens.segment(#"{"alg":"HS256"}"#)
        var payloadLength = CompactJWS.maxLength - header.utf8.count - 2
        var signature = ""
        if payloadLength % 4 == 1 {
            payloadLength -= 2
            signature = "AA"
        }
        let atLimit = header + "." + String(repeating: "A", count: payloadLength) + "." + signature
        #expect(atLimit.utf8.count == CompactJWS.maxLength)
        #expect(throws: Never.self) { try CompactJWS(atLimit) }

        let overLimit = String(repeating: "A", count: CompactJWS.maxLength + 1)
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try CompactJWS(overLimit) }
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try CompactJWS(atLimit + "A") }
        #expect(throws: JOSEError.limitExceeded(reason: "")) {
            try JWSVerifier(keys: []).verify(String(repeating: ".", count: CompactJWS.maxLength + 1))
        }
    }

    @Test("a header over the token JSON limits is refused")
    func headerLimits() {
        let deep = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        let token = "\(UnitTokens.segment(#"{"alg":"HS256","x":\#(deep)}"#)).\(Part.payload).\(Part.signature)"
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try CompactJWS(token) }
    }

    @Test("JWSHeader keeps unknown members and exposes crit")
    func headerMembers() throws {
        let header = try JWSHeader(members: ["alg": "ES256", "crit": ["b64"], "b64": false, "x": [1]])
        #expect(header.algorithm == .es256)
        #expect(header.critical == ["b64"])
        #expect(header.members["x"] == [1])
        let made = JWSHeader(algorithm: .rs256, keyID: "k", type: "JWT")
        #expect(made.members.keys == ["alg", "kid", "typ"])
    }
}
