import App
import ChatCore
import Emulator
import Foundation
import TerminalUI
import Testing

@Suite("Cache-aware truncation in the TUI")
struct AppTruncationTests {
    @Test func cutOnceKeepsThePinnedPrefixAndPersists() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0, replyTokens: 150),
                                     contextLimit: 1_500)
        harness.start()
        harness.send("/system " + String(repeating: "You answer questions about caching. ", count: 10))
        for turn in 1...8 { harness.send("Question \(turn): tell me more about prefixes.") }
        #expect(harness.messages.count == 16)
        harness.type("next")
        #expect(harness.panel?.warnings.contains { $0.contains("context window") } == true)
        harness.press(.ctrlU)  // clear the draft
        harness.send("/truncate")
        #expect(harness.text.contains("Cut old history once?"))
        #expect(harness.text.contains("sliding window"))
        harness.press(.enter)  // Cut
        let id = try #require(harness.state.conversation.id)
        let start = harness.state.conversation.historyStart
        #expect(start > 1)
        #expect(try harness.history.conversation(id)?.historyStart == start)
        // The next request carries the system prompt and only the kept history.
        let before = harness.ledger.last?.promptTokens ?? 0
        harness.send("After the cut")
        let after = try #require(harness.ledger.last)
        #expect((after.promptTokens ?? 0) < before)
        // The system prompt stayed first, so its units still hit.
        #expect((after.hitTokens ?? 0) >= 64)
        #expect(after.predictedHitTokens == after.hitTokens)
        #expect(after.plan?.historyStart == start)
    }
}
