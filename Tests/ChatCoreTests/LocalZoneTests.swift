import ChatCore
import Foundation
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

    @Test func textForms() {
        let parts = LocalZone.Parts(year: 2026, month: 3, day: 7, hour: 4, minute: 5, second: 9)
        #expect(parts.clock == "04:05:09" && parts.hourMinute == "04:05")
        #expect(parts.date == "2026-03-07" && parts.dateAndTime == "2026-03-07 04:05")
    }
}
