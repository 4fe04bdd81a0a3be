import Foundation
import GRDB
import Testing
@testable import History

/// The history's own date text and parsing (DECISIONS 84) against GRDB's, which they
/// replace: the same text for a date, the same date for a text.
@Suite struct StoredDateTests {
    /// Dates from 1970 to 2200, half of them on exact milliseconds, just below one or
    /// half-way (where truncation and rounding differ), and the day and year boundaries.
    static func samples() -> [Date] {
        var generator = SystemRandomNumberGenerator()
        var dates: [Date] = []
        for _ in 0..<2_500 {
            let seconds = Double.random(in: 0...7_258_118_400, using: &generator)
            dates.append(Date(timeIntervalSince1970: seconds))
            let milliseconds = (seconds * 1000).rounded(.down)
            dates.append(Date(timeIntervalSince1970: milliseconds / 1000))
            dates.append(Date(timeIntervalSince1970: milliseconds / 1000 - 0.000_000_1))
            dates.append(Date(timeIntervalSince1970: (milliseconds + 0.5) / 1000))
        }
        for text in ["1970-01-01 00:00:00.000", "1999-12-31 23:59:59.999", "2000-02-29 12:00:00.500",
                     "2026-12-05 00:00:00.000", "2100-03-01 00:00:00.001"] {
            dates.append(Date.fromDatabaseValue(text.databaseValue)!)
        }
        dates.append(Date(timeIntervalSinceReferenceDate: 0))
        dates.append(Date())
        return dates
    }

    @Test func theTextIsGRDBsText() {
        for date in Self.samples() {
            #expect(StoredDate.text(date) == String.fromDatabaseValue(date.databaseValue), "\(date.timeIntervalSince1970)")
        }
    }

    @Test func theDateIsGRDBsDate() {
        for date in Self.samples() {
            let text = StoredDate.text(date)
            let ours = StoredDate.parse(text)
            #expect(ours != nil && ours == Date.fromDatabaseValue(text.databaseValue), "\(text)")
        }
    }

    /// Before 1582-10-15 GRDB's calendar is Julian: those go to GRDB both ways.
    @Test(arguments: ["1582-10-14 23:59:59.999", "1582-10-10 00:00:00.000", "0800-06-01 12:00:00.000", "1582-10-15 00:00:00.000",
                      "1600-02-29 00:00:00.000", "1969-12-31 23:59:59.999"])
    func datesAroundTheGregorianStartMatchGRDB(_ text: String) throws {
        let grdb = try #require(Date.fromDatabaseValue(text.databaseValue))
        #expect(StoredDate.date(text.databaseValue) == grdb)
        #expect(StoredDate.text(grdb) == String.fromDatabaseValue(grdb.databaseValue))
    }

    @Test(arguments: ["2026-02-30 10:00:00.000", "2026-13-01 10:00:00.000", "2026-12-05 24:00:00.000", "2026-12-05 10:00:00",
                      "2026-12-05T10:00:00.000", "2026-12-05 10:00:00.00x", "２026-12-05 10:00:00.000", ""])
    func otherTextIsLeftToGRDB(_ text: String) {
        #expect(StoredDate.parse(text) == nil)
        #expect(StoredDate.date(text.databaseValue) == Date.fromDatabaseValue(text.databaseValue))
    }

    @Test func numbersAndNullAreReadAsGRDBReadsThem() throws {
        #expect(StoredDate.date(1_700_000_000.5.databaseValue) == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(StoredDate.date(.null) == nil)
        let queue = try DatabaseQueue()
        let row = try queue.read { try Row.fetchOne($0, sql: "SELECT NULL AS t, 'soon' AS u")! }
        #expect(throws: (any Error).self) { try StoredDate.decode(row, "t") }
        #expect(throws: (any Error).self) { try StoredDate.decode(row, "u") }
    }
}
