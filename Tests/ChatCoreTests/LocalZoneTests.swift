import ChatCore
import Foundation
import TestSupport
import Testing

/// `LocalZone` (DECISIONS 85) against Foundation's `Calendar`, which it replaces on screen:
/// fixed offsets (half-hour ones too) and the process's own zone. Real zones with daylight
/// saving are checked through the binary (`HistoryLocalTimeTests`), with `TZ` set for it.
@Suite struct LocalZoneTests {
    static func dates() -> [Date] {
        var generator = SystemRandomNumberGenerator()
        return (0..<2_000).map { _ in Date(timeIntervalSince1970: Double.random(in: 0...4_102_444_800, using: &generator)) }
            + [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400), Date()]
    }

    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    static func expected(_ date: Date, _ calendar: Calendar) -> LocalZone.Parts {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return LocalZone.Parts(year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!)
    }

    @Test(arguments: [0, 8 * 3_600, -5 * 3_600, 19_800, -34_200, 45_900])
    func fixedOffsetsAgreeWithCalendar(_ offset: Int) throws {
        let zone = LocalZone.fixed(secondsFromGMT: offset)
        let calendar = Self.calendar(try #require(TimeZone(secondsFromGMT: offset)))
        for date in Self.dates() {
            let parts = zone.parts(of: date)
            #expect(parts == Self.expected(date, calendar), "\(date.timeIntervalSince1970)")
            #expect(zone.date(of: parts) == Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
            #expect(zone.startOfDay(date) == calendar.startOfDay(for: date))
            #expect(zone.startOfMonth(date) == calendar.date(from: calendar.dateComponents([.year, .month], from: date)))
        }
    }

    @Test func theSystemZoneAgreesWithCalendarsCurrentZone() {
        let calendar = Self.calendar(.current)
        for date in Self.dates() {
            #expect(LocalZone.system.parts(of: date) == Self.expected(date, calendar), "\(date.timeIntervalSince1970)")
            #expect(LocalZone.system.startOfDay(date) == calendar.startOfDay(for: date))
        }
    }

    /// Real daylight-saving rules, through the C library with `TZ` set — which only a new
    /// process reads, so this test runs itself in one per zone: New York; Havana, whose
    /// clocks go back from 01:00 to midnight (two midnights: the day starts at the first);
    /// Dublin, whose "daylight" time is its winter; Lord Howe, which moves by half an hour.
    /// POSIX rule strings, so that no tz database is needed; compared with Foundation's
    /// zones by name (ICU's data) every hour of 2025–2026 and on 300 random dates to 2036.
    @Test(arguments: [("EST5EDT,M3.2.0,M11.1.0", "America/New_York"), ("CST5CDT,M3.2.0/0,M11.1.0/1", "America/Havana"),
                      ("IST-1GMT0,M10.5.0,M3.5.0/1", "Europe/Dublin"), ("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", "Australia/Lord_Howe")])
    func daylightSavingZonesAgreeWithFoundation(_ rule: String, _ identifier: String) throws {
        if let child = ProcessInfo.processInfo.environment["CACHECHAT_LOCALZONE_CHILD"] {
            guard child == identifier else { return }
            let calendar = Self.calendar(try #require(TimeZone(identifier: identifier)))
            let start = 1_735_689_600.0  // 2025-01-01
            var dates = stride(from: start, to: start + 2 * 365 * 86_400, by: 3_600).map { Date(timeIntervalSince1970: $0 + 1_799) }
            var generator = SystemRandomNumberGenerator()
            dates += (0..<300).map { _ in Date(timeIntervalSince1970: Double.random(in: start...2_114_380_800, using: &generator)) }
            for date in dates {
                #expect(LocalZone.system.parts(of: date) == Self.expected(date, calendar), "\(identifier) \(date)")
                #expect(LocalZone.system.startOfDay(date) == calendar.startOfDay(for: date), "\(identifier) \(date)")
                #expect(LocalZone.system.startOfMonth(date) == calendar.date(from: calendar.dateComponents([.year, .month], from: date)),
                        "\(identifier) \(date)")
            }
            return
        }
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = rule
        environment["CACHECHAT_LOCALZONE_CHILD"] = identifier
        let child = try Spawn.run(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path,
                                  ["--testing-library", "swift-testing", "--filter", "daylightSavingZonesAgreeWithFoundation"],
                                  environment: environment, timeout: 300)
        let text = child.stdout + child.stderr
        #expect(child.status == 0, "\(identifier): \(text.suffix(2_000))")
        #expect(text.contains("daylightSavingZonesAgreeWithFoundation"), "the child ran the test: \(text.suffix(500))")
    }

    /// A stored time far outside any calendar (a hand-edited history) is shown at the
    /// limit, not a trap.
    @Test func timesOutOfRangeDoNotTrap() {
        for value in [-1e300, 1e300, Double.infinity, -Double.infinity, Double.nan] {
            let date = Date(timeIntervalSince1970: value)
            _ = LocalZone.utc.parts(of: date)
            _ = LocalZone.system.parts(of: date)
            _ = LocalZone.system.startOfDay(date)
        }
    }

    @Test func textForms() {
        let parts = LocalZone.Parts(year: 2026, month: 3, day: 7, hour: 4, minute: 5, second: 9)
        #expect(parts.clock == "04:05:09" && parts.hourMinute == "04:05")
        #expect(parts.date == "2026-03-07" && parts.dateAndTime == "2026-03-07 04:05")
    }
}
