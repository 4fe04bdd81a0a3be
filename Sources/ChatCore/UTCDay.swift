import Foundation

/// Calendar days in UTC by arithmetic (the proleptic Gregorian calendar, Howard Hinnant's
/// `days_from_civil` and `civil_from_days`): what the price table needs — the day of a
/// date, its weekday and hour, a `YYYY-MM-DD` — without Foundation's `Calendar`, which on
/// Linux starts ICU (about a millisecond and 3 MiB of its data read at launch) and cost
/// tens of microseconds per call while the panel's peak line was computed every frame.
/// HTTP dates (`Retry-After`) use it too.
public enum UTCDay {
    /// Days from 1970-01-01 to `year-month-day` (negative before it).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date `days` after 1970-01-01.
    public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The day `date` falls on, as days from 1970-01-01.
    static func days(of date: Date) -> Int { Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }

    /// Midnight UTC of `year-month-day`.
    static func date(year: Int, month: Int, day: Int) -> Date {
        Date(timeIntervalSince1970: Double(days(year: year, month: month, day: day)) * 86_400)
    }

    /// 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    static func weekday(of date: Date) -> Int { ((days(of: date) + 4) % 7 + 7) % 7 }

    /// The hour of the day, 0–23.
    static func hour(of date: Date) -> Int {
        let seconds = date.timeIntervalSince1970 - Double(days(of: date)) * 86_400
        return min(23, max(0, Int(seconds / 3_600)))
    }

    /// `YYYY-MM-DD`.
    static func string(of date: Date) -> String {
        let (year, month, day) = civil(days: days(of: date))
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(pad(month))-\(pad(day))"
    }

    /// "2026-12-05T12:55:11Z", as JSONEncoder's `.iso8601` writes it (whole seconds, UTC)
    /// without the formatter, which starts ICU.
    public static func iso8601(_ date: Date) -> String {
        let value = date.timeIntervalSince1970
        let seconds = Int(value.isFinite ? min(max(value.rounded(.down), -1e13), 1e13) : 0)
        let day = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let (year, month, dayOfMonth) = civil(days: day)
        // Foundation's ISO calendar is Julian before the Gregorian reform; its formatter
        // answers outside 1583...9999 (never a time this program writes).
        guard (1583...9999).contains(year) else { return ISO8601DateFormatter().string(from: date) }
        let inDay = seconds - day * 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(dayOfMonth))T\(two(inDay / 3_600)):\(two(inDay / 60 % 60)):\(two(inDay % 60))Z"
    }

    /// "2026-12-05T12:55:11Z", with or without a fraction of a second ("…:11.250Z"); nil for
    /// any other form (offsets, week dates: Foundation's parser reads those).
    public static func parseISO8601(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        var fraction = 0.0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 21, bytes.count <= 30, let digits = number(20..<(bytes.count - 1)) else { return nil }
            var scale = 1.0
            for _ in 20..<(bytes.count - 1) { scale *= 10 }
            fraction = Double(digits) / scale
        }
        let days = self.days(year: year, month: month, day: day)
        guard civil(days: days) == (year, month, day), year >= 1583 else { return nil }
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second) + fraction)
    }
}
