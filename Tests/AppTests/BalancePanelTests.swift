import App
import ChatCore
import ChatWire
import Emulator
import Foundation
import TestSupport
import Testing

/// The panel's balance line: read at start and after requests, at most once a minute, kept
/// in the history, and compared with the ledger (more than 5% apart is said).
@Suite("Balance in the chat client")
struct BalancePanelTests {
    @Test func readAtStartThenAfterRequestsAtMostOnceAMinute() throws {
        let harness = try AppHarness(model: "deepseek-flash", fetchBalance: true)
        harness.start()
        #expect(harness.run { harness.state.balance != nil })
        #expect(harness.panel?.balance == "balance $100.000000 (granted $0.000000 · topped up $100.000000)")
        let started = harness.clock.uptime()
        harness.send("Hello")
        // Within a minute of the first reading: the next one waits for the minute to end.
        #expect(harness.state.balance?.reading.total == 100)
        #expect(harness.state.balanceDue != nil)
        #expect(harness.run { (harness.state.balance?.reading.total ?? 100) < 100 })
        #expect(harness.clock.uptime() - started >= 60)
        let readings = try harness.history.balanceReadings(endpointHost: nil, limit: 10)
        #expect(readings.count == 2)
        // The emulator charged what the ledger says: no warning.
        #expect(harness.state.balance?.mismatch == nil)
        #expect(harness.panel?.balanceMismatch == nil)
    }

    @Test func aChargeThatDiffersFromTheLedgerIsSaid() throws {
        var configuration = EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0)
        configuration.chargeFactor = 1.5
        let harness = try AppHarness(width: 100, height: 24, configuration: configuration, model: "deepseek-flash", fetchBalance: true)
        harness.start()
        #expect(harness.run { harness.state.balance != nil })
        harness.send("Hello")
        #expect(harness.run { harness.state.balance?.mismatch != nil })
        let mismatch = try #require(harness.state.balance?.mismatch)
        #expect(mismatch.hasPrefix("account charged $"))
        #expect(mismatch.contains("— prices may be out of date"))
        Snapshot.assertMatches(harness.frame, named: "mismatch")
    }
}
