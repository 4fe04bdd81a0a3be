import ChatCore
import Foundation
import TestSupport
import GRDB
import Testing
@testable import History

/// Full-text search, on the SQLite store (trigram index) and its in-memory twin alike.
@Suite("Search: SQLite and in memory find the same")
struct SearchTests {
    typealias Backend = ConformanceTests.Backend

    static func search(_ history: ChatHistory, _ text: String, limit: Int? = nil) throws -> [ConversationMatch] {
        try history.searchConversations(SearchQuery(text), limit: limit)
    }

    static func ids(_ history: ChatHistory, _ text: String) throws -> [ConversationID] {
        try search(history, text).map(\.conversation.id)
    }

    @Test(arguments: Backend.allCases)
    func findsEveryWordInOneTitleOrOneMessage(_ backend: Backend) throws {
        let (history, clock, _) = try ConformanceTests.make(backend)
        let notes = try history.createConversation(ConformanceTests.settings("Prefix caching notes"))
        try history.appendMessage(to: notes.id, role: .user, content: "How does the KV cache work?", reasoning: nil, model: nil)
        try history.appendMessage(to: notes.id, role: .assistant, content: "It keeps the keys and values of earlier tokens.",
                                  reasoning: "Think about 前缀缓存 and reuse.", model: "m")
        try history.appendMessage(to: notes.id, role: .user, content: "And a second KV question?", reasoning: nil, model: nil)
        clock.advance(60)
        let other = try history.createConversation(ConformanceTests.settings("Unrelated"))
        try history.appendMessage(to: other.id, role: .user, content: "Caches everywhere: CPU caches, KV caches.", reasoning: nil, model: nil)

        // Title matches first, then the most recent.
        let cache = try Self.search(history, "CACH")
        #expect(cache.map(\.conversation.id) == [notes.id, other.id])
        #expect(cache[0].inTitle && !cache[1].inTitle)
        #expect(cache[0].title.matchedTexts == ["cach"])
        #expect(cache[1].title.matches.isEmpty)
        #expect(cache[0].message?.ordinal == 1, "the first matching message")
        #expect(cache[0].matchingMessages == 1)
        #expect(cache[1].message?.snippet.matchedTexts == ["Cach", "cach", "cach"])
        #expect(try Self.search(history, "cach", limit: 1).map(\.conversation.id) == [notes.id])

        // Every word in the same message: "kv" is in messages 1 and 3, "reuse" only in 2.
        let kv = try #require(try Self.search(history, "kv question").first)
        #expect(kv.message?.ordinal == 3 && kv.message?.role == .user && kv.matchingMessages == 1)
        #expect(try Self.ids(history, "kv reuse").isEmpty)
        #expect(try Self.search(history, "kv").first { $0.conversation.id == notes.id }?.matchingMessages == 2)

        // Found in the reasoning only: the snippet comes from there.
        let reasoning = try #require(try Self.search(history, "前缀 reuse").first?.message)
        #expect(reasoning.ordinal == 2 && reasoning.inReasoning)
        #expect(reasoning.snippet.text == "Think about 前缀缓存 and reuse.")
        #expect(reasoning.snippet.matchedTexts == ["前缀", "reuse"])
        // Text and reasoning of one message count together.
        #expect(try Self.ids(history, "earlier 缓存") == [notes.id])
        #expect(try Self.search(history, "earlier 缓存").first?.message?.inReasoning == false)

        #expect(try Self.ids(history, "absent").isEmpty)
        #expect(try Self.search(history, "").isEmpty)
        #expect(try Self.search(history, " \n\t ").isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func whatUsersTypeIsNeverSyntax(_ backend: Backend) throws {
        let (history, _, _) = try ConformanceTests.make(backend)
        let special = try history.createConversation(ConformanceTests.settings("Specials"))
        try history.appendMessage(to: special.id, role: .user, content: """
            Run it with --force, say "now"; key:value pairs, a*b, NEAR(x y), (paren) ^caret, 'single', back\\slash, {x}.
            """, reasoning: nil, model: nil)
        let plain = try history.createConversation(ConformanceTests.settings("Plain"))
        try history.appendMessage(to: plain.id, role: .user, content: "nothing special here, no and or not", reasoning: nil, model: nil)

        for query in ["--force", "\"now\"", "\"now\";", "key:value", "a*b", "NEAR(x", "NEAR(x y)", "(paren)", "^caret",
                      "'single'", "back\\slash", "{x}", "\"", "*", "-", ":", "^", "(", "say \"now\""] {
            #expect(try Self.ids(history, query) == [special.id], "\(query)")
        }
        for query in ["AND", "NOT", "and not"] {
            #expect(try Self.ids(history, query) == [plain.id], "\(query) is a word like any other")
        }
        #expect(try Self.ids(history, "OR") == [plain.id, special.id], "in “or” and in “--force”")
        for query in ["\"\"\"\"", "a**b", "NEAR(y", "*force", "force*", "x AND y", "key:values"] {
            #expect(try Self.ids(history, query).isEmpty, "\(query)")
        }
        let quote = try #require(try Self.search(history, "\"now\"").first?.message)
        #expect(quote.snippet.matchedTexts == ["\"now\""])
    }

    @Test(arguments: Backend.allCases)
    func caseFoldsInEveryScriptAndFindsTextWithoutSpaces(_ backend: Backend) throws {
        let (history, _, _) = try ConformanceTests.make(backend)
        let texts = [
            "Überblick über den Präfix-Cache",  // German
            "ΚΑΛΗΜΕΡΑ κόσμε",  // Greek
            "ПРИВЕТ, мир",  // Cyrillic
            "前缀缓存很有用，上下文硬盘缓存",  // Chinese: no spaces
            "プロンプトキャッシュの仕組み",  // Japanese
            "Launch 🚀 thumbs 👍🏽 family 👩‍👩‍👧‍👦 done",
        ]
        var ids: [ConversationID] = []
        for (index, text) in texts.enumerated() {
            let conversation = try history.createConversation(ConformanceTests.settings("c\(index)"))
            try history.appendMessage(to: conversation.id, role: .user, content: text, reasoning: nil, model: nil)
            ids.append(conversation.id)
        }
        let cases: [(String, Int, [String])] = [
            ("ÜBER", 0, ["Über", "über"]), ("präfix-cache", 0, ["Präfix-Cache"]),
            ("καλημερα", 1, ["ΚΑΛΗΜΕΡΑ"]),
            ("привет МИР", 2, ["ПРИВЕТ", "мир"]),
            ("缓存", 3, ["缓存", "缓存"]), ("缓存很有", 3, ["缓存很有"]), ("硬盘缓存", 3, ["硬盘缓存"]),
            ("キャッシュ", 4, ["キャッシュ"]), ("の", 4, ["の"]),
            ("🚀", 5, ["🚀"]), ("👩‍👩‍👧‍👦", 5, ["👩‍👩‍👧‍👦"]),
            // A part of a grapheme matches, and the whole character is marked.
            ("👍", 5, ["👍🏽"]),
        ]
        for (query, index, marked) in cases {
            let found = try Self.search(history, query)
            #expect(found.map(\.conversation.id) == [ids[index]], "\(query)")
            #expect(found.first?.message?.snippet.matchedTexts == marked, "\(query)")
        }
        #expect(try Self.ids(history, "uber").isEmpty, "accents are kept")
        #expect(try Self.ids(history, "καλημέρα").isEmpty, "accents are kept")
    }

    @Test(arguments: Backend.allCases)
    func foldsLikeSQLiteAndTakesWildcardsLiterally(_ backend: Backend) throws {
        let (history, _, _) = try ConformanceTests.make(backend)
        let texts = ["ΛΌΓΟΣ ΣΟΦΟΣ", "Stra\u{17F}e, 5 \u{212A}elvin, 3 \u{B5}m", "İSTANBUL", "100% sure, a_b", "plain text"]
        var ids: [ConversationID] = []
        for (index, text) in texts.enumerated() {
            let conversation = try history.createConversation(ConformanceTests.settings("f\(index)"))
            try history.appendMessage(to: conversation.id, role: .user, content: text, reasoning: nil, model: nil)
            ids.append(conversation.id)
        }
        let cases: [(String, [Int])] = [
            ("λόγος", [0]), ("σοφος", [0]), ("ς", [0]),  // final sigma is sigma
            ("straße", []), ("strase", [1]), ("se,", [1]), ("kelvin", [1]), ("5 k", [1]), ("ke", [1]), ("μm", [1]), ("µ", [1]),
            ("İstanbul", [2]), ("istanbul", []), ("i̇stanbul", []),  // İ is not folded, as in SQLite
            ("0%", [3]), ("%", [3]), ("a_b", [3]), ("_", [3]), ("a%b", []), ("x_y", []),
        ]
        for (query, expected) in cases {
            #expect(try Self.ids(history, query) == expected.map { ids[$0] }, "\(query)")
        }
    }

    @Test(arguments: Backend.allCases)
    func theIndexFollowsEveryChange(_ backend: Backend) throws {
        let (history, clock, _) = try ConformanceTests.make(backend)
        let conversation = try history.createConversation(ConformanceTests.settings("First title"))
        try history.appendMessage(to: conversation.id, role: .user, content: "What is a zebracorn?", reasoning: nil, model: nil)
        #expect(try Self.ids(history, "zebracorn") == [conversation.id])

        // A reply is searchable once it ends, not at its checkpoints.
        let reply = try history.beginReply(in: conversation.id, model: "m")
        try history.appendReplyText(reply, content: "A unicorn ", reasoning: "hmm, quagga")
        try history.appendReplyText(reply, content: "with stripes.", reasoning: "")
        #expect(try Self.ids(history, "stripes").isEmpty)
        #expect(try Self.ids(history, "quagga").isEmpty)
        try history.completeReply(reply, content: "A unicorn with stripes.", reasoning: nil, ledger: ConformanceTests.entry(clock))
        #expect(try Self.search(history, "stripes").first?.message?.id == reply)
        #expect(try Self.search(history, "quagga").first?.message?.inReasoning == true)

        let stopped = try history.beginReply(in: conversation.id, model: "m")
        try history.appendReplyText(stopped, content: "partial okapi", reasoning: "")
        try history.interruptReply(stopped, reason: "stopped", content: nil, reasoning: nil, ledger: nil)
        #expect(try Self.search(history, "okapi").first?.message?.id == stopped)
        try history.deleteLastMessage(stopped)
        #expect(try Self.ids(history, "okapi").isEmpty)

        let failed = try history.beginReply(in: conversation.id, model: "m")
        try history.failReply(failed, message: "400", content: "half a narwhal", ledger: nil)
        #expect(try Self.search(history, "narwhal").first?.message?.id == failed)

        try history.renameConversation(conversation.id, to: "Striped horses")
        #expect(try Self.search(history, "horses").first?.inTitle == true)
        #expect(try Self.ids(history, "first title").isEmpty)

        let fork = try history.forkConversation(conversation.id, atOrdinal: 3, title: "Fork")
        #expect(Set(try Self.ids(history, "stripes")) == [conversation.id, fork.id])
        #expect(try Self.ids(history, "narwhal") == [conversation.id], "not copied: it came after the fork point")

        try history.deleteConversation(conversation.id)
        #expect(try Self.ids(history, "stripes") == [fork.id])
        #expect(try Self.ids(history, "horses").isEmpty)
        #expect(try Self.ids(history, "narwhal").isEmpty)
    }
}

/// What only the SQLite store has: the index itself, its migration and its absence.
@Suite("Search index")
struct SearchIndexTests {
    /// FTS5's own check that the index holds exactly what its content view says.
    static func checkIndex(_ store: ChatStore) throws {
        try store.write { db in
            try db.execute(sql: "INSERT INTO message_text (message_text) VALUES ('integrity-check')")
            try db.execute(sql: "INSERT INTO conversation_text (conversation_text) VALUES ('integrity-check')")
        }
    }

    /// Removes the index, its triggers and its view, as if it had never been created.
    static func dropIndex(_ store: ChatStore) throws {
        try store.write { db in
            for table in ["message_text", "conversation_text"] {
                for trigger in ["insert", "delete", "update"] { try db.execute(sql: "DROP TRIGGER \(table)_\(trigger)") }
                try db.execute(sql: "DROP TABLE \(table)")
            }
            try db.execute(sql: "DROP VIEW message_searchable")
        }
    }

    static func fill(_ store: ChatStore, clock: TestClock) throws -> [ConversationID] {
        var ids: [ConversationID] = []
        for n in 0..<6 {
            let conversation = try store.createConversation(ConformanceTests.settings("Chat \(n) about caching"))
            try store.appendMessage(to: conversation.id, content: "Question \(n): how do prefixes hit? 前缀\(n)")
            let reply = try store.beginReply(in: conversation.id, model: "m")
            try store.appendReplyText(reply, content: "Partial \(n)")
            if n % 2 == 0 {
                try store.completeReply(reply, content: "Answer \(n): units of 64 tokens.", reasoning: "think \(n)",
                                        ledger: ConformanceTests.entry(clock))
            }
            clock.advance(10)
            ids.append(conversation.id)
        }
        return ids
    }

    static func results(_ store: ChatStore) throws -> [[ConversationMatch]] {
        try ["caching", "prefixes hit", "units", "64", "前缀", "前缀3", "answer", "think", "chat 5"].map {
            try store.searchConversations(SearchQuery($0))
        }
    }

    @Test func staysConsistentThroughEveryKindOfWrite() throws {
        let fixture = try StoreFixture()
        let ids = try Self.fill(fixture.store, clock: fixture.clock)
        try fixture.store.renameConversation(ids[0], to: "Renamed")
        _ = try fixture.store.forkConversation(ids[1], atOrdinal: 2, title: nil)
        try fixture.store.deleteConversation(ids[2])
        let last = try #require(try fixture.store.messages(in: ids[4]).last)
        try fixture.store.deleteLastMessage(last.id)
        try Self.checkIndex(fixture.store)
        // Replies left streaming by a process that is gone become searchable when recovered.
        #expect(try fixture.store.searchConversations(SearchQuery("partial")).isEmpty)
        let reopened = try fixture.reopen()
        #expect(try reopened.searchConversations(SearchQuery("partial")).count == 3)
        try Self.checkIndex(reopened)
    }

    @Test func aVersion4DatabaseIsIndexedWhenOpened() throws {
        let folder = try TemporaryFolder()
        let clock = TestClock()
        // What cachechat wrote before the index: the schema up to v4, with data.
        try FileManager.default.createDirectory(atPath: (folder.databasePath as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let queue = SQLQueue(try SQLDatabase(path: folder.databasePath, readOnly: false))
        try StoreSchema.migrator.migrate(queue, upTo: "v4: what each request carried, and estimated usage")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO conversation (id, title, created_at, updated_at, model, endpoint_name)
                VALUES (7, 'Old chat', '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000', 'deepseek-chat', 'local');
                INSERT INTO message (conversation_id, ordinal, role, content, reasoning_content, created_at, state)
                VALUES (7, 1, 'user', 'An old question about warm-up requests', NULL, '2026-11-01 10:00:00.000', 'complete'),
                       (7, 2, 'assistant', 'An old answer', 'old reasoning about hedgehogs', '2026-11-01 10:00:01.000', 'complete'),
                       (7, 3, 'assistant', 'left streaming: armadillo', NULL, '2026-11-01 10:00:02.000', 'streaming');
                """)
        }
        try queue.close()

        let store = try ChatStore(path: folder.databasePath, now: clock.now)
        #expect(try store.appliedMigrations().contains("v6: full-text index of titles and messages"))
        #expect(try store.searchConversations(SearchQuery("warm-up")).first?.message?.ordinal == 1)
        #expect(try store.searchConversations(SearchQuery("hedgehogs")).first?.message?.inReasoning == true)
        #expect(try store.searchConversations(SearchQuery("old chat")).first?.inTitle == true)
        // The stale streaming reply was recovered on open, and indexed then.
        #expect(try store.searchConversations(SearchQuery("armadillo")).first?.message?.ordinal == 3)
        try Self.checkIndex(store)
    }

    @Test func withoutTheIndexSearchScansAndFindsTheSame() throws {
        let fixture = try StoreFixture()
        _ = try Self.fill(fixture.store, clock: fixture.clock)
        let indexed = try Self.results(fixture.store)
        #expect(indexed.allSatisfy { !$0.isEmpty })
        // As on a SQLite without FTS5's trigram tokenizer (before 3.34): no index at all.
        try Self.dropIndex(fixture.store)
        #expect(try !fixture.store.read(SearchIndex.isInstalled))
        #expect(try Self.results(fixture.store) == indexed)
        // The next open builds it from what is stored.
        let reopened = try fixture.reopen()
        #expect(try reopened.read(SearchIndex.isInstalled))
        try Self.checkIndex(reopened)
        #expect(try Self.results(reopened).map { $0.map(\.conversation.id) } == indexed.map { $0.map(\.conversation.id) })
    }

    @Test func eachWordGetsTheCheapestExactTest() {
        let search = TextSearch(SearchQuery("Say \"now\" NEAR(x a*b :: - 缓存 üb 0% _b ok"), indexed: true)
        #expect(search.match == #""say" AND """now""" AND "near(x" AND "a*b""#)
        #expect(search.words.filter { $0.plan != .indexed }.map(\.plan) == [
            .like("%::%", unusual: false), .like("%-%", unusual: false), .like("%缓存%", unusual: false), .scanned,
            .like("%0\\%%", unusual: false), .like("%\\_b%", unusual: false), .like("%ok%", unusual: true),
        ])
        let unindexed = TextSearch(SearchQuery("Über alles 前缀缓存"), indexed: false)
        #expect(unindexed.match == nil)
        #expect(unindexed.words.map(\.plan) == [.scanned, .like("%alles%", unusual: true), .like("%前缀缓存%", unusual: false)])
        #expect(TextSearch(SearchQuery("ᏣᎳᎩ İstanbul"), indexed: true).words.map(\.plan) == [.scanned, .scanned],
                "scripts and letters SQLite folds differently are compared in Swift")
    }

    /// Every letter of the scripts the index is used for, as text and as typed: the index
    /// finds what the in-memory history finds (the reason for `SearchFolding`'s exceptions).
    @Test func theIndexFoldsLettersAsTheInMemoryHistoryDoes() throws {
        let fixture = try StoreFixture()
        let memory = InMemoryHistory()
        var letters: [Unicode.Scalar] = []
        for value in 0x80...0x2BFF {
            guard let scalar = Unicode.Scalar(value), TextSearch.isIndexed(scalar),
                  scalar.properties.changesWhenLowercased || scalar.properties.changesWhenCaseFolded else { continue }
            letters.append(scalar)
        }
        #expect(letters.count > 700)
        var ids: [ConversationID] = []
        for letter in letters {
            let text = "x" + String(repeating: String(letter), count: 3) + "x"
            let stored = try fixture.store.createConversation(ConformanceTests.settings(String(letter.value, radix: 16)))
            try fixture.store.appendMessage(to: stored.id, content: text)
            let twin = try memory.createConversation(ConformanceTests.settings(String(letter.value, radix: 16)))
            try memory.appendMessage(to: twin.id, content: text)
            #expect(stored.id == twin.id)
            ids.append(stored.id)
        }
        var disagreements: [String] = []
        for (letter, id) in zip(letters, ids) {
            for typed in [String(letter), String(letter).lowercased()] {
                let query = SearchQuery(String(repeating: typed, count: 3))
                let indexed = try fixture.store.searchConversations(query).map(\.conversation.id)
                let inMemory = try memory.searchConversations(query, limit: nil).map(\.conversation.id)
                if indexed != inMemory || !indexed.contains(id) {
                    disagreements.append("U+\(String(letter.value, radix: 16, uppercase: true)) typed \(typed): \(indexed) \(inMemory)")
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(20))")
    }
}
