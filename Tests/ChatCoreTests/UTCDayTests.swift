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

/// state.json's dates without Foundation's ISO 8601 formatter: the same text as JSONEncoder's
/// `.iso8601`, and that text (with or without a fraction) read back.
@Suite struct ISO8601TextTests {
    @Test func theTextIsJSONEncodersAndReadsBack() throws {
        var generator = SystemRandomNumberGenerator()
        let dates = (0..<3_000).map { _ in Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...7_000_000_000, using: &generator)) }
            + [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.5), Date(timeIntervalSince1970: 951_782_400.999)]
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        for date in dates {
            let foundation = try #require(String(decoding: encoder.encode([date]), as: UTF8.self).split(separator: "\"").dropFirst().first)
            #expect(UTCDay.iso8601(date) == String(foundation), "\(date.timeIntervalSince1970)")
            #expect(UTCDay.parseISO8601(String(foundation)) == Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
        }
        let whole = try #require(UTCDay.parseISO8601("2026-12-05T12:55:11Z"))
        #expect(whole == ISO8601DateFormatter().date(from: "2026-12-05T12:55:11Z"))
        #expect(UTCDay.parseISO8601("2026-12-05T12:55:11.250Z") == whole.addingTimeInterval(0.25))
        // Before the Gregorian reform Foundation's ISO calendar is Julian: its formatter and
        // parser answer there, both ways.
        let early = Date(timeIntervalSince1970: -15_000_000_000)
        let foundationText = ISO8601DateFormatter().string(from: early)
        #expect(UTCDay.iso8601(early) == foundationText)
        #expect(UTCDay.parseISO8601(foundationText) == nil)
        for text in ["2026-12-05T12:55:11+01:00", "2026-02-30T00:00:00Z", "2026-12-05 12:55:11Z", "2026-12-05T12:55:11.Z", ""] {
            #expect(UTCDay.parseISO8601(text) == nil, "\(text)")
        }
    }
}
