import Foundation

/// Chinese public holidays, dated: DeepSeek's peak hours exclude them (docs/PRICES.md).
///
/// Days are calendar days in China. Peak windows (01:00–10:00 UTC) fall on the same
/// calendar day in Beijing (09:00–18:00), so a UTC date is looked up as it is.
/// Make-up working days (a Saturday worked in exchange) are not listed: DeepSeek's rule is
/// "Monday to Friday", so they stay off-peak (not verified against the live API).
public struct ChineseHolidays: Sendable, Equatable {
    public struct Holiday: Sendable, Equatable {
        public var name: String
        /// First and last day off, `YYYY-MM-DD`, inclusive.
        public var first: String
        public var last: String
    }

    public var holidays: [Holiday]
    /// Years the table covers completely; a date outside them is treated as an ordinary day.
    public var years: ClosedRange<Int>
    public var source: String

    /// 2026: State Council General Office notice of 2025-11-04 (Xinhua). The 2027 schedule
    /// is not in the table: it is published each November and could not be checked here.
    public static let builtIn = ChineseHolidays(holidays: [
        Holiday(name: "New Year's Day", first: "2026-01-01", last: "2026-01-03"),
        Holiday(name: "Spring Festival", first: "2026-02-15", last: "2026-02-23"),
        Holiday(name: "Qingming Festival", first: "2026-04-04", last: "2026-04-06"),
        Holiday(name: "Labour Day", first: "2026-05-01", last: "2026-05-05"),
        Holiday(name: "Dragon Boat Festival", first: "2026-06-19", last: "2026-06-21"),
        Holiday(name: "Mid-Autumn Festival", first: "2026-09-25", last: "2026-09-27"),
        Holiday(name: "National Day", first: "2026-10-01", last: "2026-10-07"),
    ], years: 2026...2026,
    source: "State Council General Office, notice on the 2026 holiday schedule, 2025-11-04 (Xinhua)")

    /// The holiday `date` (UTC calendar day) falls in, if any.
    public func holiday(on date: Date) -> Holiday? {
        let day = PriceTable.dayString(date)
        return holidays.first { $0.first <= day && day <= $0.last }
    }
}
