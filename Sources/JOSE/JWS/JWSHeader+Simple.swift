// SPDX-License-Identifier: Apache-2.0

extension JWSHeader {
    /// Where the registered members of a simple header sit in its bytes.
    struct SimpleMembers {
        var algorithm: Range<Int>?
        var keyID: Range<Int>?
        var type: Range<Int>?
        var contentType: Range<Int>?
        var x509ThumbprintSHA1: Range<Int>?
    }

    /// The shape nearly every header has (`{"alg":"RS256","kid":"k1","typ":"JWT"}`), read in one tight
    /// pass with no allocation: at most four members, names of at most seven bytes, every value a
    /// string of printable ASCII without escapes.
    ///
    /// Returns `nil` for anything else, duplicates included, and the caller reads the header with the
    /// general ``JSONObjectIndex``; so this accepts a subset of what that accepts, with the same meaning.
    static func simpleMembers(_ span: Span<UInt8>, in range: Range<Int>) -> SimpleMembers? {
        let end = range.upperBound
        var index = Reader.endOfWhitespace(span, from: range.lowerBound, to: end)
        guard index < end, span[index] == UInt8(ascii: "{") else { return nil }
        index = Reader.endOfWhitespace(span, from: index + 1, to: end)
        var names = InlineArray<4, UInt64>(repeating: 0)
        var count = 0
        var members = SimpleMembers()
        while count < 4, index < end, span[index] == UInt8(ascii: "\"") {
            let keyStart = index + 1
            guard let key = Reader.endOfPlainName(span, from: keyStart, to: end), key.end - 1 - keyStart <= 7
            else { return nil }
            let afterKey = key.end
            index = Reader.endOfWhitespace(span, from: afterKey, to: end)
            guard index < end, span[index] == UInt8(ascii: ":") else { return nil }
            index = Reader.endOfWhitespace(span, from: index + 1, to: end)
            guard index < end, span[index] == UInt8(ascii: "\""),
                let afterValue = Reader.endOfPlainString(span, from: index + 1, to: end)
            else { return nil }
            let value = (index + 1)..<(afterValue - 1)
            let name = key.packed  // exact for names of up to seven bytes
            for earlier in 0..<count where names[earlier] == name { return nil }
            names[count] = name
            count += 1
            switch name {
            case 0x0300_0000_0061_6C67: members.algorithm = value  // alg
            case 0x0300_0000_006B_6964: members.keyID = value  // kid
            case 0x0300_0000_0074_7970: members.type = value  // typ
            case 0x0300_0000_0063_7479: members.contentType = value  // cty
            case 0x0300_0000_0078_3574: members.x509ThumbprintSHA1 = value  // x5t
            case 0x0400_0000_6372_6974: return nil  // crit is never a string: the general path says so
            default: break
            }
            index = Reader.endOfWhitespace(span, from: afterValue, to: end)
            guard index < end else { return nil }
            if span[index] == UInt8(ascii: "}") {
                return Reader.endOfWhitespace(span, from: index + 1, to: end) == end ? members : nil
            }
            guard span[index] == UInt8(ascii: ",") else { return nil }
            index = Reader.endOfWhitespace(span, from: index + 1, to: end)
        }
        return nil
    }
}
