import ChatCore
import Testing
@testable import App

/// A full disk refuses the history's writes for a while: everything said meanwhile is
/// stored once it has room — the questions too, in the order they were asked, and the
/// conversation itself when its first question was refused — and "saved" is said only then.
@Suite("saves the history refused")
struct RefusedSavesTests {
    func stored(_ harness: AppHarness) throws -> [String] {
        let conversations = try harness.history.listConversations(includeArchived: true, limit: nil)
        return try conversations.flatMap { try harness.history.messages(in: $0.conversation.id) }
            .sorted { $0.ordinal < $1.ordinal }.map { "\($0.role == .user ? "Q" : "A"):\($0.role == .user ? $0.content : "")" }
    }

    @Test func aRefusedQuestionAndItsReplyAreStoredInOrderBeforeTheNextQuestion() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("alpha one")
        harness.history.refuseWrites = "disk full"
        harness.send("bravo two")
        #expect(harness.state.unsavedReplies.count == 2, "the question and its reply wait")
        #expect(harness.text.contains("not saved"))
        harness.history.refuseWrites = nil
        harness.send("/save")
        #expect(harness.state.unsavedReplies.isEmpty)
        #expect(harness.state.notice?.text.contains("2 messages kept in memory are saved now") == true,
                "\(harness.state.notice?.text ?? "")")
        harness.send("charlie three")
        #expect(try stored(harness) == ["Q:alpha one", "A:", "Q:bravo two", "A:", "Q:charlie three", "A:"])
        #expect(harness.ledger.count == 3, "every request is in the ledger")
        harness.session.settle()
        #expect(harness.messages.allSatisfy { if case .stored = $0.id { true } else { false } }, "\(harness.messages.map(\.id))")
    }

    @Test func aQuestionAskedWhileEarlierOnesWaitIsStoredAfterThem() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("alpha one")
        harness.history.refuseWrites = "disk full"
        harness.send("bravo two")
        harness.history.refuseWrites = nil
        // The disk has room again, but the retry is not due: the next question stores what
        // waits first.
        harness.send("charlie three")
        #expect(try stored(harness) == ["Q:alpha one", "A:", "Q:bravo two", "A:", "Q:charlie three", "A:"])
        #expect(harness.state.unsavedReplies.isEmpty)
    }

    @Test func aQuestionAskedWhileTheDiskIsStillFullWaitsBehindTheEarlierOnes() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("alpha one")
        harness.history.refuseWrites = "disk full"
        harness.send("bravo two")
        harness.send("charlie three")
        #expect(harness.state.unsavedReplies.count == 4)
        harness.history.refuseWrites = nil
        #expect(harness.run { harness.state.unsavedReplies.isEmpty }, "retried on its own")
        harness.session.settle()
        #expect(try stored(harness) == ["Q:alpha one", "A:", "Q:bravo two", "A:", "Q:charlie three", "A:"])
        #expect(harness.ledger.count == 3)
    }

    @Test func aConversationWhoseFirstQuestionWasRefusedIsCreatedByTheRetryAndKept() throws {
        let harness = try AppHarness()
        harness.start()
        harness.history.refuseWrites = "disk full"
        harness.send("first question")
        #expect(harness.state.conversation.id == nil)
        harness.history.refuseWrites = nil
        harness.send("/save")
        #expect(try harness.history.listConversations(includeArchived: true, limit: nil).count == 1)
        let id = try #require(harness.state.conversation.id, "the App adopts the conversation the retry created")
        harness.send("second question")
        #expect(try harness.history.listConversations(includeArchived: true, limit: nil).count == 1, "no second conversation")
        #expect(try harness.history.messages(in: id).map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(try stored(harness) == ["Q:first question", "A:", "Q:second question", "A:"])
    }

    @Test func saveSaysEverythingIsSavedOnlyWhenItIs() throws {
        let harness = try AppHarness()
        harness.start()
        harness.history.refuseWrites = "disk full"
        harness.send("first question")
        harness.send("/save")
        #expect(harness.state.notice?.text.contains("still not saved") == true, "\(harness.state.notice?.text ?? "")")
        #expect(harness.state.unsavedReplies.count == 2)
        harness.history.refuseWrites = nil
        harness.send("/save")
        harness.send("/save")
        #expect(harness.state.notice?.text.contains("Every reply is saved") == true)
        #expect(try stored(harness) == ["Q:first question", "A:"])
    }
}

extension RefusedSavesTests {
    @Test func quittingWithMessagesKeptInMemoryAsksFirstAndStays() throws {
        let harness = try AppHarness()
        harness.start()
        harness.history.refuseWrites = "disk full"
        harness.send("first question")
        harness.press([17])  // Ctrl-Q
        #expect(!harness.state.isFinished)
        guard case .dialog(let dialog) = harness.state.overlay else {
            Issue.record("no dialog: \(String(describing: harness.state.overlay))")
            return
        }
        #expect(dialog.message.contains("2 messages are kept in memory only"))
        harness.press([13])  // Enter: the focused button, Stay
        #expect(!harness.state.isFinished)
        #expect(harness.state.unsavedReplies.count == 2)
        harness.history.refuseWrites = nil
        harness.send("/save")
        harness.press([17])
        #expect(harness.state.isFinished, "nothing is lost: no question")
    }
}
