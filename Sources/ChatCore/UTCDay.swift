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
}
