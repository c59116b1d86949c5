// SPDX-License-Identifier: Apache-2.0
import JOSE

/// HTTP Basic client credentials (RFC 6749 §2.3.1): base64 of the form-urlencoded id, `:`, and the
/// form-urlencoded secret.
struct BasicCredentials {
    let clientID: String
    let secret: String

    /// Parses an `Authorization` value; `nil` when its scheme is not Basic.
    /// - Throws: `FormCoding.Malformed` when the value is Basic but malformed.
    init?(authorization: String) throws(FormCoding.Malformed) {
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else { return nil }
        let encoded = parts[1].trimmingPrefixAndSuffix(" ")
        guard encoded.utf8.count <= 4096 else { throw FormCoding.Malformed(reason: "Basic credentials too long") }
        // Standard base64 with padding, decoded through the strict base64url decoder.
        var unpadded = Substring(encoded)
        var padding = 0
        while unpadded.hasSuffix("=") && padding < 2 {
            unpadded = unpadded.dropLast()
            padding += 1
        }
        guard (unpadded.utf8.count + padding) % 4 == 0, !unpadded.contains("-"), !unpadded.contains("_"),
            !unpadded.contains("=")
        else { throw FormCoding.Malformed(reason: "Basic credentials are not base64") }
        let urlAlphabet = String(unpadded).replacing("+", with: "-").replacing("/", with: "_")
        guard let bytes = try? Base64URL.decode(urlAlphabet), let text = String(validating: bytes, as: UTF8.self) else {
            throw FormCoding.Malformed(reason: "Basic credentials are not base64 UTF-8")
        }
        guard let colon = text.firstIndex(of: ":") else {
            throw FormCoding.Malformed(reason: "Basic credentials lack a colon")
        }
        self.clientID = try FormCoding.decodeComponent(text[..<colon])
        self.secret = try FormCoding.decodeComponent(text[text.index(after: colon)...])
    }
}

extension Substring {
    fileprivate func trimmingPrefixAndSuffix(_ character: Character) -> String {
        var text = self
        while text.first == character { text = text.dropFirst() }
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}
