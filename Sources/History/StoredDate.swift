import ChatCore
import Foundation
import GRDB

/// How the history writes and reads times: the text GRDB itself stores for a `Date`
/// ("yyyy-MM-dd HH:mm:ss.SSS" in UTC), made and read by arithmetic.
/// GRDB makes that text with a `DateFormatter` and reads it back through `Calendar`; on
/// Linux both start ICU, which cost `cachechat ask` about 2 ms and its process 3–5 MiB of
/// ICU's data just to store when a question was asked (DECISIONS 84). Rows written either
/// way read the same; anything not in this exact form is left to GRDB.
enum StoredDate {
    /// The stored text of `date` (what `date.databaseValue` is in GRDB), milliseconds rounded to the nearest.
    static func text(_ date: Date) -> String {
        // As GRDB's formatter computes it (CFDateFormatter adds half a millisecond, ICU then
        // truncates): milliseconds since 1970, to the nearest.
        let milliseconds = ((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000 + 0.5).rounded(.down)
        guard milliseconds.isFinite, abs(milliseconds) < 1e15 else { return String.fromDatabaseValue(date.databaseValue) ?? "" }
        let total = Int(milliseconds)
        let days = total >= 0 ? total / 86_400_000 : -((-total + 86_399_999) / 86_400_000)
        let inDay = total - days * 86_400_000
        let (year, month, day) = UTCDay.civil(days: days)
        // Before 1582-10-15 GRDB's calendar is Julian; its own formatter answers (never a
        // time this program stores).
        guard days >= gregorianStart, year <= 9999 else { return String.fromDatabaseValue(date.databaseValue) ?? "" }
        var bytes = [UInt8]()
        bytes.reserveCapacity(23)
        func put(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        put(year, 4); bytes.append(UInt8(ascii: "-")); put(month, 2); bytes.append(UInt8(ascii: "-")); put(day, 2)
        bytes.append(UInt8(ascii: " "))
        put(inDay / 3_600_000, 2); bytes.append(UInt8(ascii: ":")); put(inDay / 60_000 % 60, 2)
        bytes.append(UInt8(ascii: ":")); put(inDay / 1000 % 60, 2); bytes.append(UInt8(ascii: "."))
        put(inDay % 1000, 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 1582-10-15, the first day of the Gregorian calendar, in days from 1970.
    static let gregorianStart = UTCDay.days(year: 1582, month: 10, day: 15)

    /// The time a stored value means: the form `text` writes by arithmetic, anything else
    /// (an older or hand-written row, a number) as GRDB reads it.
    static func date(_ value: DatabaseValue) -> Date? {
        if case .string(let text) = value.storage, let date = parse(text) { return date }
        return Date.fromDatabaseValue(value)
    }

    /// The `Date` in `column` of `row`; a NULL or unreadable value is an error, as GRDB's
    /// `decode` makes it.
    static func decode(_ row: Row, _ column: String) throws -> Date {
        let value: DatabaseValue = row[column]
        if let date = date(value) { return date }
        return try row.decode(Date.self, forColumn: column)
    }

    /// "yyyy-MM-dd HH:mm:ss.SSS" exactly, with a valid date and time; nil otherwise.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count == 23, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: " "),
                  bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: ".") else { return nil }
            func number(_ start: Int, _ count: Int) -> Int? {
                var value = 0
                for index in start..<start + count {
                    let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let millisecond = number(20, 3),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
            let days = UTCDay.days(year: year, month: month, day: day)
            // A day past the month's end (Feb 30) is not a date, and before the Gregorian
            // calendar GRDB's is Julian: GRDB judges both.
            guard UTCDay.civil(days: days) == (year, month, day), days >= gregorianStart else { return nil }
            // As Foundation's Gregorian calendar adds them up for GRDB, to the last bit: the
            // day's start, plus the seconds into the day with their fraction. (Whole seconds
            // plus the fraction differed in the last bit for about 3 dates in 100,000.)
            let dayStart = days * 86_400 - 978_307_200
            let intoDay = Double((hour * 60 + minute) * 60 + second) + Double(millisecond) / 1000
            return Date(timeIntervalSinceReferenceDate: Double(dayStart) + intoDay)
        }
    }
}
