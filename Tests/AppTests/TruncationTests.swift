import App
import ChatCore
import Emulator
import Foundation
import Store
import TerminalUI
import Testing

@Suite("Cache-aware truncation in the TUI")
struct AppTruncationTests {
    @Test func cutOnceKeepsThePinnedPrefixAndPersists() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0, replyTokens: 150))
        harness.app.contextLimit = 1_500
        harness.app.start()
        harness.send("/system " + String(repeating: "You answer questions about caching. ", count: 10))
        for turn in 1...8 {
            let count = harness.app.conversationState.messages.count
            harness.send("Question \(turn): tell me more about prefixes.")
            #expect(harness.run(until: { !harness.app.isBusy && harness.app.conversationState.messages.count == count + 2 }))
        }
        harness.device.type("next")
        harness.settle()
        #expect(harness.app.screenModel.panel.warning?.contains("context window") == true)
        harness.device.press([21])  // clear the draft (Ctrl-U)
        harness.send("/truncate")
        #expect(harness.device.text.contains("Cut old history once?"))
        #expect(harness.device.text.contains("sliding window"))
        harness.device.press([13])  // Cut
        harness.step()
        let conversation = try #require(harness.app.conversationState.conversation)
        let start = try #require(conversation.historyStart)
        #expect(start > 1)
        #expect(try harness.store.conversation(conversation.id)?.historyStart == start)
        // The next request carries the system prompt and only the kept history.
        let before = try harness.store.ledgerEntries().last?.promptTokens ?? 0
        harness.send("After the cut")
        #expect(harness.run(until: { !harness.app.isBusy }))
        let after = try #require(try harness.store.ledgerEntries().last)
        #expect((after.promptTokens ?? 0) < before)
        // The system prompt stayed first, so its units still hit.
        #expect((after.hitTokens ?? 0) >= 64)
        #expect(after.predictedHitTokens == after.hitTokens)
    }
}
