import Foundation
import Testing
@testable import ChatCore

/// `UTCDay` (arithmetic) against Foundation's Gregorian calendar in UTC, the oracle it
/// replaced in the price table.
@Suite("UTC days by arithmetic")
struct UTCDayTests {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test func agreesWithTheCalendarHourByHourForYears() {
        // Every 7 hours from 1969 to 2031: all weekdays, hours, month ends and leap days.
        var seconds = -365.0 * 86_400
        while seconds < 61 * 365 * 86_400 {
            let date = Date(timeIntervalSince1970: seconds)
            let parts = Self.calendar.dateComponents([.year, .month, .day, .hour, .weekday], from: date)
            #expect(UTCDay.weekday(of: date) == parts.weekday! - 1, "\(date)")
            #expect(UTCDay.hour(of: date) == parts.hour!, "\(date)")
            let civil = UTCDay.civil(days: UTCDay.days(of: date))
            #expect(civil == (parts.year!, parts.month!, parts.day!), "\(date)")
            if civil != (parts.year!, parts.month!, parts.day!) { return }
            seconds += 7 * 3_600
        }
    }

    @Test func daysAndDatesRoundTrip() {
        for (year, month, day) in [(1970, 1, 1), (2000, 2, 29), (2024, 12, 31), (2026, 8, 16), (2100, 3, 1), (1900, 2, 28)] {
            let date = UTCDay.date(year: year, month: month, day: day)
            #expect(date == Self.calendar.date(from: DateComponents(year: year, month: month, day: day)))
            #expect(UTCDay.string(of: date) == String(format: "%04d-%02d-%02d", year, month, day))
        }
        #expect(PriceTable.parseDay("2026-02-30") == nil)
        #expect(PriceTable.parseDay("2024-02-29") != nil && PriceTable.parseDay("2025-02-29") == nil)
    }
}
