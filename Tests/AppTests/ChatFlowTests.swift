import App
import ChatCore
import ChatWire
import Emulator
import Foundation
import TerminalUI
import Testing

@Suite("The chat client on its in-memory twins")
struct ChatFlowTests {
    @Test func twoMessagesShowRepliesPanelNumbersAndCacheMarks() throws {
        let harness = try AppHarness()
        harness.start()
        #expect(harness.text.contains("Message — Enter sends"))
        harness.send(AppHarness.context + " What does that mean for a chat client?")
        #expect(harness.messages.count == 2)
        harness.send("And for few-shot prompts?")
        #expect(harness.messages.count == 4)

        let ledger = harness.ledger
        #expect(ledger.count == 2)
        let last = try #require(ledger.last)
        #expect((last.hitTokens ?? 0) > 0)
        // The prediction recorded with the request matched the emulator exactly.
        #expect(last.predictedHitTokens == last.hitTokens)
        let panel = try #require(harness.panel)
        #expect(panel.lastRequest?.hitTokens == last.hitTokens)
        #expect(panel.lastRequest?.missTokens == last.missTokens)
        #expect(panel.conversation.hitTokens == ledger.compactMap(\.hitTokens).reduce(0, +))
        #expect(harness.text.contains(Formatting.grouped(last.hitTokens!)))
        // Messages the second request carried are marked; the reused prefix ends somewhere.
        #expect(harness.mark(harness.messages[0].id) == .reused)
        #expect(harness.screenModel?.transcript.horizon != nil)
        // The ledger row says what the request carried.
        let plan = try #require(last.plan)
        #expect(plan.messages == harness.messages.prefix(3).compactMap { $0.id.messageID?.rawValue })
    }

    @Test func escapeStopsAStreamAndKeepsThePartialReply() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(tokensPerSecond: 40, replyTokens: 400))
        harness.start()
        harness.session.type("Write a long answer please")
        harness.session.press([13])
        #expect(harness.run { !(harness.state.turn?.content.isEmpty ?? true) })
        let started = harness.clock.uptime()
        harness.session.press([27])
        #expect(harness.run { harness.state.turn == nil })
        // Stopped within the Esc delay of simulated time: nothing waited for the stream.
        #expect(harness.clock.uptime() - started <= AppRuntime.escapeDelay + AppRuntime.frameInterval)
        let reply = try #require(harness.messages.last)
        #expect(!reply.content.isEmpty)
        #expect(reply.state == .interrupted(reason: "stopped"))
        let stored = try #require(try harness.history.messages(in: harness.state.conversation.id!).last)
        #expect(stored.content == reply.content)
        harness.session.settle()
        #expect(harness.text.contains("■ stopped"))
    }

    @Test func draftSurvivesAndPredictionShowsWhileTyping() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send(AppHarness.context + " first")
        harness.type("a draft that is not sent")
        #expect(harness.state.editor.text == "a draft that is not sent")
        let prediction = try #require(harness.panel?.prediction)
        #expect(prediction.hitTokens > 0)
        #expect(prediction.missTokens > 0)
        #expect(harness.text.contains("Draft"))
    }

    @Test func commandsThemesAndConversations() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("First conversation")
        harness.send("/rename Renamed chat")
        #expect(harness.state.conversation.record?.title == "Renamed chat")
        harness.send("/theme light")
        #expect(harness.device.screen.palette != Palette.dark)
        harness.send("/theme nosuch")
        #expect(harness.text.contains("No theme named"))
        harness.press(.ctrlN)
        #expect(harness.messages.isEmpty)
        harness.press(.ctrlO)
        #expect(harness.text.contains("Renamed chat"))
        harness.press(.enter)
        #expect(harness.state.conversation.record?.title == "Renamed chat")
        harness.press(.f1)
        #expect(harness.text.contains("cachechat keys and commands"))
    }

    @Test(arguments: [(80, 24), (40, 12), (20, 5), (1, 1), (10, 3)])
    func resizesWithoutCrashing(width: Int, height: Int) throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("Hello 世界 👩‍👩‍👧‍👦")
        harness.device.screen.resize(to: Size(width: width, height: height))
        harness.device.events.append(.resized)
        harness.session.settle()
        #expect(harness.device.screen.size == Size(width: width, height: height))
        #expect(harness.device.screen.presentCount > 0)
    }
}
