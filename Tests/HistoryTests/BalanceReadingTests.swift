import ChatCore
import Foundation
import History
import Testing

/// Balance readings (migration "balance_readings") in both histories, and the check that
/// compares a drop with the ledger.
@Suite("Balance readings")
struct BalanceReadingTests {
    static func time(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func readingsSurviveAReopenInTimeOrderPerEndpoint() throws {
        let fixture = try StoreFixture()
        let histories: [ChatHistory] = [fixture.store, InMemoryHistory()]
        for history in histories {
            try history.recordBalance(BalanceReading(time: Self.time("2026-12-01T10:00:00Z"), endpointHost: "api.deepseek.com",
                                                     currency: "USD", total: 109.5, granted: 0, toppedUp: 109.5))
            try history.recordBalance(BalanceReading(time: Self.time("2026-12-01T09:00:00Z"), endpointHost: "api.deepseek.com",
                                                     currency: "USD", total: 110, granted: 1, toppedUp: 109))
            try history.recordBalance(BalanceReading(time: Self.time("2026-12-01T09:30:00Z"), endpointHost: "127.0.0.1",
                                                     currency: "CNY", total: 5, resolution: 0.000001))
            let deepseek = try history.balanceReadings(endpointHost: "api.deepseek.com", limit: 10)
            #expect(deepseek.map(\.total) == [110, 109.5])
            #expect(deepseek[0].granted == 1 && deepseek[0].toppedUp == 109)
            #expect(try history.balanceReadings(endpointHost: nil, limit: 2).map(\.total) == [5, 109.5])
        }
        let reopened = try fixture.reopen()
        let local = try #require(try reopened.balanceReadings(endpointHost: "127.0.0.1", limit: 10).first)
        #expect(local.currency == "CNY" && local.resolution == 0.000001)
    }

    @Test func aDropIsComparedWithTheLedgerBetweenTwoReadings() {
        let from = BalanceReading(time: Self.time("2026-12-01T09:00:00Z"), endpointHost: "h", currency: "USD", total: 10, resolution: 0.0001)
        var to = from
        to.time = Self.time("2026-12-01T10:00:00Z")
        to.total = 10 - 0.0140
        func entry(_ at: String, cost: Double, host: String = "h") -> LedgerEntry {
            LedgerEntry(time: Self.time(at), endpointHost: host, endpointName: host, model: "deepseek-flash",
                        promptTokens: 100, cost: cost, currency: "USD")
        }
        let ledger = [entry("2026-12-01T09:10:00Z", cost: 0.0061), entry("2026-12-01T09:20:00Z", cost: 0.0060),
                      entry("2026-12-01T09:20:00Z", cost: 5, host: "other"), entry("2026-12-01T10:30:00Z", cost: 5)]
        let check = BalanceCheck(from: from, to: to, ledger: ledger)
        #expect(check.requests == 2)
        #expect(check.isMismatch)
        #expect(check.message == "account charged $0.014, ledger says $0.0121 — prices may be out of date, "
                + "or the account was used elsewhere (another key, --no-save)")
        // Within 5%: fine. Within the balance's rounding: fine.
        to.total = 10 - 0.0125
        #expect(!BalanceCheck(from: from, to: to, ledger: ledger).isMismatch)
        var coarse = from
        coarse.resolution = 0.01
        #expect(!BalanceCheck(from: coarse, to: BalanceReading(time: to.time, endpointHost: "h", currency: "USD", total: 9.99), ledger: ledger).isMismatch)
        // A top-up is not a charge.
        to.total = 20
        #expect(!BalanceCheck(from: from, to: to, ledger: ledger).isMismatch)
        // Costs in another currency are not compared.
        to.total = 9
        let cny = [LedgerEntry(time: Self.time("2026-12-01T09:10:00Z"), endpointHost: "h", endpointName: "h", model: "m",
                               promptTokens: 100, cost: 0.1, currency: "CNY")]
        #expect(BalanceCheck(from: from, to: to, ledger: cny).ledgerCost == nil)
        #expect(BalanceReading.resolution(of: "110.00") == 0.01)
        #expect(BalanceReading.resolution(of: "3.140000") == 0.000001)
    }
}
