import ChatCore
import Foundation
import GRDB
import TestSupport
import Testing
@testable import History

/// What search costs on a large history, as ratios measured in the same run (the numbers
/// are printed for the record; nothing is compared with an absolute time).
@Suite("Search performance")
struct SearchPerformanceTests {
    static let conversations = 2_000
    static let messagesEach = 10
    static let words = ["prefix", "cache", "token", "reply", "model", "question", "answer", "context", "request", "window",
                        "price", "unit", "hit", "miss", "the", "of", "and", "a", "to", "is", "前缀", "缓存", "上下文"]

    /// Text of about 300 characters from a fixed vocabulary, with one rare word in
    /// conversation 1,234 only.
    static func text(_ conversation: Int, _ message: Int) -> String {
        var generator = SplitMix64(seed: UInt64(conversation * 100 + message))
        var words = (0..<50).map { _ in generator.pick(Self.words) }
        if conversation == 1_234 && message == 7 { words.append("zanzibar") }
        return words.joined(separator: " ")
    }

    /// A store holding 2,000 conversations of 10 messages (written in one transaction, as
    /// the triggers index them), and its in-memory twin.
    static func fixture() throws -> (ChatStore, InMemoryHistory, TemporaryFolder) {
        let folder = try TemporaryFolder()
        let store = try ChatStore(path: folder.databasePath)
        let memory = InMemoryHistory()
        try store.write { db in
            for c in 0..<conversations {
                try db.execute(sql: """
                    INSERT INTO conversation (title, created_at, updated_at, model, endpoint_name)
                    VALUES (?, '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000', 'deepseek-chat', 'local')
                    """, arguments: ["Conversation \(c)"])
                let id = db.lastInsertedRowID
                for m in 0..<messagesEach {
                    try db.execute(sql: """
                        INSERT INTO message (conversation_id, ordinal, role, content, created_at, state)
                        VALUES (?, ?, ?, ?, '2026-11-01 10:00:00.000', 'complete')
                        """, arguments: [id, m + 1, m % 2 == 0 ? "user" : "assistant", text(c, m)])
                }
            }
        }
        for c in 0..<conversations {
            let conversation = try memory.createConversation(ConversationSettings(title: "Conversation \(c)", model: "m", endpointName: "e"))
            for m in 0..<messagesEach { try memory.appendMessage(to: conversation.id, role: m % 2 == 0 ? .user : .assistant, content: text(c, m)) }
        }
        return (store, memory, folder)
    }

    @Test func searchingCostsAboutWhatListingDoes() throws {
        let (store, memory, folder) = try Self.fixture()
        defer { withExtendedLifetime(folder) {} }
        func time(_ history: ChatHistory, _ text: String, limit: Int? = 500) throws -> (Double, Int) {
            var count = 0
            let seconds = try Timing.fastest(of: 3) { count = try history.searchConversations(SearchQuery(text), limit: limit).count }
            return (seconds, count)
        }
        // What Ctrl-O already does when it opens: list the 500 most recent.
        let list = try Timing.fastest(of: 5) { _ = try store.listConversations(includeArchived: false, limit: 500) }
        let memoryList = try Timing.fastest(of: 5) { _ = try memory.listConversations(includeArchived: false, limit: 500) }

        let (rare, rareCount) = try time(store, "zanzibar")
        let (common, commonCount) = try time(store, "question window")
        let (short, shortCount) = try time(store, "缓存")
        let (memoryRare, memoryRareCount) = try time(memory, "zanzibar")
        let (memoryCommon, _) = try time(memory, "question window")
        #expect(rareCount == 1 && memoryRareCount == 1)
        #expect(commonCount == 500 && shortCount == 500, "limited to 500, as the list")

        // The same search without the index: every message read and compared (with LIKE).
        try SearchIndexTests.dropIndex(store)
        let (scanned, scannedCount) = try time(store, "zanzibar")
        #expect(scannedCount == 1)

        print(String(format: """
            search perf (2,000 conversations, 20,000 messages): SQLite list of 500 %.1f ms; a rare word %.2fx the list \
            (%.2f ms), two common words %.2fx (%.1f ms), a two-character word (LIKE, no index) %.2fx (%.1f ms), the rare word \
            without the index (LIKE) %.2fx (%.1f ms: the index is %.0fx faster); in memory: list %.1f ms, rare word %.2fx, \
            common words %.2fx
            """, list * 1000, rare / list, rare * 1000, common / list, common * 1000, short / list, short * 1000,
                     scanned / list, scanned * 1000, scanned / rare, memoryList * 1000, memoryRare / memoryList,
                     memoryCommon / memoryList))
        #expect(rare < scanned, "the index finds a rare word without reading every message")
    }

    /// A reply is indexed when it ends: the index costs a checkpoint nothing. Re-indexing
    /// the whole reply at each checkpoint made a checkpoint of a 200 KB reply about twenty
    /// times dearer than the same checkpoint without an index.
    @Test func checkpointsOfALongReplyCostWhatTheyCostWithoutTheIndex() throws {
        let delta = String(repeating: "Prefix caching makes long conversations cheap. ", count: 40)  // ~1.9 KB
        func longReply(indexed: Bool) throws -> (ChatStore, MessageID, TemporaryFolder) {
            let folder = try TemporaryFolder()
            let store = try ChatStore(path: folder.databasePath)
            if !indexed { try SearchIndexTests.dropIndex(store) }
            let conversation = try store.createConversation(ConversationSettings(title: "t", model: "m", endpointName: "e"))
            let reply = try store.beginReply(in: conversation.id, model: "m")
            for _ in 0..<100 { try store.appendReplyText(reply, content: delta) }
            return (store, reply, folder)
        }
        let (indexed, indexedReply, indexedFolder) = try longReply(indexed: true)
        let (plain, plainReply, plainFolder) = try longReply(indexed: false)
        defer { withExtendedLifetime((indexedFolder, plainFolder)) {} }
        // Interleaved, the fastest of each: load lands on both alike.
        var withIndex = Double.infinity, without = Double.infinity
        for _ in 0..<9 {
            withIndex = min(withIndex, try Timing.seconds { for _ in 0..<10 { try indexed.appendReplyText(indexedReply, content: delta) } })
            without = min(without, try Timing.seconds { for _ in 0..<10 { try plain.appendReplyText(plainReply, content: delta) } })
        }
        print(String(format: "search perf: a checkpoint of a ~200 KB reply costs %.2fx what it costs without the index (%.2f ms)",
                     withIndex / without, withIndex / 10 * 1000))
        #expect(withIndex / without < 5, "re-indexing the reply at each checkpoint costs about twenty times more")
    }
}
