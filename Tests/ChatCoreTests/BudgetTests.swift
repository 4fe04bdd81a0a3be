import ChatCore
import Foundation
import Testing

@Suite struct BudgetTests {
    @Test func metersAndWarnings() {
        let budget = Budget(daily: 1, monthly: 20)
        let (meters, warnings) = budget.lines(spentToday: 0.42, spentThisMonth: 16.5, currency: .usd)
        #expect(meters == ["today ████░░░░░░ 42% of $1.00", "month ████████░░ 82% of $20.00"])
        #expect(warnings == ["82% of the monthly budget spent: $16.50 of $20.00."])
        let over = Budget(daily: 1).lines(spentToday: 1.5, spentThisMonth: 99, currency: .cny)
        #expect(over.meters == ["today ██████████ 150% of ¥1.00"])
        #expect(over.warnings == ["The daily budget is spent: ¥1.50 of ¥1.00."])
    }

    @Test func periodsStartAtLocalMidnightAndTheFirst() {
        let date = ISO8601DateFormatter().date(from: "2026-12-05T02:30:00Z")!
        let shanghai = Budget.periodStarts(at: date, in: .fixed(secondsFromGMT: 8 * 3_600))
        #expect(shanghai.day == ISO8601DateFormatter().date(from: "2026-12-04T16:00:00Z")!)
        #expect(shanghai.month == ISO8601DateFormatter().date(from: "2026-11-30T16:00:00Z")!)
        let utc = Budget.periodStarts(at: date, in: .utc)
        #expect(utc.day == ISO8601DateFormatter().date(from: "2026-12-05T00:00:00Z")!)
    }
}
