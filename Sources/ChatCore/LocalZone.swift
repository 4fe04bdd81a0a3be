#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Wall-clock time where the user is, without Foundation's `TimeZone` and `Calendar`: on
/// Linux they start ICU, which cost the TUI 0.8 ms of its launch and 4 MiB of ICU's data
/// resident for the "14:02" beside each message (DECISIONS 85). `system` asks the C
/// library (`TZ`, else /etc/localtime: the rules `date` uses, daylight saving included);
/// `fixed` is an offset, for tests and for UTC.
public struct LocalZone: Sendable, Equatable {
    private enum Kind: Sendable, Equatable {
        case system
        case fixed(seconds: Int)
    }

    private let kind: Kind

    /// The process's zone, as `localtime` sees it.
    public static let system = LocalZone(kind: .system)
    public static let utc = LocalZone(kind: .fixed(seconds: 0))

    /// A zone `secondsFromGMT` ahead of UTC all year.
    public static func fixed(secondsFromGMT: Int) -> LocalZone { LocalZone(kind: .fixed(seconds: secondsFromGMT)) }

    /// A local date and time, to the second.
    public struct Parts: Sendable, Equatable {
        public var year, month, day, hour, minute, second: Int

        public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
            (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
        }

        /// "14:02".
        public var hourMinute: String { "\(Self.two(hour)):\(Self.two(minute))" }
        /// "14:02:37".
        public var clock: String { "\(hourMinute):\(Self.two(second))" }
        /// "2026-12-05".
        public var date: String { "\(year)-\(Self.two(month))-\(Self.two(day))" }
        /// "2026-12-05 14:02".
        public var dateAndTime: String { "\(date) \(hourMinute)" }

        private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    }

    /// The local date and time of `date` (its fraction of a second dropped).
    public func parts(of date: Date) -> Parts {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        switch kind {
        case .fixed(let offset):
            let local = seconds + offset
            let days = local >= 0 ? local / 86_400 : -((-local + 86_399) / 86_400)
            let (year, month, day) = UTCDay.civil(days: days)
            let inDay = local - days * 86_400
            return Parts(year: year, month: month, day: day, hour: inDay / 3_600, minute: inDay / 60 % 60, second: inDay % 60)
        case .system:
            var time = time_t(seconds)
            var fields = tm()
            guard localtime_r(&time, &fields) != nil else { return LocalZone.utc.parts(of: date) }
            return Parts(year: Int(fields.tm_year) + 1900, month: Int(fields.tm_mon) + 1, day: Int(fields.tm_mday),
                         hour: Int(fields.tm_hour), minute: Int(fields.tm_min), second: Int(fields.tm_sec))
        }
    }

    /// The instant local `parts` happen (a time skipped or repeated by a daylight-saving
    /// change resolves as the C library's `mktime` resolves it).
    public func date(of parts: Parts) -> Date {
        switch kind {
        case .fixed(let offset):
            let days = UTCDay.days(year: parts.year, month: parts.month, day: parts.day)
            return Date(timeIntervalSince1970: Double(days * 86_400 + parts.hour * 3_600 + parts.minute * 60 + parts.second - offset))
        case .system:
            var fields = tm()
            fields.tm_year = Int32(parts.year - 1900)
            fields.tm_mon = Int32(parts.month - 1)
            fields.tm_mday = Int32(parts.day)
            fields.tm_hour = Int32(parts.hour)
            fields.tm_min = Int32(parts.minute)
            fields.tm_sec = Int32(parts.second)
            fields.tm_isdst = -1
            return Date(timeIntervalSince1970: Double(mktime(&fields)))
        }
    }

    /// Local midnight at the start of `date`'s day.
    public func startOfDay(_ date: Date) -> Date {
        let local = parts(of: date)
        return self.date(of: Parts(year: local.year, month: local.month, day: local.day))
    }

    /// Local midnight on the first of `date`'s month.
    public func startOfMonth(_ date: Date) -> Date {
        let local = parts(of: date)
        return self.date(of: Parts(year: local.year, month: local.month, day: 1))
    }
}
