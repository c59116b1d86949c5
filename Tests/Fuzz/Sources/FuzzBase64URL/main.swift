// SPDX-License-Identifier: Apache-2.0
import FuzzSupport
import JOSE

/// Strict base64url: whatever decodes must be the one canonical encoding of its bytes, the String and
/// byte entry points must agree, and every byte string must survive encode-then-decode.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBase64URL(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(start, count)
    let decoded = try? Base64URL.decode(bytes: input)
    if let decoded {
        Fuzz.check(Base64URL.encodeToBytes(decoded) == input, "a non-canonical encoding was accepted")
    }
    if let text = String(validating: input, as: UTF8.self) {
        let viaText = try? Base64URL.decode(text)
        Fuzz.check(viaText == decoded, "decode(String) and decode(bytes:) disagree")
    }
    let encoded = Base64URL.encodeToBytes(input)
    Fuzz.check(encoded.count == (input.count * 4 + 2) / 3, "encoded length")
    Fuzz.check((try? Base64URL.decode(bytes: encoded)) == input, "encode-then-decode lost bytes")
    return 0
}
