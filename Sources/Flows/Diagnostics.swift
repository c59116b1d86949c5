// SPDX-License-Identifier: Apache-2.0

/// Text for error reasons: values that came from the network are shown bounded and inert.
enum Diagnostics {
    /// At most `limit` Unicode scalars of `text` (so at most `4 * limit` bytes, whatever the grapheme
    /// clusters), with control characters (C0, DEL, C1) and bidirectional controls replaced by `?`: a
    /// provider or a forged callback cannot write terminal escapes or reorder a log line. `…` marks a cut.
    static func printable(_ text: some StringProtocol, limit: Int) -> String {
        var shown = String.UnicodeScalarView()
        for (index, scalar) in text.unicodeScalars.enumerated() {
            guard index < limit else {
                shown.append("…")
                break
            }
            shown.append(Self.isInert(scalar) ? scalar : "?")
        }
        return String(shown)
    }

    /// Whole seconds, or the number as it is when no `Int` holds it (never traps, even on NaN).
    static func seconds(_ value: Double) -> String {
        Int(exactly: value.rounded(.down)).map { String($0) } ?? "\(value)"
    }

    private static func isInert(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return false
        default: return true
        }
    }
}
