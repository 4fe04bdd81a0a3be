import ChatCore
import Foundation
import Testing
@testable import History

@Suite("Conversations: create, read, update, delete, search")
struct ConversationTests {
    @Test func createsAndReadsBackEveryField() throws {
        let fixture = try StoreFixture()
        let settings = ConversationSettings(
            title: "Few-shot translator", model: "deepseek-v4-pro", endpointName: "work profile",
            systemPrompt: "Translate to French.", fewShotSetName: "fr", fewShotVersion: "sha256:ab12", thinking: true)
        let created = try fixture.store.createConversation(settings)
        #expect(created.title == "Few-shot translator")
        #expect(created.model == "deepseek-v4-pro")
        #expect(created.endpointName == "work profile")
        #expect(created.systemPrompt == "Translate to French.")
        #expect(created.fewShotSetName == "fr")
        #expect(created.fewShotVersion == "sha256:ab12")
        #expect(created.thinking)
        #expect(!created.archived)
        #expect(created.forkedFrom == nil)
        #expect(created.created == TestClock.date("2026-05-01T10:00:00Z"))
        #expect(try fixture.store.conversation(created.id) == created)
        #expect(try fixture.store.conversation(ConversationID(999)) == nil)
    }

    @Test func updatesRenamesArchivesAndDeletes() throws {
        let fixture = try StoreFixture()
        var conversation = try fixture.conversation()
        try fixture.store.renameConversation(conversation.id, to: "Renamed")
        #expect(try fixture.store.conversation(conversation.id)?.title == "Renamed")

        conversation.title = "Edited"
        conversation.model = "deepseek-v4-pro"
        conversation.systemPrompt = "Be brief."
        conversation.thinking = true
        try fixture.store.updateConversation(conversation)
        #expect(try fixture.store.conversation(conversation.id) == conversation)

        try fixture.store.setArchived(conversation.id, true)
        #expect(try fixture.store.listConversations().isEmpty)
        #expect(try fixture.store.listConversations(includeArchived: true).count == 1)

        try fixture.store.deleteConversation(conversation.id)
        #expect(try fixture.store.conversation(conversation.id) == nil)
        #expect(throws: StoreError.self) { try fixture.store.deleteConversation(conversation.id) }
        #expect(throws: StoreError.self) { try fixture.store.renameConversation(ConversationID(42), to: "x") }
    }

    @Test func deletingAConversationDropsItsMessagesButKeepsItsCosts() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        try fixture.store.appendMessage(to: conversation.id, content: "question")
        let reply = try fixture.store.beginReply(in: conversation.id, model: "deepseek-v4-flash")
        try fixture.store.completeReply(reply, content: "answer", reasoning: nil,
                                        ledger: .fixture(hit: 0, miss: 10, completion: 5, cost: 0.5, withoutCache: 0.5))
        try fixture.store.deleteConversation(conversation.id)
        #expect(try fixture.store.message(reply) == nil)
        let ledger = try fixture.store.ledgerEntries()
        #expect(ledger.count == 1)
        #expect(ledger[0].conversation == nil && ledger[0].message == nil)
        #expect(try fixture.store.stats().cost(in: "USD")?.cost == 0.5)
    }

    @Test func listsMostRecentlyActiveFirstWithMessageCounts() throws {
        let fixture = try StoreFixture()
        let older = try fixture.conversation("Older")
        fixture.clock.advance(60)
        let newer = try fixture.conversation("Newer")
        fixture.clock.advance(60)
        try fixture.store.appendMessage(to: older.id, content: "bump")
        try fixture.store.appendMessage(to: older.id, content: "again")

        let list = try fixture.store.listConversations()
        #expect(list.map(\.conversation.title) == ["Older", "Newer"])
        #expect(list.map(\.messageCount) == [2, 0])
        #expect(list[0].lastActivity == TestClock.date("2026-05-01T10:02:00Z"))
        #expect(list[1].lastActivity == newer.created)
        #expect(try fixture.store.listConversations(limit: 1).count == 1)
    }

    @Test func messagesGetConsecutiveOrdinalsPerConversation() throws {
        let fixture = try StoreFixture()
        let a = try fixture.conversation("A"), b = try fixture.conversation("B")
        try fixture.store.appendMessage(to: a.id, content: "a1")
        try fixture.store.appendMessage(to: b.id, content: "b1")
        let reply = try fixture.store.beginReply(in: a.id, model: "m")
        try fixture.store.appendMessage(to: a.id, role: .user, content: "a3")
        #expect(try fixture.store.messages(in: a.id).map(\.ordinal) == [1, 2, 3])
        #expect(try fixture.store.messages(in: b.id).map(\.ordinal) == [1])
        #expect(try fixture.store.message(reply)?.ordinal == 2)
        #expect(throws: StoreError.self) { try fixture.store.appendMessage(to: ConversationID(77), content: "x") }
    }

    @Test func usageCountsConversationsPerVersion() throws {
        let fixture = try StoreFixture()
        for version in ["v1", "v1", "v2"] {
            _ = try fixture.store.createConversation(ConversationSettings(title: "t", model: "m", endpointName: "e",
                                                                         fewShotSetName: "demo", fewShotVersion: version))
        }
        _ = try fixture.store.createConversation(ConversationSettings(title: "t", model: "m", endpointName: "e"))
        #expect(try fixture.store.fewShotUsage(name: "demo") == ["v1": 2, "v2": 1])
        #expect(try fixture.store.fewShotUsage(name: "other").isEmpty)
    }
}
