import ChatCore
import Foundation
import Synchronization
import GRDB
import TestSupport
import Testing
@testable import History

@Suite("Schema and migrations")
struct MigrationTests {
    /// Several processes (here: connections on their own threads) opening a history that does
    /// not exist yet: one creates the schema, the others wait for it and use it.
    @Test func concurrentFirstOpensAllSucceed() throws {
        for round in 0..<15 {
            let folder = try TemporaryFolder()
            let path = folder.databasePath
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                do {
                    let store = try ChatStore(path: path)
                    _ = try store.createConversation(ConversationSettings(title: "t", model: "m", endpointName: "e"))
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            let problems = failures.withLock { $0 }
            #expect(problems.isEmpty, "round \(round): \(problems)")
            if !problems.isEmpty { break }
        }
    }

    @Test func migratesAnEmptyFileToTheCurrentSchema() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.store.appliedMigrations() == ["v1: conversations, messages, request ledger", "v2: few-shot mode of a conversation", "v3: history cut for cache-aware truncation", "v4: what each request carried, and estimated usage", "v5: usage that made no sense, kept out of totals", "v6: full-text index of titles and messages", "v7: attached documents of a conversation", "balance_readings"])
        // The search index's own shadow tables (`message_text_data`, ...) are FTS5's business.
        let tables = try fixture.store.read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT GLOB '*_text_*'
                ORDER BY name
                """)
        }
        #expect(tables == ["attachment_text", "balance_reading", "conversation", "conversation_attachment", "conversation_text", "grdb_migrations", "message", "message_text", "request"])
        #expect(try fixture.store.read(SearchIndex.isInstalled), "this SQLite has FTS5 with the trigram tokenizer")
        let indexes = try fixture.store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        #expect(indexes.contains("request_by_time"))
        #expect(indexes.contains("request_by_conversation"))
        #expect(try fixture.store.integrityCheck() == ["ok"])
    }

    @Test func usesWALForeignKeysAndABusyTimeout() throws {
        let fixture = try StoreFixture()
        let (mode, foreignKeys, synchronous) = try fixture.store.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(foreignKeys == 1)
        #expect(synchronous == 1, "NORMAL")
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.folder.databasePath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func reopeningKeepsDataAndRunsNoMigrationTwice() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        try fixture.store.appendMessage(to: conversation.id, content: "hello")
        let again = try fixture.reopen()
        #expect(try again.appliedMigrations().count == 8)
        #expect(try again.messages(in: conversation.id).map(\.content) == ["hello"])
    }

    @Test func refusesADatabaseFromANewerCachechat() throws {
        let fixture = try StoreFixture()
        try fixture.store.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        }
        #expect { try fixture.reopen() } throws: { error in
            let error = error as! StoreError
            return error.kind == .newerSchema && error.message.contains(fixture.folder.databasePath)
        }
    }
}

@Suite("Migration v2")
struct MigrationV2Tests {
    @Test func aVersion1DatabaseGainsTheFewShotModeAndKeepsItsRows() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("v1-\(UUID().uuidString).sqlite").path
        // Build a v1 database by hand, as cachechat 0.1 wrote it.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: StoreSchema.v1)
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v1: conversations, messages, request ledger')")
            try db.execute(sql: """
                INSERT INTO conversation (title, created_at, updated_at, model, endpoint_name, few_shot_set, few_shot_version)
                VALUES ('old', '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000', 'deepseek-chat', 'local', 'sentiment', 'abc')
                """)
        }
        try queue.close()
        let store = try ChatStore(path: path)
        #expect(try store.appliedMigrations().count == 8)
        let conversation = try #require(try store.listConversations().first?.conversation)
        #expect(conversation.title == "old")
        #expect(conversation.fewShotMode == nil)
        var changed = conversation
        changed.fewShotMode = .each
        try store.updateConversation(changed)
        #expect(try store.conversation(conversation.id)?.fewShotMode == .each)
    }
}

@Suite("Migration v5")
struct MigrationV5Tests {
    @Test func rowsWithImpossibleCountsFromBeforeTheCheckLeaveTheTotals() throws {
        // Three requests a broken server claimed 4e18 prompt tokens for, stored before usage
        // was checked, made `stats` and the TUI trap on every start.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("v4-\(UUID().uuidString).sqlite").path
        let queue = SQLQueue(try SQLDatabase(path: path, readOnly: false))
        // The schema as it was before the check: the real migrations, up to v4.
        try StoreSchema.migrator.migrate(queue, upTo: "v4: what each request carried, and estimated usage")
        try queue.write { db in
            for prompt in [4_000_000_000_000_000_000, 4_000_000_000_000_000_000, 4_000_000_000_000_000_000, 120] {
                try db.execute(sql: """
                    INSERT INTO request (time, endpoint_host, endpoint_name, model, prompt_tokens, cache_hit_tokens,
                        cache_miss_tokens, completion_tokens, outcome)
                    VALUES ('2026-11-01 10:00:00.000', 'h', 'h', 'deepseek-chat', ?, 0, ?, 5, 'ok')
                    """, arguments: [prompt, prompt])
            }
        }
        try queue.close()
        let store = try ChatStore(path: path)
        let totals = try store.ledgerTotals(LedgerFilter())
        #expect(totals.requests == 4)
        #expect(totals.promptTokens == 120)
        #expect(totals.usageProblems == 3)
        let entries = try store.ledgerEntries()
        #expect(entries.filter { $0.usageProblem?.hasPrefix("recorded before usage was checked: prompt 4000000000000000000") == true }.count == 3)
        #expect(StatsSummary.summarize(entries).promptTokens == 120)
    }
}
