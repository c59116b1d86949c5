// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import JOSE

/// The claims fast path validates exactly as strictly as the full parser.
@Suite struct JSONObjectIndexTests {
    static let rejected: [String] = [
        #"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, #"{"n":{"x":1,"x":2}}"#, #"{"a":[1,]}"#, #"{"a":01}"#,
        #"{"a":"\ud800"}"#, "{\"a\":\"\u{01}\"}", #"{"a":1} x"#, #"{"a":tru}"#, #"{"a":1,}"#, #"{"a" 1}"#,
        #"{"a":"x\q"}"#, "[1]", "\"s\"", "3", "",
    ]

    @Test("every document the full parser rejects is rejected by the index", arguments: rejected)
    func rejects(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(throws: JOSEError.self) { try JSONParser(limits: .token).parseObject(bytes) }
        #expect(throws: JOSEError.self) { try JSONObjectIndex(bytes, limits: .token, what: "test") }
    }

    @Test("invalid UTF-8 and limits are enforced")
    func utf8AndLimits() {
        #expect(throws: JOSEError.self) { try JSONObjectIndex([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D], limits: .token, what: "t") }
        let deep = "{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try JSONObjectIndex(Array(deep.utf8), limits: .token, what: "t") }
        let many = "{\"a\":[" + Array(repeating: "1", count: 5000).joined(separator: ",") + "]}"
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try JSONObjectIndex(Array(many.utf8), limits: .token, what: "t") }
    }

    @Test("the index counts depth and values exactly as the parser does, at every small limit")
    func limitsMatchTheParser() {
        let documents = [#"{}"#, #"{"a":1}"#, #"{"a":[1]}"#, #"{"a":{"b":"c"}}"#, #"{"a":"x","b":"y","c":"z"}"#]
        for document in documents {
            let bytes = Array(document.utf8)
            for depth in 0...3 {
                for values in 0...4 {
                    let limits = JSONParser.Limits(maxBytes: 1024, maxDepth: depth, maxValues: values)
                    let parsed = Result { try JSONParser(limits: limits).parseObject(bytes) }
                    let indexed = Result { try JSONObjectIndex(bytes, limits: limits, what: "t") }
                    #expect(
                        (try? parsed.get()) == nil ? (try? indexed.get()) == nil : (try? indexed.get()) != nil,
                        "\(document) depth \(depth) values \(values)")
                }
            }
        }
    }

    @Test("claims read through the index equal the fully parsed object")
    func sameValues() throws {
        let text = #"{"iss":"https://op.example.com","aud":["a","b\u00e9"],"exp":1767225900,"n\u00e4me":"J\u00fcrgen","nested":{"k":[true,null,1.5e3]}}"#
        let claims = try JWTClaims(payload: Array(text.utf8))
        let parsed = try JSONParser(limits: .token).parseObject(Array(text.utf8))
        #expect(claims.all == parsed)
        #expect(claims["nämе"] == nil)
        #expect(claims["näme"] == "Jürgen")
        #expect(claims.claim("iss", equals: "https://op.example.com"))
        #expect(!claims.claim("iss", equals: "https://op.example.co"))
        #expect(claims.audienceContains("bé"))
        #expect(!claims.audienceContains("c"))
        #expect(claims.expiresAt == 1_767_225_900)
        #expect(claims.audience == ["a", "bé"])
    }
}
