import App
import ChatCore
import ChatWire
import Emulator
import Foundation
import TerminalUI
import Testing

/// One test per defect of the App before it was rebuilt around the request plan (issue 12).
/// Each failed on the old `ChatApp`.
@Suite("Regressions of the old App")
struct AppRegressionTests {
    // 1. Marks after /truncate and in one-question-each mode land on the messages sent.

    @Test func marksAfterATruncationCutLandOnlyOnMessagesThatWereSent() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0, replyTokens: 80))
        harness.start()
        harness.send("/system " + String(repeating: "You answer questions about caching. ", count: 20))
        for turn in 1...4 { harness.send("Question \(turn): tell me about prefixes and units.") }
        harness.send("/truncate now")
        #expect(harness.text.contains("Cut old history once?"))
        harness.press(.enter)
        let start = harness.state.conversation.historyStart
        #expect(start > 1)
        harness.send("After the cut")
        let plan = try #require(harness.state.exchange?.plan)
        for message in harness.messages.dropLast() {
            let sent = plan.index(of: message.id) != nil
            #expect(sent == (message.ordinal >= start), "message \(message.ordinal)")
            if sent {
                #expect(harness.mark(message.id) != CacheMark.none, "message \(message.ordinal) was sent but has no mark")
            } else {
                #expect(harness.mark(message.id) == CacheMark.none, "message \(message.ordinal) was not sent but is marked")
            }
        }
        #expect(harness.mark(.pinned(0)) != CacheMark.none, "the system prompt was sent")
    }

    @Test func marksInOneQuestionEachModeLandOnTheSetAndTheLastQuestionOnly() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0, replyTokens: 20))
        try harness.fewShots.save(FewShotSet(name: "sentiment", system: String(repeating: "Classify the sentiment of a review. ", count: 6),
                                             shots: [.init(user: "Great!", assistant: "positive"), .init(user: "Awful.", assistant: "negative")]))
        harness.start()
        harness.send("/fewshot use sentiment each")
        for question in ["Review: fine.", "Review: broken.", "Review: superb."] { harness.send(question) }
        let last = try #require(harness.messages.last { $0.role == .user })
        for message in harness.messages where message.id != last.id {
            #expect(harness.mark(message.id) == CacheMark.none, "message \(message.ordinal) was not sent in the last request")
        }
        #expect(harness.mark(last.id) == .notReused)
        #expect(harness.mark(.pinned(0)) == .reused)
        #expect(harness.mark(.pinned(4)) != CacheMark.none, "the last shot was sent")
    }

    // 2. With history off, ids never collide.

    @Test func messagesTheHistoryRefusedGetTheirOwnIDs() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("/system Be brief.")
        harness.history.refuseWrites = "disk full"
        harness.send("Hello")
        harness.send("Hello again")
        let ids = [TranscriptID.pinned(0)] + harness.messages.map(\.id)
        #expect(Set(ids).count == ids.count, "\(ids)")
        #expect(harness.messages.allSatisfy { if case .unsaved = $0.id { true } else { false } })
        let keys = try #require(harness.screenModel?.transcript.messages.map(\.key))
        #expect(Set(keys).count == keys.count)
        #expect(harness.text.contains("not saved"))
    }

    // 3. A reply that could not be saved is shown, marked, and said so.

    /// A reply that has begun to stream when the history starts refusing writes.
    static func aReplyStreamingWhenTheDiskFills() throws -> AppHarness {
        let harness = try AppHarness(configuration: EmulatorConfiguration(tokensPerSecond: 50, replyTokens: 40))
        harness.start()
        harness.session.type("Tell me something")
        harness.session.press([13])
        #expect(harness.run { !(harness.state.turn?.content.isEmpty ?? true) })
        harness.history.refuseWrites = "disk full"
        return harness
    }

    @Test func aReplyThatCouldNotBeSavedIsKeptAndShown() throws {
        let harness = try Self.aReplyStreamingWhenTheDiskFills()
        harness.session.settle()
        let reply = try #require(harness.messages.last)
        #expect(reply.role == .assistant)
        #expect(!reply.content.isEmpty)
        if case .unsaved = reply.id {} else { Issue.record("the reply is \(reply.id), not unsaved") }
        #expect(harness.text.contains("⚠ not saved in the history"))
        #expect(harness.text.contains("could not be saved"))
        // The panel counts the request the ledger could not keep: it was made and billed.
        let panel = try #require(harness.panel)
        let last = try #require(panel.lastRequest)
        #expect(last.outputTokens > 0)
        #expect(panel.conversation.outputTokens == last.outputTokens)
        #expect(panel.allTime.outputTokens == last.outputTokens)
        #expect(panel.conversation.hitTokens + panel.conversation.missTokens == last.hitTokens + last.missTokens)
        #expect(harness.ledger.isEmpty)
    }

    // 3b. A reply the history refused is saved again once the disk has room.

    @Test func aReplyTheHistoryRefusedIsSavedAgainLater() throws {
        let harness = try Self.aReplyStreamingWhenTheDiskFills()
        harness.run { harness.state.turn == nil }
        #expect(harness.state.unsavedSaves.count == 1)
        #expect(harness.state.notice?.text.contains("/save tries now") == true)
        harness.send("/save")  // still full
        #expect(harness.state.unsavedSaves.count == 1)
        #expect(harness.state.notice?.text.contains("still not saved") == true)
        harness.history.refuseWrites = nil
        #expect(harness.run { harness.state.unsavedSaves.isEmpty }, "retried on its own")
        harness.session.settle()
        #expect(harness.ledger.count == 1, "the request is in the ledger now")
        let stored = try #require(harness.messages.last)
        if case .stored = stored.id {} else { Issue.record("the reply is \(stored.id) after the save") }
        #expect(stored.content.count > 20)
        #expect(!harness.text.contains("not saved in the history"))
    }

    // 4. Streaming costs the same per token however long the reply is.

    @Test func streamingLaysOutOnlyTheNewTailAndNeverCopiesTheReply() throws {
        func stream(_ tokens: Int) throws -> (bytesPerToken: Double, sharedStorage: Bool) {
            let words = (0..<tokens).map { index -> String in
                index % 40 == 39 ? "end.\n\n" : index % 97 == 0 ? "\n- item \(index) " : "word\(index % 13) "
            }
            let harness = try AppHarness { _ in InMemoryTransport.streamedReply(words, secondsPerDelta: 1.0 / 5_000) }
            harness.start()
            harness.session.type("Go")
            harness.session.press([13])
            #expect(harness.run { (harness.state.turn?.deltas ?? 0) > 2 })
            let early = try #require(harness.state.turn?.content)
            var shared = true
            var deltas = 0
            #expect(harness.run {
                guard let turn = harness.state.turn else { return true }
                if !turn.content.sharesStorage(with: early) { shared = false }
                deltas = turn.deltas
                return false
            })
            #expect(deltas > tokens * 9 / 10, "the stream was watched to its end")
            harness.session.settle()
            #expect(harness.messages.last?.content == words.joined())
            return (Double(harness.runtime.screen.transcriptView.streamingBytesLaidOut) / Double(tokens), shared)
        }
        let short = try stream(2_000)
        let long = try stream(20_000)
        #expect(short.sharedStorage && long.sharedStorage, "the reply buffer was copied while streaming")
        #expect(long.bytesPerToken / short.bytesPerToken < 1.3,
                "layout work per token grows with the reply: \(short.bytesPerToken) vs \(long.bytesPerToken) bytes per token")
    }

    // 5. What a turn leaves in the cache is computed once: thinking replies predict exactly.

    @Test(arguments: [CacheModelKind.v3, .v4])
    func thinkingRepliesArePredictedExactly(kind: CacheModelKind) throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: kind, tokensPerSecond: 0, replyTokens: 60),
                                     model: "deepseek-v4-flash")
        harness.start()
        #expect(harness.state.conversation.settings().effectiveThinking)
        harness.send("/system " + String(repeating: "Think step by step about caching. ", count: 10))
        for question in [AppHarness.context + " First?", "Second question about units?", "Third one?", "Fourth?"] {
            harness.send(question)
        }
        let ledger = harness.ledger
        #expect(ledger.count == 4)
        #expect(ledger.contains { ($0.hitTokens ?? 0) > 0 })
        for entry in ledger { #expect(entry.predictedHitTokens == entry.hitTokens, "\(entry.predictedHitTokens ?? -1) vs \(entry.hitTokens ?? -1)") }
    }

    // 6. Messages are found by id, layouts by content.

    @Test func editFindsTheMessageByItsNumberNotItsText() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("Same question")
        harness.send("Same question")
        #expect(harness.messages.map(\.ordinal) == [1, 2, 3, 4])
        harness.send("/edit 3")
        #expect(harness.text.contains("Edit message 3 as a fork?"))
        harness.press(.enter)
        #expect(harness.messages.map(\.ordinal) == [1, 2], "the fork keeps what came before message 3")
        #expect(harness.state.editor.text == "Same question")
        #expect(harness.state.conversation.record?.forkedFrom?.ordinal == 3)
        harness.press(.ctrlU)
        harness.send("/edit 2")
        #expect(harness.text.contains("Message 2 is a reply"))
        harness.send("/edit 9")
        #expect(harness.text.contains("There is no message 9"))
    }

    @Test func twoSystemPromptsOfTheSameLengthNeverShareALayout() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("/system AAAA")
        #expect(harness.text.contains("AAAA"))
        harness.send("/system BBBB")
        #expect(harness.text.contains("BBBB"))
        #expect(!harness.text.contains("AAAA"))
    }

    // 7. The draft warning tells the truth.

    @Test func aNewConversationHasNoWarningAboutTheLastOne() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send(AppHarness.context + " first")
        harness.press(.ctrlN)
        harness.type("Something else entirely")
        #expect(harness.panel?.warnings.isEmpty == true, "\(harness.panel?.warnings ?? [])")
        #expect(harness.panel?.prediction != nil)
    }

    @Test func swappingTheQuestionInOneQuestionEachModeIsNotABreak() throws {
        let harness = try AppHarness()
        try harness.fewShots.save(FewShotSet(name: "sentiment", system: String(repeating: "Classify the sentiment. ", count: 12),
                                             shots: [.init(user: "Great!", assistant: "positive")]))
        harness.start()
        harness.send("/fewshot use sentiment each")
        harness.send("Review: fine.")
        harness.type("Review: broken.")
        #expect(harness.panel?.warnings.isEmpty == true, "\(harness.panel?.warnings ?? [])")
    }

    @Test func aModelSwitchIsNamedAsSuchWithTheDraftLinesNumbers() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send(AppHarness.context + " first")
        harness.send("/model deepseek-v4-pro")
        harness.type("next question")
        let warning = try #require(harness.panel?.warnings.first)
        #expect(warning.contains("model changed from deepseek-chat to deepseek-v4-pro"), "\(warning)")
        #expect(!warning.contains("thinking"), "\(warning)")
        let prediction = try #require(harness.panel?.prediction)
        #expect(prediction.hitTokens == 0)
        #expect(warning.contains("\(Formatting.grouped(prediction.missTokens)) tokens will miss"), "\(warning)")
    }

    @Test func anEditedSystemPromptNamesItsCauseAndTheContextWarningShowsAlongside() throws {
        let harness = try AppHarness(contextLimit: 500)
        harness.start()
        harness.send("/system Be brief.")
        harness.send(AppHarness.context + " Hello")
        harness.send("/system Be thorough.")
        harness.type(AppHarness.context + AppHarness.context)
        let warnings = try #require(harness.panel?.warnings)
        try #require(warnings.count == 2, "\(warnings)")
        #expect(warnings[0].contains("system prompt changed"))
        let prediction = try #require(harness.panel?.prediction)
        #expect(warnings[0].contains("\(Formatting.grouped(prediction.missTokens)) tokens will miss"))
        #expect(warnings[1].hasPrefix("Over the context window"), "\(warnings[1])")
    }

    @Test func thinkingModesLagIsExplainedNotBlamed() throws {
        let harness = try AppHarness(model: "deepseek-v4-flash")
        harness.start()
        harness.send(AppHarness.context + " first")
        harness.type("a follow-up")
        #expect(harness.panel?.warnings.isEmpty == true, "\(harness.panel?.warnings ?? [])")
        #expect(harness.panel?.note?.contains("Expected") == true)
        // V4's cache keeps a shared part once two requests have shared it (DEEPSEEK.md):
        // the third request of a thinking conversation hits nothing, and the note says why.
        #expect(harness.panel?.note?.contains("once two requests have shared that part") == true)
    }

    // 8. Every turn has one outcome, and a request that was billed is recorded as such.

    @Test func aStopAfterTheFirstByteRecordsEstimatedUsage() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(tokensPerSecond: 40, replyTokens: 400))
        harness.start()
        harness.session.type("Write a long answer please")
        harness.session.press([13])
        #expect(harness.run { (harness.state.turn?.deltas ?? 0) > 5 })
        harness.press(.escape)
        let entry = try #require(harness.ledger.last)
        #expect(entry.outcome == .interrupted(reason: "stopped"))
        #expect(entry.estimated)
        #expect((entry.promptTokens ?? 0) > 0)
        #expect((entry.completionTokens ?? 0) > 0)
        #expect((entry.cost ?? 0) > 0)
        #expect(harness.panel?.lastRequest?.estimated == true)
        #expect(harness.text.contains("■ stopped"))
    }

    @Test func aServerErrorIsAFailureNotAnInterruption() throws {
        let harness = try AppHarness { _ in InMemoryTransport.errorReply(status: 400, message: "Model Not Exist") }
        harness.start()
        harness.send("Hello?")
        let reply = try #require(harness.messages.last)
        #expect(reply.state == .failed(message: "The server rejected the request (400 Bad Request): Model Not Exist. Check the model name: the server does not serve this one."))
        #expect(harness.text.contains("✗ failed: The server rejected the request (400 Bad Request): Model Not Exist"))
        #expect(!harness.text.contains("interrupted"))
        #expect(harness.text.contains("⚠ Failed: The server rejected the request (400 Bad Request): Model Not Exist"))
        #expect(harness.ledger.last?.outcome == .error(kind: "http-400"))
        #expect(harness.ledger.last?.estimated == false)
    }
}
