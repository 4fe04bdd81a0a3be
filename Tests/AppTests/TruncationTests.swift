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

@Suite("/truncate now and forks after a cut")
struct AppTruncateNowTests {
    static func conversation() throws -> AppHarness {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0, replyTokens: 60))
        harness.start()
        harness.send("/system " + String(repeating: "You answer questions about caching. ", count: 10))
        for turn in 1...4 { harness.send("Question \(turn): tell me about prefixes.") }
        return harness
    }

    @Test func nowDropsAboutHalfAndKeepsTheLastExchange() throws {
        let harness = try Self.conversation()
        harness.send("/truncate now")
        let dialog = try #require(harness.text.contains("Cut old history once?") ? harness.state.overlay : nil)
        guard case .dialog(let shown) = dialog else { Issue.record("no dialog"); return }
        // It compares cutting now with not cutting, not three strategies that never cut.
        #expect(shown.message.contains("cutting now") && shown.message.contains("not cutting"), "\(shown.message)")
        harness.press(.enter)
        let start = harness.state.conversation.historyStart
        let lastQuestion = try #require(harness.messages.last { $0.role == .user })
        #expect(start > 1 && start <= lastQuestion.ordinal, "cut at \(start)")
        #expect(harness.text.contains("✂ history cut: requests start after this message"))
        harness.send("After the cut")
        let plan = try #require(harness.ledger.last?.plan)
        #expect(plan.messages.count >= 3, "the last exchange and the new question: \(plan.messages)")
    }

    @Test func aForkAfterACutKeepsTheCut() throws {
        let harness = try Self.conversation()
        harness.send("/truncate now")
        harness.press(.enter)
        let start = harness.state.conversation.historyStart
        harness.send("One more")
        let last = try #require(harness.messages.last { $0.role == .user })
        harness.send("/edit \(last.ordinal)")
        #expect(harness.text.contains("The history cut stays"))
        harness.press(.enter)  // Fork and edit
        #expect(harness.state.conversation.historyStart == start)
        harness.press(.enter)  // send the unchanged message in the fork
        let plan = try #require(harness.ledger.last?.plan)
        #expect(plan.historyStart == start)
        #expect(harness.ledger.last?.hitTokens == harness.ledger.last?.predictedHitTokens)
    }
}
