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

    static func remembered(_ reading: BalanceReading, maskedKey: String = "sk-…test") -> InMemoryRememberedStateStore {
        var state = RememberedState()
        state.balances = [RememberedState.balanceKey(endpointIdentity: Endpoint.builtInName, account: maskedKey): reading]
        return InMemoryRememberedStateStore(state)
    }

    static func failing(_ request: HTTPRequest) -> [InMemoryTransport.Step] { [.event(.head(status: 503, headers: [:])), .event(.finished)] }

    /// The last reading for this endpoint and key is on the first frame; the reading asked
    /// for at start replaces it (and is remembered), and when the balance did not change
    /// the screen does not either.
    @Test func theLastReadingIsOnTheFirstFrameAndAnUnchangedOneChangesNothing() throws {
        let store = Self.remembered(BalanceReading(time: AppHarness.start.addingTimeInterval(-120), endpointHost: "emulator.test",
                                                   currency: "USD", total: 100, granted: 0, toppedUp: 100, resolution: 0.000001))
        let harness = try AppHarness(model: "deepseek-flash", remembered: store, fetchBalance: true)
        harness.runtime.start()
        let first = harness.text
        #expect(harness.panel?.balance == "balance $100.000000 (granted $0.000000 · topped up $100.000000)")
        harness.session.settle()
        #expect(try harness.history.balanceReadings(endpointHost: nil, limit: 10).count == 1, "the fresh reading was taken and kept")
        #expect(harness.text == first)
        #expect(store.state.balances?.values.first?.time == AppHarness.start, "the fresh reading is remembered")
    }

    /// Accounts are told apart by a digest of the whole key, not the masked one.
    @Test func accountTagsTellKeysThatMaskAlikeApart() {
        let a = RememberedState.accountTag(ofKey: "sk-aaaaaaaa1234"), b = RememberedState.accountTag(ofKey: "sk-bbbbbbbb1234")
        #expect(a != b && a.hasPrefix("key-") && !a.contains("1234"))
        #expect(a == RememberedState.accountTag(ofKey: "sk-aaaaaaaa1234"))
        #expect(RememberedState.accountTag(ofKey: "") == "")
    }

    /// A draft restored at start stays on disk when the start's balance reading is saved
    /// (before, that save dropped it: a crash then lost the draft).
    @Test func aSaveDuringTheSessionKeepsTheDraftInTheEditor() throws {
        var state = RememberedState()
        state.drafts = ["new": "an unsent thought"]
        let store = InMemoryRememberedStateStore(state)
        let harness = try AppHarness(model: "deepseek-flash", remembered: store, fetchBalance: true)
        harness.start()
        #expect(harness.state.editor.text == "an unsent thought")
        #expect(store.saves >= 1, "the balance reading was saved")
        #expect(store.state.drafts["new"] == "an unsent thought")
        #expect(store.state.balances?.count == 1)
    }

    /// state.json keeps the last balances of a few dozen accounts, the newest.
    @Test func onlyTheNewestAccountsBalancesAreKept() throws {
        var state = RememberedState()
        state.balances = Dictionary(uniqueKeysWithValues: (0..<40).map { index in
            ("other|http://x:\(index)|key", BalanceReading(time: AppHarness.start.addingTimeInterval(Double(-index * 60)),
                                                          endpointHost: "x", currency: "USD", total: 1))
        })
        let store = InMemoryRememberedStateStore(state)
        let harness = try AppHarness(model: "deepseek-flash", remembered: store, fetchBalance: true)
        harness.start()
        let kept = try #require(store.state.balances)
        #expect(kept.count == 32)
        #expect(kept[RememberedState.balanceKey(endpointIdentity: Endpoint.builtInName, account: "sk-…test")] != nil)
        #expect(kept["other|http://x:0|key"] != nil && kept["other|http://x:39|key"] == nil)
    }

    /// Another key's reading (another account on the same endpoint) is never shown.
    @Test func anotherKeysReadingIsNotShown() throws {
        let store = Self.remembered(BalanceReading(time: AppHarness.start - 120, endpointHost: "emulator.test",
                                                   currency: "USD", total: 42.5), maskedKey: "sk-…else")
        let harness = try AppHarness(model: "deepseek-flash", respond: Self.failing, remembered: store, fetchBalance: true)
        harness.start()
        #expect(harness.panel?.balance == nil)
    }

    /// A harness whose remembered balance ($42.50) was read `age` seconds before the start,
    /// against an endpoint that answers balance requests with `respond`.
    static func harness(readingAged age: Double, respond: @escaping (HTTPRequest) -> [InMemoryTransport.Step]) throws -> AppHarness {
        let reading = BalanceReading(time: AppHarness.start.addingTimeInterval(-age), endpointHost: "emulator.test", currency: "USD", total: 42.5)
        return try AppHarness(model: "deepseek-flash", respond: respond, remembered: remembered(reading), fetchBalance: true)
    }

    /// A refresh that fails keeps the reading shown and says when it was taken; a reading
    /// more than ten minutes old says so from the first frame, while the refresh is pending.
    @Test func anOldOrUnrefreshedReadingSaysWhenItWasTaken() throws {
        let harness = try Self.harness(readingAged: 120, respond: Self.failing)
        harness.start()
        #expect(harness.state.balanceNotRefreshed)
        #expect(harness.panel?.balance == "balance $42.50 · as of \(LocalZone.utc.parts(of: AppHarness.start - 120).hourMinute)")

        // Old, or from the future (a clock set back): said while the refresh is pending.
        for age: Double in [34 * 86_400, -3 * 86_400] {
            let pending = try Self.harness(readingAged: age, respond: { _ in [.wait(3_600)] })
            pending.runtime.start()
            #expect(pending.panel?.balance == "balance $42.50 · as of \(LocalZone.utc.parts(of: AppHarness.start - age).dateAndTime)")
        }

        // No reading at all: nothing to show, nothing said.
        let fresh = try AppHarness(model: "deepseek-flash", respond: Self.failing, fetchBalance: true)
        fresh.start()
        #expect(fresh.panel?.balance == nil)
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
