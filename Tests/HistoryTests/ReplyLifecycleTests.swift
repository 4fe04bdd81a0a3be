import ChatCore
import Foundation
import GRDB
import Testing
@testable import History

@Suite("Reply lifecycle")
struct ReplyLifecycleTests {
    @Test func beginCheckpointComplete() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation(thinking: true)
        try fixture.store.appendMessage(to: conversation.id, content: "Why cache?")
        fixture.clock.advance(1)
        let reply = try fixture.store.beginReply(in: conversation.id, model: "deepseek-v4-flash")

        var stored = try #require(try fixture.store.message(reply))
        #expect(stored.state == .streaming && stored.role == .assistant && stored.content.isEmpty)
        #expect(stored.reasoningContent == nil && stored.model == "deepseek-v4-flash")

        try fixture.store.appendReplyText(reply, content: "", reasoning: "Let me think. ")
        try fixture.store.appendReplyText(reply, content: "Prefix ", reasoning: "前缀")
        try fixture.store.appendReplyText(reply, content: "caching 👍🏽")
        stored = try #require(try fixture.store.message(reply))
        #expect(stored.content == "Prefix caching 👍🏽")
        #expect(stored.reasoningContent == "Let me think. 前缀")
        #expect(stored.state == .streaming)

        fixture.clock.advance(5)
        let entry = try fixture.store.completeReply(
            reply, content: "Prefix caching saves money.", reasoning: "Let me think. 前缀缓存",
            ledger: .fixture(hit: 896, miss: 104, completion: 40, reasoning: 12, cost: 0.01, withoutCache: 0.02, predicted: 896))
        stored = try #require(try fixture.store.message(reply))
        #expect(stored.state == .complete)
        #expect(stored.content == "Prefix caching saves money.")
        #expect(stored.reasoningContent == "Let me think. 前缀缓存")
        #expect(entry.id != nil && entry.message == reply && entry.conversation == conversation.id)
        #expect(entry.hitTokens == 896 && entry.predictedHitTokens == 896 && entry.reasoningTokens == 12)
        #expect(try fixture.store.ledgerEntries() == [entry])
        #expect(try fixture.store.conversation(conversation.id)?.updated == TestClock.date("2026-05-01T10:00:06Z"))
    }

    @Test func aFailureInsideTheCompletionTransactionLeavesNeitherTextNorLedgerRow() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        let reply = try fixture.store.beginReply(in: conversation.id, model: "deepseek-v4-flash")
        try fixture.store.appendReplyText(reply, content: "checkpointed")
        // The message UPDATE runs first and succeeds; the ledger INSERT then violates a CHECK
        // constraint (negative tokens), so the whole transaction must roll back.
        let bad = LedgerEntry.fixture(hit: -1, miss: 10, completion: 5)
        #expect(throws: StoreError.self) {
            try fixture.store.completeReply(reply, content: "final text", reasoning: "why", ledger: bad)
        }
        let stored = try #require(try fixture.store.message(reply))
        #expect(stored.state == .streaming)
        #expect(stored.content == "checkpointed")
        #expect(stored.reasoningContent == nil)
        #expect(try fixture.store.ledgerEntries().isEmpty)

        // And the reply can still be completed afterwards.
        try fixture.store.completeReply(reply, content: "final text", reasoning: nil, ledger: .fixture(hit: 0, miss: 10, completion: 5))
        #expect(try fixture.store.message(reply)?.state == .complete)
        #expect(try fixture.store.ledgerEntries().count == 1)
    }

    @Test func interruptKeepsTheCheckpointOrTheNewerTextGiven() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        let first = try fixture.store.beginReply(in: conversation.id, model: "m")
        try fixture.store.appendReplyText(first, content: "half an ans")
        try fixture.store.interruptReply(first, reason: "cancelled")
        #expect(try fixture.store.message(first)?.state == .interrupted(reason: "cancelled"))
        #expect(try fixture.store.message(first)?.content == "half an ans")

        let second = try fixture.store.beginReply(in: conversation.id, model: "m")
        try fixture.store.appendReplyText(second, content: "half")
        let entry = LedgerEntry(time: fixture.clock.now(), endpointHost: "h", endpointName: "n", model: "m",
                                outcome: .interrupted(reason: "connection lost"))
        let recorded = try fixture.store.interruptReply(second, reason: "connection lost", content: "half an answer", ledger: entry)
        #expect(try fixture.store.message(second)?.content == "half an answer")
        #expect(recorded?.outcome == .interrupted(reason: "connection lost"))
        #expect(recorded?.message == second)
    }

    @Test func failRecordsTheErrorMessage() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        let reply = try fixture.store.beginReply(in: conversation.id, model: "m")
        let entry = LedgerEntry(time: fixture.clock.now(), endpointHost: "h", endpointName: "n", model: "m",
                                outcome: .error(kind: "http-402"))
        try fixture.store.failReply(reply, message: "DeepSeek says: Insufficient Balance (402).", ledger: entry)
        #expect(try fixture.store.message(reply)?.state == .failed(message: "DeepSeek says: Insufficient Balance (402)."))
        #expect(try fixture.store.ledgerEntries().map(\.outcome) == [.error(kind: "http-402")])
    }

    @Test func onlyAStreamingReplyCanBeChanged() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        let user = try fixture.store.appendMessage(to: conversation.id, content: "hi")
        let reply = try fixture.store.beginReply(in: conversation.id, model: "m")
        try fixture.store.completeReply(reply, content: "done", reasoning: nil, ledger: .fixture(hit: 0, miss: 1, completion: 1))
        for id in [user.id, reply] {
            #expect { try fixture.store.appendReplyText(id, content: "more") } throws: { ($0 as? StoreError)?.kind == .invalidState }
            #expect { try fixture.store.completeReply(id, content: "x", reasoning: nil, ledger: .fixture(hit: 0, miss: 1, completion: 1)) }
                throws: { ($0 as? StoreError)?.kind == .invalidState }
            #expect(throws: StoreError.self) { try fixture.store.interruptReply(id, reason: "x") }
        }
        #expect { try fixture.store.appendReplyText(MessageID(999), content: "x") } throws: { ($0 as? StoreError)?.kind == .notFound }
        #expect(try fixture.store.ledgerEntries().count == 1)
        #expect(try fixture.store.message(reply)?.content == "done")
    }

    @Test func aRequestWithoutAReplyIsRecordedOnItsOwn() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        let entry = LedgerEntry(time: TestClock.date("2026-05-01T10:00:00Z"), endpointHost: "api.deepseek.com",
                                endpointName: "DeepSeek", model: "deepseek-v4-pro", conversation: conversation.id,
                                predictedHitTokens: 128, totalSeconds: 0.2, outcome: .error(kind: "http-401"))
        let recorded = try fixture.store.recordRequest(entry)
        var expected = entry
        expected.id = recorded.id
        #expect(recorded == expected)
    }
}

@Suite("Crash recovery on open")
struct RecoveryTests {
    @Test func aReplyLeftStreamingByADeadProcessBecomesInterrupted() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        try fixture.store.appendMessage(to: conversation.id, content: "q")
        let reply = try fixture.store.beginReply(in: conversation.id, model: "m")
        try fixture.store.appendReplyText(reply, content: "partial ", reasoning: "thinking")
        // Pretend the writer was another process that has exited.
        let dead = try exitedProcessID()
        try fixture.store.write { db in
            try db.execute(sql: "UPDATE message SET writer_pid = ? WHERE id = ?", arguments: [dead, reply.rawValue])
        }

        let reopened = try fixture.reopen()
        let stored = try #require(try reopened.message(reply))
        #expect(stored.state == .interrupted(reason: "cachechat stopped before the reply finished"))
        #expect(stored.content == "partial " && stored.reasoningContent == "thinking")
        #expect(try reopened.messages(in: conversation.id).allSatisfy { $0.state != .streaming })
        // The request that was cut off is still counted, with what is known about it.
        let ledger = try reopened.ledgerEntries()
        #expect(ledger.count == 1)
        #expect(ledger.first?.message == reply && ledger.first?.conversation == conversation.id)
        #expect(ledger.first?.outcome == .interrupted(reason: StoredMessage.State.stoppedReason))
        #expect(ledger.first?.model == "m" && ledger.first?.endpointName == "api.deepseek.com")
        #expect(ledger.first?.promptTokens == nil && ledger.first?.cost == nil)
        #expect(try reopened.recoverInterruptedReplies().isEmpty, "recovery runs once")
        #expect(try fixture.reopen().ledgerEntries().count == 1)
    }

    @Test func aReplyLeftByThisProcessIsRecoveredToo() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        let reply = try fixture.store.beginReply(in: conversation.id, model: "m")
        #expect(try fixture.reopen().message(reply)?.state == .interrupted(reason: StoredMessage.State.stoppedReason))
    }

    @Test func aReplyOfAProcessThatStillRunsIsLeftAlone() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        let reply = try fixture.store.beginReply(in: conversation.id, model: "m")
        // pid 1 always exists: another cachechat session still writing its reply.
        try fixture.store.write { db in
            try db.execute(sql: "UPDATE message SET writer_pid = 1 WHERE id = ?", arguments: [reply.rawValue])
        }
        let reopened = try fixture.reopen()
        #expect(try reopened.message(reply)?.state == .streaming)
        try fixture.store.appendReplyText(reply, content: "still going")
        try fixture.store.completeReply(reply, content: "still going", reasoning: nil, ledger: .fixture(hit: 0, miss: 1, completion: 1))
        #expect(try reopened.message(reply)?.state == .complete)
    }

    func exitedProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exit 0"]
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
