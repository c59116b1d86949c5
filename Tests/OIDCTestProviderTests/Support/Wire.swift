// SPDX-License-Identifier: Apache-2.0
import JOSE

/// Independent, minimal encoders and decoders for what the tests put on and read off the wire.
enum Wire {
    static func percentEncode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            if (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }

    static func form(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(self.percentEncode($0.0))=\(self.percentEncode($0.1))" }.joined(separator: "&")
    }

    static func decodeForm(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[self.percentDecode(parts[0])] = parts.count > 1 ? self.percentDecode(parts[1]) : ""
        }
        return result
    }

    static func percentDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        while index < text.utf8.endIndex {
            let byte = text.utf8[index]
            if byte == UInt8(ascii: "%"),
                let value = UInt8(String(text[text.index(index, offsetBy: 1)...].prefix(2)), radix: 16)
            {
                bytes.append(value)
                index = text.utf8.index(index, offsetBy: 3)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index = text.utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Padded standard base64, for HTTP Basic.
    static func base64(_ text: String) -> String {
        let url = Base64URL.encode(Array(text.utf8)).replacing("-", with: "+").replacing("_", with: "/")
        return url + String(repeating: "=", count: (4 - url.utf8.count % 4) % 4)
    }

    /// The parameters a redirect URL carries in its fragment, else in its query.
    static func redirectParameters(_ url: String) -> [String: String] {
        if let hash = url.firstIndex(of: "#") { return self.decodeForm(url[url.index(after: hash)...]) }
        if let question = url.firstIndex(of: "?") { return self.decodeForm(url[url.index(after: question)...]) }
        return [:]
    }
}
