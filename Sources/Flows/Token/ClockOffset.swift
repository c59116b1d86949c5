// SPDX-License-Identifier: Apache-2.0

/// Learns how far the local clock is from the provider's, from HTTP `Date` headers (RFC 9110 §6.6.1),
/// so that a client with a wrong clock still validates `exp`/`iat` (a common support problem).
public enum ClockOffset {
    /// `providerTime - localTime` in seconds, from a `Date` header value, or `nil` if it is not an
    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    public static func offset(dateHeader: String, localTime: Double) -> Double? {
        self.parse(dateHeader).map { $0 - localTime }
    }

    /// Parses an IMF-fixdate into seconds since the epoch.
    public static func parse(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), (1...31).contains(day),
            let year = Int(parts[3]), (1970...9999).contains(year)  // a four-digit year (RFC 9110 §5.6.7); no overflow
        else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let monthIndex = months.firstIndex(of: String(parts[2])) else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm).
        let month = monthIndex + 1
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second)
    }
}
