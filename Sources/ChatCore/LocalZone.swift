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

    /// Seconds from 1970 this type works with: about ±317,000 years (a stored time
    /// outside them is shown at the limit rather than trapping).
    static let limit = 10_000_000_000_000.0

    /// The local date and time of `date` (its fraction of a second dropped).
    public func parts(of date: Date) -> Parts {
        let value = date.timeIntervalSince1970
        let seconds = Int(value.isNaN ? 0 : min(max(value.rounded(.down), -Self.limit), Self.limit))
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

    /// The instant local `parts` happen: the first of the two when a daylight-saving change
    /// repeats them (as `Calendar` answers: a zone whose clocks go back from 01:00 to 00:00
    /// has two midnights, and a budget's day starts at the first); a time the change skips
    /// resolves as the C library's `mktime` resolves it.
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
            // mktime with tm_isdst = -1 picks one of two repeated times by what it saw last;
            // asking for standard and for daylight time gives both, and the earlier that
            // really shows these parts wins.
            var candidates: [time_t] = []
            for isDST: Int32 in [-1, 0, 1] {
                var asked = fields
                asked.tm_isdst = isDST
                let time = mktime(&asked)
                if self.parts(of: Date(timeIntervalSince1970: Double(time))) == parts {
                    candidates.append(time)
                }
            }
            var asked = fields
            asked.tm_isdst = -1
            return Date(timeIntervalSince1970: Double(candidates.min() ?? mktime(&asked)))
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
