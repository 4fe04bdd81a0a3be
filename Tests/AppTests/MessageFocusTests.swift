import App
import ChatCore
import Emulator
import Foundation
import TerminalUI
import Testing

/// Messages you can point at: numbers in every header, a focus that moves over them, and
/// keys that act on the focused message.
@Suite("Message focus and numbers")
struct MessageFocusTests {
    static func threeTurns() throws -> AppHarness {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0, replyTokens: 30))
        harness.start()
        harness.send("/thinking off")
        harness.send("First question")
        harness.send("Second question")
        harness.send("Third question")
        return harness
    }

    @Test func headersShowTheNumbersEditAndCopyUse() throws {
        let harness = try Self.threeTurns()
        #expect(harness.text.contains("You · 09:00 · #5"))
        #expect(harness.text.contains("deepseek-chat · 09:00 · #6"))
        harness.send("/copy 9")
        #expect(harness.state.notice?.text == "There is no message 9: messages are numbered 1 to 6.")
        harness.send("/edit 4")
        #expect(harness.state.notice?.text.contains("Message 4 is a reply") == true)
    }

    @Test func altUpFocusesTheLastMessageAndKeysMoveAndAct() throws {
        let harness = try Self.threeTurns()
        harness.press(Array("\u{1B}[1;3A".utf8))  // Alt-Up
        #expect(harness.state.focus == harness.messages.last?.id)
        #expect(harness.text.contains("▶"))
        harness.type("k")
        #expect(harness.state.focus == harness.messages[4].id)
        harness.type("c")
        #expect(harness.clipboard.copies.last == "Third question")
        harness.press(.escape)
        #expect(harness.state.focus == nil)
        #expect(harness.state.editor.isEmpty)
    }

    @Test func escapeThenUpIsAltUpAndTypingLeavesTheFocus() throws {
        let harness = try Self.threeTurns()
        harness.press(.escape)
        harness.press(.up)
        #expect(harness.state.focus == harness.messages.last?.id)
        harness.type("x")
        #expect(harness.state.focus == nil)
        #expect(harness.state.editor.text == "x", "a key the focus does not use goes to the editor")
    }

    @Test func eEditsTheFocusedQuestionAsAFork() throws {
        let harness = try Self.threeTurns()
        harness.press(Array("\u{1B}[1;3A".utf8))
        harness.type("kkk")  // #6 → #3
        #expect(harness.state.focus == harness.messages[2].id)
        harness.type("e")
        guard case .dialog(let dialog) = harness.state.overlay else { Issue.record("no dialog"); return }
        #expect(dialog.title == "Edit message 3 as a fork?")
        harness.press(.enter)
        #expect(harness.state.editor.text == "Second question")
        #expect(harness.messages.count == 2)
    }

    @Test func rOnAnEarlierReplyRegeneratesItInAFork() throws {
        let harness = try Self.threeTurns()
        let original = try #require(harness.state.conversation.id)
        harness.press(Array("\u{1B}[1;3A".utf8))
        harness.type("kk")  // #4, the second reply
        harness.type("r")
        guard case .dialog(let dialog) = harness.state.overlay else { Issue.record("no dialog"); return }
        #expect(dialog.title == "Write reply 4 again in a fork?")
        #expect(dialog.focused == 1, "a fork is not undone by a stray Enter: Cancel is the default")
        harness.press(.left)
        harness.press(.enter)
        _ = harness.run { harness.state.turn == nil && harness.messages.count == 4 }
        #expect(harness.state.conversation.id != original)
        #expect(harness.messages.map(\.ordinal) == [1, 2, 3, 4])
        #expect(harness.messages.last?.role == .assistant && harness.messages.last?.state == .complete)
        #expect(try harness.history.messages(in: original).count == 6, "the original is unchanged")
    }

    @Test func rOnTheLastReplyRegeneratesInPlace() throws {
        let harness = try Self.threeTurns()
        let conversation = harness.state.conversation.id
        harness.press(Array("\u{1B}[1;3A".utf8))
        harness.type("r")
        _ = harness.run { harness.state.turn == nil }
        #expect(harness.state.conversation.id == conversation)
        #expect(harness.messages.count == 6)
        #expect(harness.ledger.count == 4)
    }

    @Test func focusScrollsTheMessageIntoView() throws {
        let harness = try AppHarness(width: 80, height: 12, configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0, replyTokens: 60))
        harness.start()
        harness.send("/thinking off")
        for question in ["Alpha question", "Beta question", "Gamma question"] { harness.send(question) }
        harness.press(Array("\u{1B}[1;3A".utf8))
        harness.type("g")
        #expect(harness.text.contains("Alpha question"))
        #expect(harness.text.contains("#1"))
    }
}

@Suite("Find in the transcript")
struct FindTests {
    @Test func ctrlFFindsHighlightsAndStepsThroughMatches() throws {
        let harness = try MessageFocusTests.threeTurns()
        harness.press([6])  // Ctrl-F
        guard case .command(let bar) = harness.state.overlay else { Issue.record("no find line"); return }
        #expect(bar.text == "/find ")
        harness.type("QUESTION")
        harness.press(.enter)
        let find = try #require(harness.state.find)
        let expected = harness.messages.filter { $0.content.lowercased().contains("question") }.map(\.id)
        #expect(find.matches == expected && expected.count >= 3)
        #expect(harness.state.focus == find.matches.last)
        #expect(harness.state.notice?.text.hasPrefix("“QUESTION”: match \(expected.count) of \(expected.count)") == true)
        // Every occurrence is marked on screen (reverse video on the selection colour).
        let marked = harness.screenModel?.transcript.messages.filter { $0.highlight == "QUESTION" }.count ?? 0
        #expect(marked > 0)
        #expect(harness.frame.contains("question"))
        harness.type("n")
        #expect(harness.state.focus == find.matches[expected.count - 2])
        harness.type("N")
        harness.type("N")
        #expect(harness.state.focus == find.matches[0], "N past the newest wraps to the oldest")
        harness.press(.escape)
        #expect(harness.state.find == nil && harness.state.focus == nil)
        harness.send("/find nothing like this")
        #expect(harness.state.notice?.text == "No message in this conversation contains “nothing like this”.")
    }
}
