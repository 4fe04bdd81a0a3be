import Foundation
import TestSupport
import Testing

/// Local times come from the C library's zone rules (`LocalZone.system`, no ICU): the
/// binary run with `TZ` set shows what Foundation's `TimeZone` says for that zone —
/// daylight saving and a half-hour offset included. POSIX rule strings, so that no tz
/// database is needed on the machine.
@Suite("Local times in the history")
struct HistoryLocalTimeTests {
    @Test(arguments: [("EST5EDT,M3.2.0,M11.1.0", "America/New_York"), ("IST-5:30", "Asia/Kolkata"), ("UTC0", "UTC")])
    func historyListShowsTheLastActivityInTheZone(_ tz: String, _ identifier: String) throws {
        let home = try CachechatProcess.temporaryHome()
        let env = CachechatProcess.environment(home: home, extra: ["TZ": tz])
        let before = Date()
        let ask = try CachechatProcess.run(["ask", "What time is it?"], environment: env)
        #expect(ask.status == 0, "\(ask.stderr)")
        let after = Date()
        let list = try CachechatProcess.run(["history", "list"], environment: env)
        #expect(list.status == 0, "\(list.stderr)")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: identifier))
        func text(_ date: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
        }
        let row = try #require(list.stdout.split(separator: "\n").dropFirst().first.map(String.init))
        #expect(row.contains(text(before)) || row.contains(text(after)), "\(tz): \(row)")
    }
}
