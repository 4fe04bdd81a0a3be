import App
import ChatCore
import ChatWire
import Emulator
import Foundation
import TerminalUI
import TestSupport
import Testing

/// Late-2026 DeepSeek in the TUI: user_id, the endpoint's default model, reasoning effort,
/// JSON mode, and the peak/off-peak line at fixed dates (a weekday peak hour, a weekend,
/// a Chinese public holiday).
@Suite("DeepSeek as it is now, in the chat client")
struct DeepSeekNowTests {
    static func time(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static let weekdayPeak = AppHarness.start  // Tuesday 2026-12-01 09:00 UTC
    static let weekend = time("2026-12-05T12:00:00Z")  // Saturday
    static let holiday = time("2026-10-01T02:00:00Z")  // Thursday, National Day

    @Test func theProfilesUserIDIsSentAndShown() throws {
        let harness = try AppHarness(options: RequestOptions(userID: "alice"))
        harness.start()
        #expect(harness.text.contains("user alice"))
        harness.send(AppHarness.context + " Who am I?")
        // The emulator partitions its cache by user_id: the request landed in alice's.
        #expect(harness.engine.cacheEntryCount(apiKey: "sk-app-test-key", userID: "alice") > 0)
        #expect(harness.engine.cacheEntryCount(apiKey: "sk-app-test-key") == 0)
        harness.send("/regen")
        #expect(harness.engine.cacheEntryCount(apiKey: "sk-app-test-key") == 0)
    }

    @Test func anUntouchedDefaultFollowsWhatTheEndpointLists() throws {
        let older = EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0, models: ["deepseek-v4-flash", "deepseek-v4-pro"])
        let harness = try AppHarness(configuration: older, model: "deepseek-flash", fetchModels: true, defaultFollowsEndpoint: true)
        harness.start()
        #expect(harness.run { !harness.state.endpointModels.isEmpty })
        #expect(harness.state.conversation.model == "deepseek-v4-flash")
        harness.send("Hello")
        #expect(harness.ledger.last?.model == "deepseek-v4-flash")
        #expect(harness.ledger.last?.outcome == .ok)
        // A new conversation starts on it too.
        harness.send("/new")
        #expect(harness.state.conversation.model == "deepseek-v4-flash")

        let current = try AppHarness(model: "deepseek-flash", fetchModels: true, defaultFollowsEndpoint: true)
        current.start()
        #expect(current.run { !current.state.endpointModels.isEmpty })
        #expect(current.state.conversation.model == "deepseek-flash")
    }

    @Test func maxEffortWarnsWhatTheSwitchMissesAndIsSent() throws {
        let harness = try AppHarness(model: "deepseek-flash")
        harness.start()
        harness.send(AppHarness.context + " First question?")
        harness.send("/effort max")
        let notice = try #require(harness.state.notice)
        #expect(notice.level == .warning)
        #expect(notice.text.contains("Reasoning effort: max."))
        #expect(notice.text.contains("will miss (about $"))
        harness.send("Second question?")
        #expect(harness.ledger.last?.plan?.effort == "max")
        #expect((harness.ledger.last?.hitTokens ?? -1) == 0)  // the preamble changed the first tokens
        harness.send("/effort low")
        harness.send("Third question?")
        #expect(harness.ledger.last?.plan?.effort == "low")
        harness.send("/effort extreme")
        #expect(harness.state.notice?.text.contains("is not a reasoning effort: use /effort low, high or max") == true)
        #expect(harness.state.conversation.reasoningEffort == .low, "it stays as it was")
    }

    @Test func jsonModeReportsAnEmptyReplyAsAnError() throws {
        let harness = try AppHarness(model: "deepseek-flash")
        harness.start()
        harness.send("/json on")
        harness.send("Tell me about caching")
        let notice = try #require(harness.state.notice)
        #expect(notice.level == .error)
        #expect(notice.text.contains("The reply is empty"))
        harness.send("Answer as json: what is a cache hit?")
        #expect(harness.state.notice?.level != .error)
        #expect(harness.messages.last?.content.hasPrefix("{") == true)
        harness.send("/json off")
        harness.send("Tell me more")
        #expect(harness.state.notice?.level != .error)
    }

    @Test func thePanelShowsReasoningTokensPerRequest() throws {
        let harness = try AppHarness(model: "deepseek-flash")
        harness.start()
        harness.send("Think about caching")
        let last = try #require(harness.panel?.lastRequest)
        #expect((last.reasoningTokens ?? 0) > 0)
        #expect(harness.text.contains("reasoning)"))
    }

    @Test(arguments: [
        (weekdayPeak, "peak · off-peak in 1 h 0 m"),
        (weekend, "off-peak · peak in 1 d 13 h"),
        (holiday, "off-peak (National Day) · peak in 6 d 23 h"),
    ])
    func thePanelSaysWhichPricesApplyAndUntilWhen(at date: Date, line: String) throws {
        let harness = try AppHarness(model: "deepseek-flash", start: date)
        harness.start()
        #expect(harness.panel?.pricing == line)
    }

    @Test func withCNYThePanelSaysNoPriceWasPublished() throws {
        let harness = try AppHarness(model: "deepseek-flash", currency: .cny)
        harness.start()
        #expect(harness.panel?.pricing?.hasPrefix("no CNY price published for deepseek-flash since 2026-09-01") == true)
    }

    @Test(arguments: [("weekdayPeak", weekdayPeak), ("weekend", weekend), ("holiday", holiday)])
    func peakLineScreens(name: String, at date: Date) throws {
        let harness = try AppHarness(width: 100, height: 24, model: "deepseek-flash", start: date)
        harness.start()
        harness.send("Hello")
        Snapshot.assertMatches(harness.frame, named: name)
    }

    @Test func thePeakLineCountsDownAndFlipsOnTime() throws {
        // Tuesday 09:58:30 UTC: peak until 10:00.
        let harness = try AppHarness(model: "deepseek-flash", start: Self.time("2026-12-01T09:58:30Z"))
        harness.start()
        #expect(harness.panel?.pricing == "peak · off-peak in 2 m")
        #expect(harness.run { harness.panel?.pricing == "peak · off-peak in 1 m" })
        #expect(harness.run { harness.panel?.pricing?.hasPrefix("off-peak · peak in ") == true })
        #expect(harness.panel?.pricing == "off-peak · peak in 15 h 0 m")
    }
}
