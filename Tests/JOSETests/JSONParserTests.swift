// SPDX-License-Identifier: Apache-2.0
import JOSE
import Testing

@Suite struct JSONParserTests {
    private static let parser = JSONParser()

    private static func parse(_ text: String) throws -> JSONValue { try self.parser.parse(text) }

    // MARK: Valid documents

    @Test(
        "parses valid RFC 8259 documents",
        arguments: [
            ("{}", [:]), ("[]", []), ("null", .null), ("true", true), (" \t\r\n false \n", false),
            ("0", 0), ("-0", 0), ("123", 123), ("-123", -123), ("1.5", 1.5), ("1e3", 1000), ("1E+3", 1000),
            ("2.5e-1", 0.25), ("-0.125", -0.125), ("0.5", 0.5), ("10", 10), ("1700000000", 1_700_000_000),
            ("9007199254740992", 9_007_199_254_740_992), ("12345678901234567890", 12_345_678_901_234_567_890.0),
            (#""""#, ""), (#""abc""#, "abc"), (#"[1,"a",null,true,{}]"#, [1, "a", .null, true, [:]]),
            (#" { "a" : [ 1 , { "b" : null } ] , "c" : "d" } "#, ["a": [1, ["b": .null]], "c": "d"]),
            ("[[[[]]]]", [[[[]]]]),
        ] as [(String, JSONValue)])
    func valid(text: String, expected: JSONValue) throws {
        #expect(try Self.parse(text) == expected)
    }

    @Test("decodes every escape")
    func escapes() throws {
        #expect(try Self.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{08}\u{0C}\n\r\t"))
        #expect(try Self.parse(#""\u00e9\u00E9""#) == "éé")
        #expect(try Self.parse(#""\u0000""#) == "\u{0}")
        #expect(try Self.parse(#""\u001f\u007F\uFFFF""#) == "\u{1F}\u{7F}\u{FFFF}")
        #expect(try Self.parse(#""\uD83D\uDE00""#) == "😀")
        #expect(try Self.parse(#""\uDBFF\uDFFF""#) == "\u{10FFFF}")
        #expect(try Self.parse(#""a\u0062c""#) == "abc")
    }

    @Test("decodes raw UTF-8 of every length")
    func rawUTF8() throws {
        #expect(
            try Self.parser.parse(Array("\"é€😀\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}\"".utf8))
                == "é€😀\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}")
        #expect(try Self.parse(#"{"clé":"valeur ✓"}"#) == ["clé": "valeur ✓"])
    }

    @Test("keeps object members in document order")
    func memberOrder() throws {
        let object = try #require(try Self.parse(#"{"z":1,"a":2,"m":3}"#).objectValue)
        #expect(object.keys == ["z", "a", "m"])
        #expect(object["a"] == 2)
    }

    @Test("decodes numbers exactly where a Double can")
    func numbers() throws {
        #expect(try Self.parse("-9007199254740992") == .number(-9_007_199_254_740_992))
        #expect(try Self.parse("1.0") == .number(1))
        #expect(try Self.parse("1e-7") == .number(1e-7))
        #expect(try Self.parse("123.456e2") == .number(12345.6))
        #expect(try Self.parse("1.7976931348623157e308") == .number(.greatestFiniteMagnitude))
        #expect(try Self.parse("4.9e-324") == .number(.leastNonzeroMagnitude))
        #expect(try Self.parse("0e0") == .number(0))
    }

    // MARK: Invalid documents

    @Test(
        "rejects duplicate keys, including ones spelled with escapes",
        arguments: [
            #"{"a":1,"a":2}"#, #"{"alg":"RS256","alg":"none"}"#, #"{"x":{"a":1,"a":1}}"#, #"{"a":1,"\u0061":2}"#,
            #"[{"k":1,"b":2,"k":3}]"#, #"{"":1,"":2}"#,
        ])
    func duplicateKeys(text: String) {
        let error = #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parse(text) }
        #expect(error?.reason.contains("duplicate") == true)
    }

    @Test("rejects trailing commas", arguments: ["[1,]", #"{"a":1,}"#, "[,]", "[1,,2]", "{,}", #"{"a":1,,"b":2}"#])
    func trailingCommas(text: String) {
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parse(text) }
    }

    @Test("rejects leading zeros", arguments: ["01", "-01", "00", "[012]", #"{"a":00}"#, "00.5", "-00"])
    func leadingZeros(text: String) {
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parse(text) }
    }

    @Test(
        "rejects lone surrogates",
        arguments: [
            #""\uD800""#, #""\uDBFF""#, #""\uDC00""#, #""\uDFFF""#, #""\uD800\u0041""#, #""\uD800x""#,
            #""\uDFFF\uD800""#, #""\uD83D\uD83D""#, #""\uD800\n""#,
        ])
    func loneSurrogates(text: String) {
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parse(text) }
    }

    @Test(
        "rejects invalid UTF-8: overlong, surrogate-encoded, out of range, truncated, stray bytes",
        arguments: [
            [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xE0, 0x9F, 0xBF], [0xF0, 0x80, 0x80, 0xAF],
            [0xF0, 0x8F, 0xBF, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xFE], [0x80], [0xBF], [0xE2, 0x82],
            [0xC3], [0xC3, 0x41], [0xE2, 0x41, 0xAC], [0xF0, 0x9F, 0x98],
        ] as [[UInt8]])
    func invalidUTF8(sequence: [UInt8]) {
        let inString = [UInt8(ascii: "\"")] + sequence + [UInt8(ascii: "\"")]
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parser.parse(inString) }
        // The same bytes in a member name.
        let inKey = Array(#"{""#.utf8) + sequence + Array(#"":1}"#.utf8)
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parser.parse(inKey) }
    }

    @Test(
        "rejects raw control characters in strings", arguments: [0x00, 0x01, 0x08, 0x09, 0x0A, 0x0D, 0x1F] as [UInt8])
    func controlCharacters(byte: UInt8) {
        let text = [UInt8(ascii: "\""), UInt8(ascii: "a"), byte, UInt8(ascii: "\"")]
        let error = #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parser.parse(text) }
        #expect(error?.reason.contains("control") == true)
        // 0x7F (DEL) is not a control character in JSON's sense.
        #expect(throws: Never.self) { try Self.parser.parse([0x22, 0x7F, 0x22]) }
    }

    @Test(
        "rejects trailing content",
        arguments: ["{} x", "1 2", "[] []", "{}}", "nullx", #""a""b""#, "[1]]", "true false", "{}\u{0}", "0 0"])
    func trailingContent(text: String) {
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parse(text) }
    }

    @Test(
        "rejects NaN, infinities and other non-JSON numbers",
        arguments: [
            "NaN", "nan", "Infinity", "-Infinity", "inf", "+1", ".5", "1.", "1e", "1e+", "-", "0x10", "1.e3", "1_000",
            "--1", "1e400", "-1e400", "[NaN]", #"{"exp":Infinity}"#,
        ])
    func nonNumbers(text: String) {
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parse(text) }
    }

    @Test(
        "rejects other malformed documents",
        arguments: [
            "", " ", "'a'", "{a:1}", "[1 2]", "tru", "nul", "True", #"{"a" 1}"#, #""\x""#, #""\u12""#, #""\uZZZZ""#,
            #""abc"#, "[1", "{", #"{"a":"#, #"{"a"}"#, "]", "}", #""\"#, #""\u""#, "[1,2", "/* c */ 1",
        ])
    func otherMalformed(text: String) {
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parse(text) }
    }

    @Test("a number longer than 64 characters is refused, not parsed slowly")
    func longNumber() {
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parse(String(repeating: "1", count: 65)) }
        #expect(throws: Never.self) { try Self.parse(String(repeating: "1", count: 64)) }
    }

    @Test("parseObject refuses anything but an object")
    func parseObject() throws {
        #expect(try Self.parser.parseObject(Array("{}".utf8)).count == 0)
        for text in ["[]", "1", #""x""#, "null"] {
            #expect(throws: JOSEError.malformedJSON(reason: "")) { try Self.parser.parseObject(Array(text.utf8)) }
        }
    }

    // MARK: Limits

    @Test("10,000 nested arrays or objects throw limitExceeded quickly instead of overflowing the stack")
    func deepNesting() {
        let start = ContinuousClock.now
        let arrays = String(repeating: "[", count: 10_000)
        let closed = arrays + String(repeating: "]", count: 10_000)
        let objects = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        for text in [arrays, closed, objects] {
            for limits in [JSONParser.Limits.document, .token] {
                #expect(throws: JOSEError.limitExceeded(reason: "")) { try JSONParser(limits: limits).parse(text) }
            }
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    /// `{"n0":0,"n1":0,...}` with `count` distinct names, then `extra` members.
    private static func object(_ count: Int, extra: [String] = []) -> [UInt8] {
        Array(("{" + ((0..<count).map { #""n\#($0)":0"# } + extra).joined(separator: ",") + "}").utf8)
    }

    @Test("thousands of distinct names cost linear time in every object reader, not quadratic")
    func manyNames() throws {
        let token = Self.object(4_000)  // within .token limits: a JWS header (parsed before the signature check)
        let document = Self.object(16_000)  // within .document limits: a token response, a JWKS
        let nested = Array(#"{"x":"#.utf8) + token + Array("}".utf8)  // nested names: JSONObjectIndex's skipValue
        let start = ContinuousClock.now
        _ = try JSONParser(limits: .token).parseObject(token)
        _ = try JSONParser(limits: .document).parseObject(document)
        _ = try JWTClaims(payload: token)
        _ = try JWTClaims(payload: nested)
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    @Test("a repeated name far into a large object is still found, byte for byte", arguments: [
        (#""n50":1"#, true), (#""n\u0035\u0030":1"#, true), (#""\u212A":1,"K":1"#, false), (#""K":1,"\u212A":1"#, false),
        (#""K":1,"\u004B":1"#, true),
    ])
    func repeatedNameInLargeObject(extra: String, isDuplicate: Bool) throws {
        let object = Self.object(100, extra: [extra])
        let nested = Array(#"{"x":"#.utf8) + object + Array("}".utf8)
        for parse in [
            { _ = try JSONParser(limits: .token).parseObject(object) }, { _ = try JWTClaims(payload: object) },
            { _ = try JWTClaims(payload: nested) },
        ] as [() throws -> Void] {
            if isDuplicate {
                #expect(throws: JOSEError.self, "\(extra)") { try parse() }
            } else {
                #expect(throws: Never.self, "\(extra)") { try parse() }
            }
        }
    }

    @Test("nesting up to maxDepth is accepted and one more level is not")
    func depthBoundary() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        }
        let limit = JSONParser.Limits.document.maxDepth
        #expect(throws: Never.self) { try Self.parse(nested(limit)) }
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try Self.parse(nested(limit + 1)) }
        let custom = JSONParser(limits: .init(maxBytes: 1000, maxDepth: 2, maxValues: 100))
        #expect(throws: Never.self) { try custom.parse(#"{"a":[1]}"#) }
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try custom.parse(#"{"a":[{}]}"#) }
    }

    @Test("documents over maxBytes are refused before parsing")
    func sizeLimit() throws {
        let small = JSONParser(limits: .init(maxBytes: 7, maxDepth: 16, maxValues: 100))
        #expect(try small.parse("[1,2,3]") == [1, 2, 3])
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try small.parse("[1,2,3] ") }
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try small.parse("[1,2,3,4]") }

        let document = [UInt8](repeating: UInt8(ascii: " "), count: JSONParser.Limits.document.maxBytes - 2)
        #expect(throws: Never.self) { try JSONParser(limits: .document).parse(document + Array("{}".utf8)) }
        #expect(throws: JOSEError.limitExceeded(reason: "")) {
            try JSONParser(limits: .document).parse(document + Array("{} ".utf8))
        }
        let token = [UInt8](repeating: UInt8(ascii: " "), count: JSONParser.Limits.token.maxBytes)
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try JSONParser(limits: .token).parse(token + [0x31]) }
    }

    @Test("documents with more than maxValues values are refused")
    func valueLimit() throws {
        let parser = JSONParser(limits: .init(maxBytes: 1000, maxDepth: 16, maxValues: 3))
        #expect(try parser.parse("[1,2]") == [1, 2])
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try parser.parse("[1,2,3]") }
        #expect(throws: Never.self) { try parser.parse(#"{"a":1,"b":2}"#) }
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try parser.parse(#"{"a":1,"b":2,"c":3}"#) }

        let max = JSONParser.Limits.token.maxValues
        let atLimit = "[" + Array(repeating: "0", count: max - 1).joined(separator: ",") + "]"
        #expect(throws: Never.self) { try JSONParser(limits: .token).parse(atLimit) }
        let overLimit = "[" + Array(repeating: "0", count: max).joined(separator: ",") + "]"
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try JSONParser(limits: .token).parse(overLimit) }
    }

    // MARK: Serializer

    @Test("serializes compactly, in order, with integers as integers")
    func serialize() {
        let value: JSONValue = ["b": 1, "a": [true, .null, false], "n": 1_700_000_000, "f": 1.5, "neg": -42, "z": 0]
        #expect(value.jsonText == #"{"b":1,"a":[true,null,false],"n":1700000000,"f":1.5,"neg":-42,"z":0}"#)
        #expect(JSONValue.number(1e15).jsonText == "1000000000000000")
        #expect(JSONValue.number(-0.0).jsonText == "0")
        #expect(JSONValue.number(.nan).jsonText == "null")
        #expect(JSONValue.number(.infinity).jsonText == "null")
        #expect(JSONValue.object([:]).jsonText == "{}")
        #expect(JSONValue.array([]).jsonText == "[]")
    }

    @Test("escapes quotes, backslashes and control characters, and writes other text as UTF-8")
    func serializeEscapes() throws {
        let text = "a\"b\\c\n\t\r\u{0}\u{8}\u{1F}/é😀\u{7F}\u{2028}"
        let json = JSONValue.string(text).jsonText
        #expect(json == #""a\"b\\c\n\t\r\u0000\u0008\u001f/é😀"# + "\u{7F}\u{2028}\"")
        #expect(try Self.parse(json) == .string(text))
    }

    @Test(
        "serialize then parse round-trips",
        arguments: [
            .null, true, 0, -1, 1_700_000_000, 0.1, -2.5e-8, 1e300, "", "x", "\u{0}\u{1}\u{1F}\"\\",
            "é€😀\u{10FFFF}", [1, [2, [3]]], ["k": "v", "nested": ["a": [1, "two", .null]]],
            ["\n": "\t", "é": "😀"],
        ] as [JSONValue])
    func roundTrip(value: JSONValue) throws {
        #expect(try Self.parser.parse(value.serialized()) == value)
        #expect(try Self.parser.parse(value.prettyPrinted()) == value)
    }

    @Test("every control character survives a round trip")
    func controlRoundTrip() throws {
        let text = String(String.UnicodeScalarView((0..<0x20).compactMap { Unicode.Scalar(UInt32($0)) }))
        #expect(try Self.parse(JSONValue.string(text).jsonText) == .string(text))
    }
}
