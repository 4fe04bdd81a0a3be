import ChatCore
import Foundation

/// Parses the three HTTP date formats RFC 7231 §7.1.1.1 requires recipients to accept,
/// without a locale-dependent `DateFormatter`:
///
/// - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
/// - obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT` (two-digit years more than 50 years
///   in the future are taken as the previous century, relative to `now`)
/// - asctime: `Sun Nov  6 08:49:37 1994`
///
/// The weekday is not checked against the date.
public enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The date, or nil when `text` is in none of the formats.
    public static func parse(_ text: String, now: Date = Date()) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0) }
        guard let first = tokens.first else { return nil }
        if first.hasSuffix(","), tokens.count == 6, tokens[5].uppercased() == "GMT" {
            // IMF-fixdate: day month year time GMT
            guard let day = Int(tokens[1]), let month = month(tokens[2]), tokens[3].count == 4,
                let year = Int(tokens[3])
            else { return nil }
            return make(year: year, month: month, day: day, time: tokens[4])
        }
        if first.hasSuffix(","), tokens.count == 4, tokens[3].uppercased() == "GMT" {
            // RFC 850: dd-Mon-yy time GMT
            let parts = tokens[1].split(separator: "-").map(String.init)
            guard parts.count == 3, let day = Int(parts[0]), let month = month(parts[1]),
                parts[2].count == 2, let shortYear = Int(parts[2])
            else { return nil }
            let nowYear = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now).year ?? 2000
            var year = nowYear - nowYear % 100 + shortYear
            if year > nowYear + 50 { year -= 100 }
            return make(year: year, month: month, day: day, time: tokens[2])
        }
        if tokens.count == 5 {
            // asctime: Wkd Mon d time yyyy
            guard let month = month(tokens[1]), let day = Int(tokens[2]), tokens[4].count == 4,
                let year = Int(tokens[4])
            else { return nil }
            return make(year: year, month: month, day: day, time: tokens[3])
        }
        return nil
    }

    private static func month(_ name: String) -> Int? {
        guard name.count == 3, let index = months.firstIndex(of: name.lowercased()) else { return nil }
        return index + 1
    }

    private static func make(year: Int, month: Int, day: Int, time: String) -> Date? {
        let parts = time.split(separator: ":").map { Int($0) }
        guard parts.count == 3, let hour = parts[0], let minute = parts[1], let second = parts[2],
            (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second)
        else { return nil }
        let days = UTCDay.days(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
