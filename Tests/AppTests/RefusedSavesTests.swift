import ChatCore
import Testing
@testable import App
import Emulator

/// A full disk refuses the history's writes for a while: everything said meanwhile is
/// stored once it has room — the questions too, in the order they were asked, and the
/// conversation itself when its first question was refused — and "saved" is said only then.
@Suite("saves the history refused")
struct RefusedSavesTests {
    /// "alpha one" answered and stored, then "bravo two" and its reply refused by a full
    /// disk (the disk is still full).
    static func bravoRefused() throws -> AppHarness {
        let harness = try AppHarness()
        harness.start()
        harness.send("alpha one")
        harness.history.refuseWrites = "disk full"
        harness.send("bravo two")
        return harness
    }

    func stored(_ harness: AppHarness) throws -> [String] {
        let conversations = try harness.history.listConversations(includeArchived: true, limit: nil)
        return try conversations.flatMap { try harness.history.messages(in: $0.conversation.id) }
            .sorted { $0.ordinal < $1.ordinal }.map { "\($0.role == .user ? "Q" : "A"):\($0.role == .user ? $0.content : "")" }
    }

    @Test func aRefusedQuestionAndItsReplyAreStoredInOrderBeforeTheNextQuestion() throws {
        let harness = try Self.bravoRefused()
        #expect(harness.state.unsavedSaves.count == 2, "the question and its reply wait")
        #expect(harness.text.contains("not saved"))
        harness.history.refuseWrites = nil
        harness.send("/save")
        #expect(harness.state.unsavedSaves.isEmpty)
        #expect(harness.state.notice?.text.contains("2 messages kept in memory are saved now") == true,
                "\(harness.state.notice?.text ?? "")")
        harness.send("charlie three")
        #expect(try stored(harness) == ["Q:alpha one", "A:", "Q:bravo two", "A:", "Q:charlie three", "A:"])
        #expect(harness.ledger.count == 3, "every request is in the ledger")
        harness.session.settle()
        #expect(harness.messages.allSatisfy { if case .stored = $0.id { true } else { false } }, "\(harness.messages.map(\.id))")
    }

    @Test func aQuestionAskedWhileEarlierOnesWaitIsStoredAfterThem() throws {
        let harness = try Self.bravoRefused()
        harness.history.refuseWrites = nil
        // The disk has room again, but the retry is not due: the next question stores what
        // waits first.
        harness.send("charlie three")
        #expect(try stored(harness) == ["Q:alpha one", "A:", "Q:bravo two", "A:", "Q:charlie three", "A:"])
        #expect(harness.state.unsavedSaves.isEmpty)
    }

    @Test func aQuestionAskedWhileTheDiskIsStillFullWaitsBehindTheEarlierOnes() throws {
        let harness = try Self.bravoRefused()
        harness.send("charlie three")
        #expect(harness.state.unsavedSaves.count == 4)
        harness.history.refuseWrites = nil
        #expect(harness.run { harness.state.unsavedSaves.isEmpty }, "retried on its own")
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
        #expect(harness.state.unsavedSaves.count == 2)
        harness.history.refuseWrites = nil
        harness.send("/save")
        harness.send("/save")
        #expect(harness.state.notice?.text.contains("Every message is saved") == true)
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
        #expect(harness.state.unsavedSaves.count == 2)
        harness.history.refuseWrites = nil
        harness.send("/save")
        harness.press([17])
        #expect(harness.state.isFinished, "nothing is lost: no question")
    }
}

extension RefusedSavesTests {
    /// Two new conversations whose first questions were refused stay two conversations.
    @Test func aNewConversationsQuestionDoesNotJoinAnotherNewOne() throws {
        let harness = try AppHarness()
        harness.start()
        harness.history.refuseWrites = "disk full"
        harness.send("alpha question one")
        harness.press(.ctrlN)
        harness.send("bravo question two")
        harness.history.refuseWrites = nil
        harness.send("/save")
        let conversations = try harness.history.listConversations(includeArchived: true, limit: nil)
        #expect(conversations.count == 2, "\(conversations.map(\.conversation.title))")
        for summary in conversations {
            let messages = try harness.history.messages(in: summary.conversation.id)
            #expect(messages.map(\.role) == [.user, .assistant])
            #expect(messages.first?.content == summary.conversation.title)
        }
        #expect(harness.state.conversation.record?.title == "bravo question two", "the open conversation is bravo")
        #expect(harness.ledger.count == 2)
        #expect(Set(harness.ledger.compactMap(\.conversation)).count == 2)
    }

    /// A retry that stores some and is refused on others says so, and keeps counting.
    @Test func aRetryThatStoresOnlySomeSaysSo() {
        let target = SaveTarget(conversation: nil, lastStored: nil)
        var calls: [String] = []
        func save(_ name: String, _ result: String?, _ target: SaveTarget?) -> AppState.UnsavedSave {
            AppState.UnsavedSave(conversation: nil, retry: { calls.append(name); return result }, target: target)
        }
        let other = SaveTarget(conversation: nil, lastStored: nil)
        let retried = AppRuntime.retry([save("a1", nil, target), save("a2", "full", target), save("a3", nil, target),
                                        save("b1", nil, other)])
        #expect(calls == ["a1", "a2", "b1"], "a3 waits behind a2; b1 is another conversation's")
        #expect(retried.saved == 2)
        #expect(retried.left.count == 2)
        #expect(retried.problem == "full")
    }
}

extension RefusedSavesTests {
    /// Ctrl-Q while a reply streams on a full disk: when it ends the dialog does not say
    /// "saved"; it asks about what would be lost, on Stay.
    @Test func quittingDuringAStreamOnAFullDiskDoesNotSaySaved() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(tokensPerSecond: 50, replyTokens: 40))
        harness.start()
        harness.history.refuseWrites = "disk full"
        harness.session.type("Tell me something")
        harness.session.press([13])
        #expect(harness.run { !(harness.state.turn?.content.isEmpty ?? true) })
        harness.session.press([17])  // Ctrl-Q
        #expect(harness.run { harness.state.turn == nil })
        guard case .dialog(let dialog)? = harness.state.overlay else { Issue.record("no dialog"); return }
        #expect(dialog.title == "Quit without saving?", "\(dialog.message)")
        #expect(!dialog.message.contains("is saved"))
        #expect(dialog.focused == 1)
        harness.press(.enter)
        #expect(!harness.state.isFinished)
        #expect(harness.state.unsavedSaves.count == 2)
    }
}

extension RefusedSavesTests {
    /// F5, /continue, /each and /edit start from what the history holds: while this
    /// conversation's messages wait to be stored they say so instead (a regenerated reply
    /// would otherwise be stored beside the one it replaced).
    @Test func whatRewritesTheConversationWaitsForItsSaves() throws {
        let harness = try Self.bravoRefused()
        let requests = harness.transport.requests.count
        for command in ["/regen", "/continue", "/each q1", "/edit"] {
            harness.send(command)
            #expect(harness.state.notice?.text.contains("not saved yet") == true, "\(command): \(harness.state.notice?.text ?? "")")
        }
        #expect(harness.transport.requests.count == requests, "nothing was sent")
        harness.history.refuseWrites = nil
        harness.send("/save")
        harness.send("/regen")
        harness.session.settle()
        #expect(try stored(harness) == ["Q:alpha one", "A:", "Q:bravo two", "A:"], "the regenerated reply replaced the stored one")
    }
}

/// The draft's context warning counts `max_tokens` too: the server refuses a prompt plus
/// `max_tokens` over the window.
@Suite("context warning with max_tokens")
struct ContextWarningMaxTokensTests {
    @Test func maxTokensCountsTowardsTheWindow() throws {
        var options = RequestOptions()
        options.maxTokens = 950
        let harness = try AppHarness(contextLimit: 1_000, options: options)
        harness.start()
        harness.type(String(repeating: "cache prefix tokens ", count: 30))
        let warnings = harness.panel?.warnings ?? []
        #expect(warnings.contains { $0.hasPrefix("Over the context window") && $0.contains("with max_tokens 950") }, "\(warnings)")
        let plain = try AppHarness(contextLimit: 1_000)
        plain.start()
        plain.type(String(repeating: "cache prefix tokens ", count: 30))
        #expect(!(plain.panel?.warnings ?? []).contains { $0.hasPrefix("Over the context window") })
    }
}

extension RefusedSavesTests {
    /// Another writer added to the conversation before the retry: the message cannot be
    /// stored in its place, and the notice says so (not "nothing was sent").
    @Test func aRetryAfterAnotherWriterSaysWhatHappened() throws {
        let harness = try Self.bravoRefused()
        let id = try #require(harness.state.conversation.id)
        harness.history.refuseWrites = nil
        _ = try harness.history.appendMessage(to: id, role: .user, content: "from another process", reasoning: nil, model: nil)
        harness.send("/save")
        let notice = harness.state.notice?.text ?? ""
        #expect(notice.contains("another cachechat added to this conversation"), "\(notice)")
        #expect(!notice.contains("nothing was sent"))
        #expect(harness.state.unsavedSaves.count == 2)
    }
}
