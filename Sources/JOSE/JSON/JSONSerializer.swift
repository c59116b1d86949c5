// SPDX-License-Identifier: Apache-2.0

extension JSONValue {
    /// Serializes compactly (no whitespace), members in order, as UTF-8 bytes.
    public func serialized() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(128)
        self.write(into: &output, indent: nil, level: 0)
        return output
    }

    /// Serializes with two-space indentation, for people.
    public func prettyPrinted() -> String {
        var output: [UInt8] = []
        self.write(into: &output, indent: 2, level: 0)
        return String(decoding: output, as: UTF8.self)
    }

    /// Compact JSON text.
    public var jsonText: String { String(decoding: self.serialized(), as: UTF8.self) }

    private func write(into output: inout [UInt8], indent: Int?, level: Int) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value): Self.writeNumber(value, into: &output)
        case .string(let value): Self.writeString(value, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                Self.newline(into: &output, indent: indent, level: level + 1)
                element.write(into: &output, indent: indent, level: level + 1)
            }
            if !elements.isEmpty { Self.newline(into: &output, indent: indent, level: level) }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (position, member) in object.members.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                Self.newline(into: &output, indent: indent, level: level + 1)
                Self.writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                if indent != nil { output.append(UInt8(ascii: " ")) }
                member.value.write(into: &output, indent: indent, level: level + 1)
            }
            if object.count > 0 { Self.newline(into: &output, indent: indent, level: level) }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(into output: inout [UInt8], indent: Int?, level: Int) {
        guard let indent else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private static func writeNumber(_ value: Double, into output: inout [UInt8]) {
        if value.isFinite, value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            output.append(contentsOf: String(Int64(value)).utf8)
        } else if value.isFinite {
            output.append(contentsOf: String(value).utf8)
        } else {
            output.append(contentsOf: "null".utf8)  // JSON has no NaN or infinity
        }
    }

    private static func writeString(_ value: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): output.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\r"): output.append(contentsOf: "\\r".utf8)
            case UInt8(ascii: "\t"): output.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                output.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONObject {
    /// Serializes compactly as UTF-8 bytes.
    public func serialized() -> [UInt8] { JSONValue.object(self).serialized() }
}
