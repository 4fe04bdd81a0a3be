import ChatCore
import Foundation
import Testing
@testable import History

@Suite("Forks")
struct ForkTests {
    /// user 1, assistant 2, user 3, assistant 4.
    func fourMessages(_ fixture: StoreFixture) throws -> Conversation {
        var settings = ConversationSettings(title: "Original", model: "deepseek-v4-pro", endpointName: "DeepSeek",
                                            systemPrompt: "You are terse.", thinking: true)
        settings.fewShotSetName = "terse"
        let conversation = try fixture.store.createConversation(settings)
        for round in 1...2 {
            try fixture.store.appendMessage(to: conversation.id, content: "question \(round)")
            let reply = try fixture.store.beginReply(in: conversation.id, model: "deepseek-v4-pro")
            try fixture.store.completeReply(reply, content: "answer \(round)", reasoning: "thought \(round)",
                                            ledger: .fixture(hit: 0, miss: 100, completion: 10))
        }
        return conversation
    }

    @Test func forkCopiesTheMessagesBeforeTheEditedOne() throws {
        let fixture = try StoreFixture()
        let original = try fourMessages(fixture)
        fixture.clock.advance(3600)
        let fork = try fixture.store.forkConversation(original.id, atOrdinal: 3)
        #expect(fork.id != original.id)
        #expect(fork.title == "Original (fork)")
        #expect(fork.forkedFrom == Conversation.ForkOrigin(conversation: original.id, ordinal: 3))
        #expect(fork.model == original.model && fork.systemPrompt == original.systemPrompt)
        #expect(fork.thinking && fork.fewShotSetName == "terse")
        #expect(fork.created == TestClock.date("2026-05-01T11:00:00Z"))

        let source = try fixture.store.messages(in: original.id)
        let copies = try fixture.store.messages(in: fork.id)
        #expect(copies.map(\.content) == ["question 1", "answer 1"])
        #expect(copies.map(\.reasoningContent) == [nil, "thought 1"])
        #expect(copies.map(\.ordinal) == [1, 2])
        #expect(copies.map(\.parentID) == source.prefix(2).map(\.id))
        #expect(copies.allSatisfy { $0.conversation == fork.id && $0.state == .complete })

        // The edit continues in the fork; the original is untouched.
        let edited = try fixture.store.appendMessage(to: fork.id, content: "question 2, rephrased")
        #expect(edited.ordinal == 3)
        #expect(try fixture.store.messages(in: original.id) == source)
        // Costs belong to the original requests only.
        #expect(try fixture.store.totals(for: fork.id).requests == 0)
        #expect(try fixture.store.totals(for: original.id).requests == 2)
    }

    @Test func forkBoundsAreChecked() throws {
        let fixture = try StoreFixture()
        let original = try fourMessages(fixture)
        #expect(try fixture.store.messages(in: fixture.store.forkConversation(original.id, atOrdinal: 1).id).isEmpty)
        #expect(try fixture.store.messages(in: fixture.store.forkConversation(original.id, atOrdinal: 5, title: "All").id).count == 4)
        #expect(throws: StoreError.self) { try fixture.store.forkConversation(original.id, atOrdinal: 0) }
        #expect(throws: StoreError.self) { try fixture.store.forkConversation(original.id, atOrdinal: 6) }
        #expect(throws: StoreError.self) { try fixture.store.forkConversation(ConversationID(99), atOrdinal: 1) }
    }

    @Test func aReplyStillStreamingIsCopiedAsInterrupted() throws {
        let fixture = try StoreFixture()
        let original = try fixture.conversation()
        try fixture.store.appendMessage(to: original.id, content: "q")
        let reply = try fixture.store.beginReply(in: original.id, model: "m")
        try fixture.store.appendReplyText(reply, content: "partial")
        let fork = try fixture.store.forkConversation(original.id, atOrdinal: 3)
        let copy = try #require(try fixture.store.messages(in: fork.id).last)
        #expect(copy.content == "partial")
        guard case .interrupted = copy.state else { Issue.record("copy is \(copy.state)"); return }
        #expect(try fixture.store.message(reply)?.state == .streaming)
    }

    @Test func deletingTheSourceKeepsTheFork() throws {
        let fixture = try StoreFixture()
        let original = try fourMessages(fixture)
        let fork = try fixture.store.forkConversation(original.id, atOrdinal: 3)
        try fixture.store.deleteConversation(original.id)
        let survivor = try #require(try fixture.store.conversation(fork.id))
        #expect(survivor.forkedFrom == nil)
        #expect(try fixture.store.messages(in: fork.id).map(\.parentID) == [nil, nil])
        #expect(try fixture.store.messages(in: fork.id).count == 2)
    }
}
