// SPDX-License-Identifier: Apache-2.0
import HTTPTypes

/// The freshness lifetime a response gives itself (RFC 9111 §4.2.1), before ``CachePolicy`` bounds.
enum HTTPFreshness {
    /// Seconds the response may be used for, or `nil` when its headers say nothing about it.
    ///
    /// `no-store` or `no-cache` give 0; otherwise `max-age` (minus `Age`) wins over `Expires` (minus
    /// `Date`, or minus `now` without a `Date`). An `Expires` that is not an IMF-fixdate means already
    /// expired (RFC 9111 §5.3).
    static func lifetime(of fields: HTTPFields, now: Double) -> Double? {
        var maxAge: Double? = nil
        var conflicting = false
        for value in fields[values: .cacheControl] {
            for directive in value.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1)
                let name = parts.first.map { $0.trimmingSpaces().lowercased() } ?? ""
                switch name {
                case "no-store", "no-cache": return 0
                case "max-age":
                    guard parts.count == 2 else { continue }
                    var argument = parts[1].trimmingSpaces()
                    if argument.count >= 2, argument.hasPrefix("\""), argument.hasSuffix("\"") {
                        argument = String(argument.dropFirst().dropLast())
                    }
                    guard !argument.isEmpty, argument.count <= 12, argument.allSatisfy({ $0 >= "0" && $0 <= "9" }),
                        let seconds = Double(argument)
                    else { continue }
                    if let earlier = maxAge, earlier != seconds { conflicting = true }
                    maxAge = min(maxAge ?? seconds, seconds)
                default: continue
                }
            }
        }
        if conflicting { return 0 }  // RFC 9111 §4.2.1: conflicting directives make the response stale
        if let maxAge {
            let age = fields[.age].flatMap { Double($0.trimmingSpaces()) } ?? 0
            return max(0, maxAge - max(0, age))
        }
        guard let expires = fields[.expires] else { return nil }
        guard let expiry = HTTPDate.parse(expires) else { return 0 }
        let date = fields[.date].flatMap(HTTPDate.parse) ?? now
        return max(0, expiry - date)
    }
}

/// IMF-fixdate (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`.
enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// Seconds since the Unix epoch, or `nil` when `text` is not an IMF-fixdate.
    static func parse(_ text: String) -> Double? {
        let parts = text.trimmingSpaces().split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","),
            Self.days.contains(String(parts[0].dropLast())),
            parts[5] == "GMT", parts[1].count == 2, let day = Int(parts[1]), (1...31).contains(day),
            let monthIndex = Self.months.firstIndex(of: String(parts[2])), parts[3].count == 4, let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3, time.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
            let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]),
            (0..<24).contains(hour), (0..<60).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: monthIndex + 1, day: day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        guard let start = self.firstIndex(where: { !isSpace($0) }), let end = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[start...end])
    }
}
