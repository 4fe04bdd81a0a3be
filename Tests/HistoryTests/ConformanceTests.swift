import ChatCore
import Foundation
import TestSupport
import Testing
@testable import History

/// The SQLite store and its in-memory twin behave the same: every rule the App relies on
/// is checked against both, so a test that runs on `InMemoryHistory` says something true
/// about `ChatStore`. The third backend is the store behind a `DeferredHistory` (opened on
/// its own thread, as the TUI opens it): every call must reach it unchanged.
@Suite("ChatHistory: SQLite and in memory behave alike")
struct ConformanceTests {
    enum Backend: String, CaseIterable, CustomStringConvertible {
        case sqlite, memory, deferred
        var description: String { rawValue }
    }

    /// A history of `backend`, with a clock set by hand (and the folder that holds it).
    static func make(_ backend: Backend) throws -> (ChatHistory, TestClock, TemporaryFolder) {
        let clock = TestClock()
        let folder = try TemporaryFolder()
        switch backend {
        case .sqlite: return (try ChatStore(path: folder.databasePath, now: clock.now), clock, folder)
        case .memory: return (InMemoryHistory(now: clock.now), clock, folder)
        case .deferred:
            let path = folder.databasePath
            let history = DeferredHistory {
                do { return (try ChatStore(path: path, now: clock.now), nil) } catch { return (InMemoryHistory(), "\(error)") }
            }
            let problem = history.wait().problem
            #expect(problem == nil)
            return (history, clock, folder)
        }
    }

    static func settings(_ title: String = "t") -> ConversationSettings {
        ConversationSettings(title: title, model: "deepseek-v4-flash", endpointName: "api.deepseek.com")
    }

    static func entry(_ clock: TestClock, hit: Int = 64, miss: Int = 36, estimated: Bool = false) -> LedgerEntry {
        LedgerEntry(time: clock.now(), endpointHost: "api.deepseek.com", endpointName: "deepseek", model: "deepseek-v4-flash",
                    promptTokens: hit + miss, hitTokens: hit, missTokens: miss, completionTokens: 10, cost: 0.001,
                    costWithoutCache: 0.002, currency: "USD", predictedHitTokens: hit, localPromptTokens: hit + miss,
                    estimated: estimated,
                    plan: PlanRecord(system: "Be brief.", fewShot: nil, messages: [1], complete: true, historyStart: 1,
                                     thinking: false, effort: nil))
    }

    @Test(arguments: Backend.allCases)
    func aReplysLifeAndItsLedgerRow(_ backend: Backend) throws {
        let (history, clock, _) = try Self.make(backend)
        let conversation = try history.createConversation(Self.settings())
        let question = try history.appendMessage(to: conversation.id, role: .user, content: "Q\u{0}nul", reasoning: nil, model: nil)
        #expect(question.ordinal == 1)
        #expect(question.content == "Q\u{FFFD}nul", "NUL is stored as U+FFFD by both")
        let reply = try history.beginReply(in: conversation.id, model: "deepseek-v4-flash")
        #expect(try history.message(reply)?.state == .streaming)
        try history.appendReplyText(reply, content: "Hel", reasoning: "thinking")
        try history.appendReplyText(reply, content: "lo", reasoning: "")
        #expect(try history.message(reply)?.content == "Hello")
        #expect(try history.message(reply)?.reasoningContent == "thinking")
        let recorded = try history.completeReply(reply, content: "Hello!", reasoning: nil, ledger: Self.entry(clock))
        #expect(recorded.conversation == conversation.id && recorded.message == reply && recorded.id != nil)
        #expect(recorded.plan?.system == "Be brief.")
        let stored = try #require(try history.message(reply))
        #expect(stored.state == .complete && stored.content == "Hello!" && stored.reasoningContent == "thinking" && stored.ordinal == 2)
        // A finished reply cannot be changed again.
        #expect(throws: (any Error).self) { try history.appendReplyText(reply, content: "x", reasoning: "") }
        #expect(throws: (any Error).self) { try history.completeReply(reply, content: "x", reasoning: nil, ledger: Self.entry(clock)) }

        let stopped = try history.beginReply(in: conversation.id, model: "m")
        var estimated = Self.entry(clock, hit: 0, miss: 100, estimated: true)
        estimated.outcome = .interrupted(reason: "stopped")
        try history.interruptReply(stopped, reason: "stopped", content: "part", reasoning: nil, ledger: estimated)
        #expect(try history.message(stopped)?.state == .interrupted(reason: "stopped"))
        let failed = try history.beginReply(in: conversation.id, model: "m")
        try history.failReply(failed, message: "400", content: nil, ledger: nil)
        #expect(try history.message(failed)?.state == .failed(message: "400"))
        #expect(try history.messages(in: conversation.id).map(\.ordinal) == [1, 2, 3, 4])

        // Only the last message can go.
        #expect(throws: (any Error).self) { try history.deleteLastMessage(reply) }
        try history.deleteLastMessage(failed)
        #expect(try history.messages(in: conversation.id).count == 3)

        let rows = try history.ledgerEntries(LedgerFilter(conversation: conversation.id))
        #expect(rows.map(\.estimated) == [false, true])
        #expect(rows.map(\.outcome) == [.ok, .interrupted(reason: "stopped")])
        let totals = try history.ledgerTotals(LedgerFilter(conversation: conversation.id))
        #expect(totals.requests == 2 && totals.hitTokens == 64 && totals.missTokens == 136 && totals.completionTokens == 20)
        #expect(totals.estimatedRequests == 1)
        #expect(totals.cost(in: "USD")?.cost == 0.002)
        // The estimated row's hit is the prediction itself: not counted as a prediction.
        #expect(totals.prediction.requests == 1 && totals.prediction.exact == 1)
        #expect(try history.recentLedgerEntries(LedgerFilter(conversation: conversation.id), limit: 1).map(\.estimated) == [true])
    }

    @Test(arguments: Backend.allCases)
    func conversationsListForkSearchAndDelete(_ backend: Backend) throws {
        let (history, clock, _) = try Self.make(backend)
        let first = try history.createConversation(Self.settings("Über caching"))
        clock.advance(10)
        let second = try history.createConversation(Self.settings("Second"))
        try history.appendMessage(to: first.id, role: .user, content: "about prefixes", reasoning: nil, model: nil)
        clock.advance(10)
        try history.appendMessage(to: first.id, role: .assistant, content: "an answer", reasoning: "über", model: "m")
        let streaming = try history.beginReply(in: first.id, model: "m")
        #expect(try history.listConversations(includeArchived: false, limit: nil).map(\.conversation.id) == [first.id, second.id],
                "most recently active first")
        #expect(try history.listConversations(includeArchived: false, limit: 1).first?.messageCount == 3)
        #expect(try history.searchConversations(SearchQuery("über"), limit: nil).map(\.conversation.id) == [first.id])
        #expect(try history.searchConversations(SearchQuery("PREFIXES"), limit: nil).map(\.conversation.id) == [first.id])

        let fork = try history.forkConversation(first.id, atOrdinal: 4, title: nil)
        #expect(fork.title == "Über caching (fork)")
        #expect(fork.forkedFrom == Conversation.ForkOrigin(conversation: first.id, ordinal: 4))
        let copied = try history.messages(in: fork.id)
        #expect(copied.map(\.ordinal) == [1, 2, 3])
        #expect(copied.last?.state == .interrupted(reason: "copied into a fork while still being written"))
        #expect(copied.first?.parentID != nil)
        #expect(throws: (any Error).self) { try history.forkConversation(first.id, atOrdinal: 9, title: nil) }

        try history.interruptReply(streaming, reason: "stopped", content: nil, reasoning: nil, ledger: Self.entry(clock))
        try history.renameConversation(second.id, to: "Renamed")
        #expect(try history.conversation(second.id)?.title == "Renamed")
        var updated = try #require(try history.conversation(second.id))
        updated.historyStart = 3
        updated.systemPrompt = "New"
        try history.updateConversation(updated)
        #expect(try history.conversation(second.id)?.historyStart == 3)
        #expect(try history.conversation(second.id)?.systemPrompt == "New")

        // A history cut before the fork point holds in the fork; one at or after it does not.
        var cut = try #require(try history.conversation(fork.id))
        cut.historyStart = 2
        try history.updateConversation(cut)
        #expect(try history.forkConversation(fork.id, atOrdinal: 3, title: nil).historyStart == 2)
        #expect(try history.forkConversation(fork.id, atOrdinal: 2, title: nil).historyStart == nil)

        try history.deleteConversation(first.id)
        #expect(try history.conversation(first.id) == nil)
        #expect(try history.messages(in: first.id).isEmpty)
        let orphan = try #require(try history.ledgerEntries(LedgerFilter()).first)
        #expect(orphan.conversation == nil && orphan.message == nil, "the ledger keeps the request, unlinked")
        #expect(try history.conversation(fork.id)?.forkedFrom == nil)
        #expect(throws: (any Error).self) { try history.deleteConversation(first.id) }
    }

    @Test(arguments: Backend.allCases)
    func fewShotUsageCountsConversationsPerVersion(_ backend: Backend) throws {
        let (history, _, _) = try Self.make(backend)
        for version in ["v1", "v1", "v2"] {
            _ = try history.createConversation(ConversationSettings(title: "t", model: "m", endpointName: "e",
                                                                    fewShotSetName: "demo", fewShotVersion: version))
        }
        #expect(try history.fewShotUsage(name: "demo") == ["v1": 2, "v2": 1])
        #expect(try history.fewShotUsage(name: "other").isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func keysNeverReachTheHistory(_ backend: Backend) throws {
        let (history, clock, _) = try Self.make(backend)
        let conversation = try history.createConversation(ConversationSettings(
            title: "t", model: "m", endpointName: "proxy sk-abcdefghijklmnop1234"))
        #expect(try history.conversation(conversation.id)?.endpointName.contains("abcdefghijklmnop") == false)
        var entry = Self.entry(clock)
        entry.endpointName = "Bearer abcdefghijklmnopqrstuvwx"
        let recorded = try history.recordRequest(entry)
        #expect(!recorded.endpointName.contains("abcdefghijklmnop"))
    }
}
