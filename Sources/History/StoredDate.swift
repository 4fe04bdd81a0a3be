import ChatCore
import Foundation

/// How the history writes and reads times: the text GRDB stores for a `Date`
/// ("yyyy-MM-dd HH:mm:ss.SSS" in UTC), made and read by arithmetic. GRDB made that text
/// with a `DateFormatter` and read it back through `Calendar`; on Linux both start ICU,
/// which cost `cachechat ask` about 2 ms and its process 3–5 MiB of ICU's data (DECISIONS
/// 84). Since the store reads SQLite itself (DECISIONS 106), the other forms GRDB read
/// (an older or hand-written row) are read here too, as GRDB read them: "yyyy-MM-dd",
/// with " HH:mm", ":ss" and ".S"–".SSS…" (a "T" for the space, a "Z" or "±hh:mm" zone), out
/// of range fields carried over (Feb 30 is March 2), the Julian calendar before
/// 1582-10-15; and a number as seconds since 1970. The tests compare both with GRDB's.
enum StoredDate {
    /// The stored text of `date` (what GRDB's `date.databaseValue` was), milliseconds rounded to the nearest.
    static func text(_ date: Date) -> String {
        // As GRDB's formatter computes it (CFDateFormatter adds half a millisecond, ICU then
        // truncates): milliseconds since 1970, to the nearest.
        let milliseconds = ((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000 + 0.5).rounded(.down)
        // Outside the range of ICU's calendar, GRDB's formatter wrote "".
        guard milliseconds >= -184_303_902_528_000_000, milliseconds <= 183_882_168_921_600_000 else { return "" }
        let total = Int(milliseconds)
        let days = total >= 0 ? total / 86_400_000 : -((-total + 86_399_999) / 86_400_000)
        let inDay = total - days * 86_400_000
        // Before 1582-10-15 the calendar is Julian, and a year before 1 is written as
        // its year of the era (1 BC is 0001), as GRDB's formatter wrote them.
        var (year, month, day) = days >= gregorianStart ? UTCDay.civil(days: days) : julianCivil(days: days)
        if year <= 0 { year = 1 - year }
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
        put(year, max(4, String(year).count)); bytes.append(UInt8(ascii: "-")); put(month, 2); bytes.append(UInt8(ascii: "-")); put(day, 2)
        bytes.append(UInt8(ascii: " "))
        put(inDay / 3_600_000, 2); bytes.append(UInt8(ascii: ":")); put(inDay / 60_000 % 60, 2)
        bytes.append(UInt8(ascii: ":")); put(inDay / 1000 % 60, 2); bytes.append(UInt8(ascii: "."))
        put(inDay % 1000, 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 1582-10-15, the first day of the Gregorian calendar, in days from 1970.
    static let gregorianStart = UTCDay.days(year: 1582, month: 10, day: 15)

    /// The time a stored value means: the form `text` writes by arithmetic, the other
    /// forms GRDB read (`lenient`), a number as seconds since 1970; nil otherwise.
    static func date(_ value: SQLValue) -> Date? {
        switch value {
        case .text(let text): return parse(text) ?? lenient(text)
        case .blob(let bytes): return String(validating: bytes, as: UTF8.self).flatMap { parse($0) ?? lenient($0) }
        // `parse` takes the exact 23 bytes only; `lenient` stops at a NUL, as GRDB did.
        case .integer(let number): return Date(timeIntervalSince1970: Double(number))
        case .real(let number): return Date(timeIntervalSince1970: number)
        case .null: return nil
        }
    }

    /// The `Date` in `column` of `row`; a NULL or unreadable value is an error.
    static func decode(_ row: SQLRow, _ column: String) throws -> Date {
        let value = row[column]
        if let date = date(value) { return date }
        throw SQLiteError(message: "could not read a date from \(value) in column \(column)")
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
            // calendar is Julian: `lenient` judges both.
            guard UTCDay.civil(days: days) == (year, month, day), days >= gregorianStart else { return nil }
            // As Foundation's Gregorian calendar adds them up for GRDB, to the last bit: the
            // day's start, plus the seconds into the day with their fraction. (Whole seconds
            // plus the fraction differed in the last bit for about 3 dates in 100,000.)
            let dayStart = days * 86_400 - 978_307_200
            let intoDay = Double((hour * 60 + minute) * 60 + second) + Double(millisecond) / 1000
            return Date(timeIntervalSinceReferenceDate: Double(dayStart) + intoDay)
        }
    }

    /// The forms GRDB's date parser took, with fields past their range carried over and the
    /// Julian calendar before the Gregorian one, as Foundation's calendar computed them. The
    /// parser is GRDB's, step for step: it reads the text up to a NUL (a C string), and what
    /// a failed zone consumed stays consumed ("10:00+1:30" is 10:00:30).
    static func lenient(_ text: String) -> Date? {
        var parser = DateTextParser(Array(text.utf8.prefix { $0 != 0 }))
        guard parser.bytes.count >= 10, let year = parser.digits(4), parser.literal("-"), let month = parser.digits(2),
              parser.literal("-"), let day = parser.digits(2) else { return nil }
        var hour = 0, minute = 0, second = 0, nanosecond = 0
        if !parser.atEnd {
            guard parser.literal(" ") || parser.literal("T"), let h = parser.digits(2), parser.literal(":"),
                  let m = parser.digits(2) else { return nil }
            (hour, minute) = (h, m)
            if !(parser.atEnd || parser.zone()) {
                guard parser.literal(":"), let s = parser.digits(2) else { return nil }
                second = s
                if !(parser.atEnd || parser.zone()) {
                    // One to three digits of fraction; more are read and dropped.
                    guard parser.literal("."), let first = parser.digits(1) else { return nil }
                    nanosecond = first * 100_000_000
                    if !(parser.atEnd || parser.zone()) {
                        guard let second = parser.digits(1) else { return nil }
                        nanosecond += second * 10_000_000
                        if !(parser.atEnd || parser.zone()) {
                            guard let third = parser.digits(1) else { return nil }
                            nanosecond += third * 1_000_000
                            while parser.digits(1) != nil {}
                            _ = parser.zone()
                        }
                    }
                }
            }
        }
        guard parser.atEnd else { return nil }
        let days = hybridDays(year: year, month: month, day: day)
        let intoDay = Double((hour * 60 + minute) * 60 + second - parser.zoneOffset) + Double(nanosecond) / 1e9
        return Date(timeIntervalSinceReferenceDate: Double(days * 86_400 - 978_307_200) + intoDay)
    }

    /// GRDB's date text parser: each step consumes what it matched, also when it fails.
    struct DateTextParser {
        let bytes: [UInt8]
        var position = 0
        /// The zone's offset from UTC in seconds; 0 without one, or past ±18:00 (which
        /// Foundation's `TimeZone` refuses, leaving the time in UTC).
        var zoneOffset = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        /// `count` digits, each consumed as it is read.
        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else { return nil }
                value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                position += 1
            }
            return value
        }

        mutating func literal(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        /// "Z", "+hh:mm" or "-hh:mm" after a time.
        mutating func zone() -> Bool {
            if literal("Z") { zoneOffset = 0; return true }
            for (sign, factor) in [("+", 1), ("-", -1)] as [(Unicode.Scalar, Int)] {
                if literal(sign), let hours = digits(2), literal(":"), let minutes = digits(2) {
                    let offset = factor * (hours * 3600 + minutes * 60)
                    zoneOffset = abs(offset) <= 18 * 3600 ? offset : 0
                    return true
                }
            }
            return false
        }
    }

    /// Days from 1970 of a date in the calendar Foundation's Gregorian calendar is: Julian
    /// before 1582-10-15. The month is carried into the year and the day added on, and a
    /// date on the wrong side of the change is counted again in the other calendar.
    static func hybridDays(year: Int, month: Int, day: Int) -> Int {
        let carried = month - 1
        let yearsCarried = carried >= 0 ? carried / 12 : -((-carried + 11) / 12)
        let normalizedYear = year + yearsCarried
        let normalizedMonth = carried - yearsCarried * 12 + 1
        let gregorian = normalizedYear >= 1582
        let first = gregorian ? UTCDay.days(year: normalizedYear, month: normalizedMonth, day: 1)
                              : julianDays(year: normalizedYear, month: normalizedMonth, day: 1)
        let days = first + day - 1
        guard gregorian != (days >= gregorianStart) else { return days }
        return (gregorian ? julianDays(year: normalizedYear, month: normalizedMonth, day: 1)
                          : UTCDay.days(year: normalizedYear, month: normalizedMonth, day: 1)) + day - 1
    }

    /// Days from 1970-01-01 (Gregorian) of a Julian calendar date.
    static func julianDays(year: Int, month: Int, day: Int) -> Int {
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        let yearDays = 365 * y + (y >= 0 ? y / 4 : (y - 3) / 4)
        return day + (153 * m + 2) / 5 + yearDays - 32_083 - 2_440_588
    }

    /// The Julian calendar date `days` after 1970-01-01 (Gregorian).
    static func julianCivil(days: Int) -> (year: Int, month: Int, day: Int) {
        let c = days + 2_440_588 + 32_082
        let d = (4 * c + 3 >= 0 ? (4 * c + 3) / 1461 : (4 * c + 3 - 1460) / 1461)
        let e = c - (1461 * d >= 0 ? 1461 * d / 4 : (1461 * d - 3) / 4)
        let m = (5 * e + 2) / 153
        let day = e - (153 * m + 2) / 5 + 1
        let month = m + 3 - 12 * (m / 10)
        return (d - 4800 + m / 10, month, day)
    }
}
