import App
import ChatCore
import ChatWire
import Emulator
import Foundation
import TerminalUI
import Testing

/// What the screen says stays true while the conversation changes under it: a reply in
/// flight, a stop, a changed rule, a cut, a fork. Each test is a problem a reviewer found
/// by using the program; each fails on the code before its fix.
@Suite("What the screen says stays true")
struct TruthfulScreenTests {
    static let slow = EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 40, replyTokens: 400)

    /// Starts a slow reply and waits until some of it is on screen.
    static func streaming(_ harness: AppHarness, _ question: String = "Write a long answer please") {
        harness.session.type(question)
        harness.session.press([13])
        _ = harness.run { (harness.state.turn?.deltas ?? 0) > 3 }
    }

    // MARK: - A reply in flight

    @Test func deleteAndEditAreRefusedWhileAReplyStreams() throws {
        let harness = try AppHarness(configuration: Self.slow)
        harness.start()
        harness.send("/thinking off")
        Self.streaming(harness, "First question")
        _ = harness.run { harness.state.turn == nil }
        Self.streaming(harness, "Second question")
        let conversation = try #require(harness.state.conversation.id)
        for command in ["/delete", "/edit 1", "/system New rules.", "/model deepseek-v4-pro", "/truncate now"] {
            harness.meanwhile(type: command, press: [13])
            #expect(harness.state.overlay == nil, "\(command) opened a dialog while a reply streams")
            #expect(harness.state.notice?.text.contains("Wait for the reply") == true, "\(command): \(String(describing: harness.state.notice))")
            #expect(harness.state.turn != nil)
        }
        // The reply ends in the conversation it was asked in, with its ledger row.
        _ = harness.run { harness.state.turn == nil }
        #expect(harness.state.conversation.id == conversation)
        #expect(harness.state.conversation.systemPrompt == nil && harness.state.conversation.model == "deepseek-chat")
        #expect(try harness.history.messages(in: conversation).count == 4)
        #expect(harness.ledger.count == 2)
        // Commands that change nothing the reply is saved into still run.
        Self.streaming(harness, "Third question")
        harness.meanwhile(press: AppHarness.Key.f3.bytes)
        #expect(harness.state.view.panel == .hidden)
        harness.meanwhile(type: "/copy 1", press: [13])
        #expect(harness.state.notice?.text.contains("Wait for the reply") != true)
    }

    @Test func aDraftTypedWhileAReplyStreamsIsPredictedWhenItEnds() throws {
        let harness = try AppHarness(configuration: Self.slow)
        harness.start()
        harness.send("/thinking off")
        harness.send(AppHarness.context + " first")
        Self.streaming(harness, "Second question")
        harness.meanwhile(type: "a follow-up typed early")
        // The next request carries the reply being written: no numbers until it ends.
        #expect(harness.panel?.prediction == nil)
        #expect(harness.panel?.predictionPending == true)
        #expect(harness.text.contains("counted when the reply ends"))
        _ = harness.run { harness.state.turn == nil }
        harness.session.settle()
        let prediction = try #require(harness.panel?.prediction)
        harness.press(.enter)
        let entry = try #require(harness.ledger.last)
        #expect(entry.hitTokens == prediction.hitTokens)
        #expect(entry.missTokens == prediction.missTokens)
    }

    @Test func escapeThenAKeyTypedAtOnceStopsTheReplyAndTypesTheKey() throws {
        let harness = try AppHarness(configuration: Self.slow)
        harness.start()
        Self.streaming(harness)
        harness.press(Array("\u{1B}a".utf8))  // one read: Alt-a
        _ = harness.run { harness.state.turn == nil }
        #expect(harness.messages.last?.state == .interrupted(reason: "stopped"))
        #expect(harness.state.editor.text == "a")
        // Alt keys the editor uses keep their meaning (Alt-b: a word back).
        harness.type(" word")
        harness.press(Array("\u{1B}b".utf8))
        harness.type("x")
        #expect(harness.state.editor.text == "a xword")
    }

    @Test func escapeThenCtrlQTypedAtOnceQuitsWithoutAskingAndKeepsThePartialReply() throws {
        // Found by the tmux end-to-end test on a busy machine: Esc and Ctrl-Q in one read
        // stopped the reply, then asked "A reply is still streaming. Quit?" and stayed.
        let harness = try AppHarness(configuration: Self.slow)
        harness.start()
        Self.streaming(harness)
        harness.press([27, 17])
        _ = harness.run { harness.state.turn == nil }
        #expect(harness.state.overlay == nil)
        #expect(harness.state.isFinished)
        #expect(harness.messages.last?.state == .interrupted(reason: "stopped"))
    }

    // MARK: - After a stop

    @Test func aStoppedRequestsPromptCountsAsCachedAndNotAsAnExactPrediction() throws {
        let harness = try AppHarness(configuration: Self.slow)
        harness.start()
        harness.send("/thinking off")
        harness.send("/system " + String(repeating: "You answer questions about prefix caching in detail. ", count: 12))
        Self.streaming(harness, AppHarness.context + " a long question")
        harness.press(.escape)
        _ = harness.run { harness.state.turn == nil }
        let stopped = try #require(harness.ledger.last)
        #expect(stopped.estimated)
        harness.type("And a follow-up?")
        let prediction = try #require(harness.panel?.prediction)
        // The server read the stopped request's prompt, so the follow-up hits it.
        #expect(prediction.hitTokens >= 256, "\(prediction)")
        harness.press(.enter)
        _ = harness.run { harness.state.turn == nil }
        let next = try #require(harness.ledger.last)
        #expect(next.hitTokens == prediction.hitTokens)
        // Only the confirmed request counts as a prediction.
        let totals = try harness.history.ledgerTotals(LedgerFilter())
        #expect(totals.prediction.requests == 1)
        #expect(totals.estimatedRequests == 1)
    }

    @Test func stoppingBeforeAnyReplyArrivedSaysSo() throws {
        let harness = try AppHarness { _ in [.wait(30)] + InMemoryTransport.streamedReply(["late"]) }
        harness.start()
        harness.session.type("Hello?")
        harness.session.press([13])
        _ = harness.run { harness.state.turn != nil }
        harness.press(.escape)
        _ = harness.run { harness.state.turn == nil }
        #expect(harness.state.notice?.text == "Stopped before any reply arrived.")
    }

    // MARK: - Marks and warnings after a change

    @Test func aNewSystemPromptDoesNotWearTheOldOnesMark() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("/thinking off")
        harness.send("/system " + String(repeating: "You answer questions about prefix caching in detail. ", count: 12))
        for question in ["One?", "Two?", "Three?"] { harness.send(question) }
        #expect(harness.mark(.pinned(0)) == .reused)
        let horizon = harness.screenModel?.transcript.horizon
        #expect(horizon != nil)
        harness.send("/system Short new system prompt.")
        #expect(harness.mark(.pinned(0)) == CacheMark.none)
        // Messages that were sent keep the marks of the request that carried them.
        let first = try #require(harness.messages.first?.id)
        #expect(harness.mark(first) == .reused)
    }

    @Test func theSameSystemPromptAgainChangesNothing() throws {
        let harness = try AppHarness()
        harness.start()
        let system = String(repeating: "You answer questions about prefix caching in detail. ", count: 12)
        harness.send("/system " + system)
        harness.send("One?")
        harness.send("/system " + system)
        #expect(harness.state.notice?.level == .info)
        #expect(harness.state.notice?.text.contains("already") == true)
        harness.type("Two?")
        #expect(harness.panel?.warnings.isEmpty == true)
    }

    @Test func aChangeThatLosesNoCachedTokenIsNotAWarning() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("Hi")  // too short to leave a cached unit
        harness.send("/system Be brief.")
        #expect(harness.state.notice?.level == .info, "\(String(describing: harness.state.notice))")
        harness.type("Next")
        #expect(harness.panel?.warnings.isEmpty == true, "\(harness.panel?.warnings ?? [])")
        harness.press(.ctrlU)
        harness.send("/model deepseek-v4-pro")
        #expect(harness.state.notice?.level == .info, "\(String(describing: harness.state.notice))")
    }

    @Test func aChangeThatLosesCachedTokensSaysHowMany() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("/thinking off")
        harness.send(AppHarness.context + " first")
        let held = try #require(harness.ledger.last.map { ($0.promptTokens ?? 0) })
        harness.send("/system Be brief.")
        let notice = try #require(harness.state.notice)
        #expect(notice.level == .warning)
        #expect(notice.text.contains("reuses 0 of the"), "\(notice.text)")
        harness.type("Next")
        let warning = try #require(harness.panel?.warnings.first)
        #expect(warning.contains("system prompt changed"))
        #expect(warning.contains("cached tokens lost"))
        #expect(held > 128)
    }

    @Test func anUnknownModelIsNamedAsSuch() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("/model gpt-nonexistent")
        #expect(harness.state.notice?.text.contains("cachechat does not know it") == true)
        harness.send("/model gpt-nonexistent")
        #expect(harness.state.notice?.text == "The model is already gpt-nonexistent.")
    }

    // MARK: - Typing

    @Test func aSlashTypedTwiceStartsAMessageWithASlash() throws {
        let harness = try AppHarness()
        harness.start()
        harness.type("//etc/hosts is a path")
        #expect(harness.state.overlay == nil)
        #expect(harness.state.editor.text == "//etc/hosts is a path")
        harness.press(.enter)
        let question = try #require(harness.messages.first { $0.role == .user })
        #expect(question.content == "/etc/hosts is a path")
    }

    @Test func aQuestionMarkIsText() throws {
        let harness = try AppHarness()
        harness.start()
        harness.type("?why does this happen")
        #expect(harness.state.overlay == nil)
        #expect(harness.state.editor.text == "?why does this happen")
        // Help (F1) closes when typing goes on, and the key goes to the editor.
        harness.press(.f1)
        #expect(harness.state.overlay != nil)
        harness.type("!")
        #expect(harness.state.overlay == nil)
        #expect(harness.state.editor.text == "?why does this happen!")
    }

    @Test func aRetryClearsTheLastFailureFromTheStatusBar() throws {
        final class Calls { var count = 0 }
        let calls = Calls()
        let harness = try AppHarness { _ in
            calls.count += 1
            return calls.count == 1 ? InMemoryTransport.errorReply(status: 400, message: "Model Not Exist")
                : [.wait(5)] + InMemoryTransport.streamedReply(["fine"])
        }
        harness.start()
        harness.send("Hello?")
        #expect(harness.state.notice?.level == .error)
        harness.session.press(AppHarness.Key.f5.bytes)
        _ = harness.run { harness.state.turn != nil }
        #expect(harness.state.notice == nil, "\(String(describing: harness.state.notice))")
        #expect(!harness.text.contains("⚠ Failed"))
        _ = harness.run { harness.state.turn == nil }
        #expect(harness.messages.last?.content == "fine")
    }

    // MARK: - Export

    @Test func exportAsksBeforeReplacingAFileAndWritesIntoAFolder() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("Hello there")
        let file = harness.folder.url.appendingPathComponent("precious.md").path
        try "precious".write(toFile: file, atomically: true, encoding: .utf8)
        harness.send("/export md \(file)")
        guard case .dialog(let dialog)? = harness.state.overlay else { Issue.record("no dialog"); return }
        #expect(dialog.title == "Replace the file?" && dialog.focused == 1)
        harness.press(.enter)  // Cancel is focused
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "precious")
        harness.send("/export md \(file)")
        harness.press(.left)
        harness.press(.enter)  // Replace
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("Hello there"))
        // A folder gets the conversation's file inside it.
        let id = try #require(harness.state.conversation.id)
        harness.send("/export json \(harness.folder.url.path)")
        let inside = harness.folder.url.appendingPathComponent("hello-there-\(id.rawValue).json").path
        #expect(FileManager.default.fileExists(atPath: inside))
        #expect(harness.state.notice?.text == "Exported to \(inside).")
        // Private like the history, and a failure in words (hardening II, item 23).
        let mode = try FileManager.default.attributesOfItem(atPath: inside)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        harness.send("/export md /nonexistent-folder/x.md")
        #expect(harness.state.notice?.text == "Could not export to /nonexistent-folder/x.md: the folder does not exist.", "\(String(describing: harness.state.notice))")
    }

    /// Someone typing on while the dialog opens: the `y` of a path must not replace the
    /// file, its `n` must not close the dialog and send the rest of the line as a question.
    @Test func typingOnIntoADialogNeitherAnswersItNorSendsTheRest() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("Hello there")
        let requests = harness.transport.requests.count
        let file = harness.folder.url.appendingPathComponent("precious.json").path
        try "precious".write(toFile: file, atomically: true, encoding: .utf8)
        for typedOn in ["/export json /tmp/nodir/x/y.json", "and now the next question"] {
            harness.send("/export json \(file)")
            guard case .dialog? = harness.state.overlay else { Issue.record("no dialog"); return }
            harness.send(typedOn)  // typed and Enter, without looking
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "precious")
            #expect(harness.transport.requests.count == requests, "nothing was sent")
            guard case .dialog(let dialog)? = harness.state.overlay else { Issue.record("the dialog closed"); return }
            #expect(dialog.title == "Replace the file?")
            harness.press(.enter)  // still typing: no answer
            #expect(harness.state.overlay != nil)
            harness.press(.right)  // the dialog was seen
            harness.press(.enter)  // Cancel is focused
            #expect(harness.state.overlay == nil)
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "precious")
        }
        #expect(harness.transport.requests.count == requests)
    }
}

@Suite("Usage the screen does not believe")
struct UnbelievableUsageTests {
    @Test func aReplyWithImpossibleUsageIsKeptAndItsNumbersStayOutOfThePanel() throws {
        let harness = try AppHarness { _ in
            InMemoryTransport.streamedReply(["A fine ", "answer."], usage: Usage(promptTokens: 10, completionTokens: 2, cacheHitTokens: 1_000_000, cacheMissTokens: 0))
        }
        harness.start()
        harness.send("Hello")
        #expect(harness.messages.last?.content == "A fine answer.")
        #expect(harness.messages.last?.state == .complete)
        #expect(harness.state.notice?.text.contains("usage was not understood") == true)
        let entry = try #require(harness.ledger.last)
        #expect(entry.usageProblem?.contains("larger than prompt_tokens") == true)
        #expect(entry.hitTokens == nil && entry.cost == nil)
        #expect(harness.panel?.conversation.hitTokens == 0)
        #expect(!harness.text.contains("1,000,000"))
    }
}
