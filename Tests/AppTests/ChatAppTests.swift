import App
import ChatCore
import Emulator
import Foundation
import Store
import TerminalUI
import Testing

@Suite("ChatApp on a virtual terminal against the emulator")
struct ChatAppTests {
    static let context = String(repeating: "Prefix caching bills repeated prompt prefixes at a fraction of the price. ", count: 12)

    @Test func twoMessagesShowRepliesPanelNumbersAndCacheMarks() throws {
        let harness = try AppHarness()
        harness.app.start()
        #expect(harness.device.text.contains("Message — Enter sends"))
        harness.send(Self.context + " What does that mean for a chat client?")
        #expect(harness.run(until: { !harness.app.isBusy && harness.app.conversationState.messages.count == 2 }))
        harness.send("And for few-shot prompts?")
        #expect(harness.run(until: { !harness.app.isBusy && harness.app.conversationState.messages.count == 4 }))

        let ledger = try harness.store.ledgerEntries()
        #expect(ledger.count == 2)
        let last = try #require(ledger.last)
        #expect((last.hitTokens ?? 0) > 0)
        // The draft's prediction, recorded with the request, matched the emulator exactly.
        #expect(last.predictedHitTokens == last.hitTokens)
        let panel = harness.app.screenModel.panel
        #expect(panel.lastRequest?.hitTokens == last.hitTokens)
        #expect(panel.lastRequest?.missTokens == last.missTokens)
        #expect(panel.conversation.hitTokens == ledger.compactMap(\.hitTokens).reduce(0, +))

        let screen = harness.device.text
        if ProcessInfo.processInfo.environment["SHOW_SCREEN"] != nil { print(harness.device.screen.framedSnapshot()) }
        #expect(screen.contains("You"))
        #expect(screen.contains("deepseek-chat"))
        // The panel shows the last request's numbers as the ledger recorded them.
        #expect(screen.contains(Formatting.grouped(last.hitTokens!)))
        // Messages reused by the second request carry a gutter mark.
        let marks = harness.app.screenModel.transcript.messages.map(\.cacheMark)
        #expect(marks.contains(.reused))
        #expect(harness.app.screenModel.transcript.horizon != nil)
    }

    @Test func theDraftWarnsWhenItBreaksTheCache() throws {
        let harness = try AppHarness()
        harness.app.start()
        harness.send(Self.context + " first question")
        #expect(harness.run(until: { !harness.app.isBusy && harness.app.conversationState.messages.count == 2 }))
        harness.send("/system You are now a pirate.")
        harness.device.type("next question")
        harness.settle()
        let warning = try #require(harness.app.screenModel.panel.warning)
        #expect(warning.contains("system prompt changed"))
        #expect(harness.app.screenModel.panel.prediction?.hitTokens == 0)
    }

    @Test func escapeStopsAStreamAndKeepsThePartialReply() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(tokensPerSecond: 40, replyTokens: 400))
        harness.app.start()
        harness.send("Write a long answer please")
        #expect(harness.run(until: { !(harness.app.screenModel.transcript.messages.last?.text.isEmpty ?? true) }))
        let started = Date()
        harness.device.press([27])
        harness.run(until: { !harness.app.isBusy }, timeout: 2)
        #expect(Date().timeIntervalSince(started) < 1)
        let reply = try #require(harness.app.conversationState.messages.last)
        #expect(!reply.content.isEmpty)
        if case .interrupted = reply.state {} else { Issue.record("reply state is \(reply.state)") }
        let stored = try #require(try harness.store.messages(in: harness.app.conversationState.conversation!.id).last)
        #expect(stored.content == reply.content)
        #expect(harness.device.text.contains("interrupted") || harness.device.text.contains("Stopped"))
    }

    @Test func serverErrorsAppearAndKeepTheConversation() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(tokensPerSecond: 0, faults: [try FaultPlan.parse("status=402")]))
        harness.app.start()
        harness.send("Hello?")
        #expect(harness.run(until: { !harness.app.isBusy && harness.app.conversationState.messages.count == 2 }))
        #expect(harness.device.text.contains("balance"))
        #expect(harness.app.conversationState.messages.first?.content == "Hello?")
    }

    @Test func draftSurvivesAndPredictionShowsWhileTyping() throws {
        let harness = try AppHarness()
        harness.app.start()
        harness.send(Self.context + " first")
        #expect(harness.run(until: { !harness.app.isBusy && harness.app.conversationState.messages.count == 2 }))
        harness.device.type("a draft that is not sent")
        harness.settle()
        #expect(harness.app.draft == "a draft that is not sent")
        let prediction = try #require(harness.app.screenModel.panel.prediction)
        #expect(prediction.hitTokens > 0)
        #expect(prediction.hitTokens + prediction.missTokens > prediction.hitTokens)
    }

    @Test func commandsThemesAndConversations() throws {
        let harness = try AppHarness()
        harness.app.start()
        harness.send("First conversation")
        #expect(harness.run(until: { !harness.app.isBusy && harness.app.conversationState.messages.count == 2 }))
        harness.send("/rename Renamed chat")
        #expect(harness.app.conversationState.conversation?.title == "Renamed chat")
        harness.send("/theme light")
        #expect(harness.device.screen.palette != Palette.dark)
        harness.send("/theme nosuch")
        #expect(harness.device.text.contains("No theme named"))
        harness.device.press([14])  // Ctrl-N
        harness.step()
        #expect(harness.app.conversationState.messages.isEmpty)
        harness.device.press([15])  // Ctrl-O
        harness.step()
        #expect(harness.device.text.contains("Renamed chat"))
        harness.device.press([13])
        harness.step()
        #expect(harness.app.conversationState.conversation?.title == "Renamed chat")
        harness.device.press(Array("\u{1B}OP".utf8))  // F1
        harness.step()
        #expect(harness.device.text.contains("cachechat keys"))
    }

    @Test(arguments: [(80, 24), (40, 12), (20, 5), (1, 1), (10, 3)])
    func resizesWithoutCrashing(width: Int, height: Int) throws {
        let harness = try AppHarness()
        harness.app.start()
        harness.send("Hello 世界 👩‍👩‍👧‍👦")
        harness.run(until: { !harness.app.isBusy && harness.app.conversationState.messages.count == 2 })
        harness.device.resize(width: width, height: height)
        harness.step()
        #expect(harness.device.screen.size == Size(width: width, height: height))
        #expect(harness.device.screen.presentCount > 0)
    }
}
