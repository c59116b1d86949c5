// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE
import Testing

@Suite struct Base64URLTests {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// Deterministic bytes (no RNG, so a failure reproduces), covering high and low values.
    private static func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 167 &+ 13 &+ count &* 31) }
    }

    /// Foundation's padded base64 translated to unpadded base64url: an independent reference encoder.
    private static func reference(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test("round trips every length from 0 to 64", arguments: 0...64)
    func roundTrip(length: Int) throws {
        let input = Self.bytes(length)
        let encoded = Base64URL.encode(input)
        #expect(encoded == Self.reference(input))
        #expect(encoded.utf8.count == (length * 4 + 2) / 3)
        #expect(Base64URL.encodeToBytes(input) == Array(encoded.utf8))
        #expect(try Base64URL.decode(encoded) == input)
        #expect(try Base64URL.decode(bytes: Array(encoded.utf8)) == input)
        #expect(try Base64URL.decode(encoded[...]) == input)
    }

    @Test("round trips every byte value, and all-zero and all-one inputs")
    func everyByte() throws {
        let all = (0...255).map { UInt8($0) }
        for input in [all, [UInt8](repeating: 0, count: 33), [UInt8](repeating: 0xFF, count: 34)] {
            let encoded = Base64URL.encode(input)
            #expect(encoded == Self.reference(input))
            #expect(try Base64URL.decode(encoded) == input)
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test(
        "rejects padding",
        arguments: ["QQ==", "QQ=", "QUI=", "QUJD====", "=", "==", "====", "QQ==QUJD", "QUJD=", "Q===", "=QQ"])
    func rejectsPadding(text: String) {
        #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode(text) }
    }

    @Test("the padding error says so, with the offset")
    func paddingReason() {
        let error = #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode("QUJDQQ==") }
        #expect(error?.reason.contains("padding") == true)
        #expect(error?.reason.contains("offset 6") == true)
    }

    @Test(
        "rejects the base64 (not base64url) characters + and /",
        arguments: ["+w", "/w", "ab+/", "QUJ+", "QU/D", "-_+_"])
    func rejectsStandardAlphabet(text: String) {
        let error = #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode(text) }
        #expect(error?.reason.contains("base64url") == true)
    }

    @Test(
        "rejects whitespace anywhere",
        arguments: [" QQ", "QQ ", "QU JD", "QQ\n", "\tQQ", "QUJD\r\nRUZH", "QUJD RUZH", "QU\u{0B}I", "QU\u{0C}I"])
    func rejectsWhitespace(text: String) {
        #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode(text) }
    }

    @Test(
        "rejects other ASCII outside the alphabet",
        arguments: ["QU.I", "QU*I", "Q%3D", "QU\"I", "QU\\I", "QU~I", "QU\u{0}I"])
    func rejectsOtherASCII(text: String) {
        #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode(text) }
    }

    @Test(
        "rejects non-ASCII bytes",
        arguments: [
            [0x51, 0x51, 0x80], [0xC3, 0xA9, 0x51, 0x51], [0x51, 0x55, 0x49, 0xFF], [0xEF, 0xBC, 0xB1, 0x51],
            [0x51, 0xC0], [0x80, 0x80, 0x80, 0x80],
        ] as [[UInt8]])
    func rejectsNonASCII(bytes: [UInt8]) {
        #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode(bytes: bytes) }
    }

    @Test("rejects non-ASCII text (fullwidth letters, accents)", arguments: ["ＱＱ", "QUé", "QU\u{2028}I"])
    func rejectsNonASCIIText(text: String) {
        #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode(text) }
    }

    @Test(
        "rejects a length that leaves one character (length % 4 == 1)", arguments: ["Q", "QUJDR", "QUJDRUZHS", "AAAAA"])
    func rejectsLoneCharacter(text: String) {
        let error = #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode(text) }
        #expect(error?.reason.contains("length") == true)
    }

    @Test("rejects non-canonical trailing bits: QQ decodes, QR does not")
    func rejectsNonCanonicalBits() throws {
        #expect(try Base64URL.decode("QQ") == [0x41])
        #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode("QR") }
        #expect(try Base64URL.decode("QUI") == [0x41, 0x42])
        #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode("QUJ") }
        #expect(throws: JOSEError.malformedBase64URL(reason: "")) { try Base64URL.decode("QUJDQR") }
    }

    @Test("every byte string has exactly one accepted encoding (exhaustive over the last character)")
    func canonicalEncodingIsUnique() throws {
        for prefix in ["Q", "QU", "QUJDQ", "QUJDQU"] {
            var accepted = 0
            for last in Self.alphabet {
                let text = prefix + String(last)
                guard let decoded = try? Base64URL.decode(text) else { continue }
                accepted += 1
                #expect(Base64URL.encode(decoded) == text, "\(text) decodes but is not canonical")
            }
            // Two characters carry 4 spare bits (4 of 64 are canonical), three carry 2 (16 of 64).
            #expect(accepted == (prefix.count % 4 == 1 ? 4 : 16), "prefix \(prefix)")
        }
    }

    @Test("decodes the empty string to no bytes")
    func empty() throws {
        #expect(try Base64URL.decode("") == [])
        #expect(Base64URL.encode([UInt8]()) == "")
    }
}
