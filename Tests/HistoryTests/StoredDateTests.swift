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
        #expect(StoredDate.date(.text(text)) == grdb)
        #expect(StoredDate.text(grdb) == String.fromDatabaseValue(grdb.databaseValue))
    }

    @Test(arguments: ["2026-02-30 10:00:00.000", "2026-13-01 10:00:00.000", "2026-12-05 24:00:00.000", "2026-12-05 10:00:00",
                      "2026-12-05T10:00:00.000", "2026-12-05 10:00:00.00x", "２026-12-05 10:00:00.000", ""])
    func otherTextIsLeftToGRDB(_ text: String) {
        #expect(StoredDate.parse(text) == nil)
        #expect(StoredDate.date(.text(text)) == Date.fromDatabaseValue(text.databaseValue))
    }

    @Test func numbersAndNullAreReadAsGRDBReadsThem() throws {
        #expect(StoredDate.date(.real(1_700_000_000.5)) == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(StoredDate.date(.null) == nil)
        let queue = SQLQueue(try SQLDatabase(path: ":memory:", readOnly: false))
        let row = try queue.read { try SQLRow.fetchOne($0, sql: "SELECT NULL AS t, 'soon' AS u")! }
        #expect(throws: (any Error).self) { try StoredDate.decode(row, "t") }
        #expect(throws: (any Error).self) { try StoredDate.decode(row, "u") }
    }

    /// The other forms GRDB read (a hand-written or older row) read as GRDB reads them:
    /// every field width and separator, zones, fields past their range carried over, and
    /// dates on both sides of the Gregorian start.
    @Test func otherFormsAreReadAsGRDBReadsThem() throws {
        var generator = SystemRandomNumberGenerator()
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        func four(_ value: Int) -> String { String(repeating: "0", count: max(0, 4 - String(value).count)) + "\(value)" }
        var texts: [String] = ["1582-10-04", "1582-10-05 12:00", "1582-10-14 23:59:59", "1582-10-15T00:00:00Z", "1582-12-40",
                               "1583-00-10 10:00", "0001-01-01", "0000-03-01 00:00:00.5", "9999-12-31 23:59:59.9999999",
                               "2026-12-05 10:00:00.123+05:30", "2026-12-05 10:00-08:00", "2026-12-05T10:00:00.1Z",
                               "2026-12-05 10:00:00.12x", "2026-12-05 10:00:00+5:30", "2026-12-05 10", "2026-12-05 ",
                               "12:30", "12:30:00.000", "2026/12/05", "2026-12-05 10:00:00.000Z "]
        for _ in 0..<3_000 {
            let year = Int.random(in: 0...9999, using: &generator)
            let month = Int.random(in: 0...19, using: &generator)
            let day = Int.random(in: 0...45, using: &generator)
            let hour = Int.random(in: 0...29, using: &generator)
            let minute = Int.random(in: 0...69, using: &generator)
            let second = Int.random(in: 0...69, using: &generator)
            var text = "\(four(year))-\(two(month))-\(two(day))"
            let shape = Int.random(in: 0...5, using: &generator)
            if shape > 0 { text += (Bool.random(using: &generator) ? " " : "T") + "\(two(hour)):\(two(minute))" }
            if shape > 1 { text += ":\(two(second))" }
            if shape > 2 { text += "." + String(Int.random(in: 0...9_999_999, using: &generator)).prefix(shape - 2 + (shape == 5 ? 3 : 0)) }
            switch Int.random(in: 0...3, using: &generator) {
            case 1: text += "Z"
            case 2: text += (Bool.random(using: &generator) ? "+" : "-") + "\(two(Int.random(in: 0...14, using: &generator))):\(two(Int.random(in: 0...59, using: &generator)))"
            default: break
            }
            texts.append(text)
        }
        var differences: [String] = []
        var read = 0
        for text in texts {
            let grdb = Date.fromDatabaseValue(text.databaseValue)
            if grdb != nil { read += 1 }
            let ours = StoredDate.date(.text(text))
            if ours != grdb { differences.append("\(text): \(ours.map { "\($0.timeIntervalSinceReferenceDate)" } ?? "nil") against \(grdb.map { "\($0.timeIntervalSinceReferenceDate)" } ?? "nil")") }
        }
        #expect(differences.isEmpty, "\(differences.count) of \(texts.count): \(differences.prefix(10))")
        #expect(read > texts.count / 2, "most of the samples are dates: \(read) of \(texts.count)")
    }

    /// Dates GRDB's formatter wrote in the Julian calendar, or with a year of the era (BC),
    /// or with five digits: the same text.
    @Test func textOutsideTheUsualYearsIsGRDBsText() {
        var dates: [Date] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // From 3000 BC to AD 1700, and past 9999.
            dates.append(Date(timeIntervalSince1970: Double.random(in: -156_000_000_000 ... -8_500_000_000, using: &generator)))
            dates.append(Date(timeIntervalSince1970: Double.random(in: 253_402_300_800...400_000_000_000, using: &generator)))
        }
        var differences: [String] = []
        for date in dates where StoredDate.text(date) != String.fromDatabaseValue(date.databaseValue) {
            differences.append("\(date.timeIntervalSince1970): \(StoredDate.text(date)) against \(String.fromDatabaseValue(date.databaseValue) ?? "nil")")
        }
        #expect(differences.isEmpty, "\(differences.count) of \(dates.count): \(differences.prefix(10))")
    }

    /// GRDB's parser keeps what a failed zone consumed, ignores zones past ±18:00 (which
    /// `TimeZone` refuses) and stops at a NUL: the same dates (found by review).
    @Test(arguments: ["2026-12-05 10:00+:30", "2026-12-05 10:00+1:30", "2026-12-05 10:00:00+.5", "2026-12-05 10:00:00.123+",
                      "2026-12-05 10:00:00.123+05", "2026-12-05 10:00:00.1+123", "2026-12-05 10:00+-05:00",
                      "2026-12-05 10:00+18:00", "2026-12-05 10:00+18:01", "2026-12-05 10:00+19:00", "2026-12-05 10:00-23:59",
                      "2026-12-05 10:00+99:99", "2026-12-05\u{0}junk", "2026-12-05 10:00:00.000\u{0}", "2026-12-05 10:00:00.000\u{0}x"])
    func zonesAndNULsAreReadAsGRDBReadsThem(_ text: String) {
        let grdb = Date.fromDatabaseValue(text.databaseValue)
        #expect(grdb != nil || text.contains("+:") || text.contains("+-"))
        #expect(StoredDate.date(.text(text)) == grdb, "\(text.debugDescription)")
    }

    /// Dates at the edges of what GRDB's formatter could write (ICU's calendar range).
    @Test(arguments: [1e12, 1e13, 9.9e13, 1e14, 1.8e14, 1.85e14, 1e15, -1e14, -1.8e14, -1.85e14, -1e15, Double.infinity, -Double.infinity, Double.nan])
    func farOutDatesAreWrittenAsGRDBWroteThem(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(StoredDate.text(date) == String.fromDatabaseValue(date.databaseValue), "\(seconds)")
    }
}

