import ChatCore
import Foundation
import GRDB
import Testing
@testable import History

@Suite("Schema and migrations")
struct MigrationTests {
    @Test func migratesAnEmptyFileToTheCurrentSchema() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.store.appliedMigrations() == ["v1: conversations, messages, request ledger", "v2: few-shot mode of a conversation", "v3: history cut for cache-aware truncation", "v4: what each request carried, and estimated usage", "attachments: attached documents of a conversation"])
        let tables = try fixture.store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        #expect(tables == ["attachment_text", "conversation", "conversation_attachment", "grdb_migrations", "message", "request"])
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
        #expect(try again.appliedMigrations().count == 5)
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
        #expect(try store.appliedMigrations().count == 5)
        let conversation = try #require(try store.listConversations().first?.conversation)
        #expect(conversation.title == "old")
        #expect(conversation.fewShotMode == nil)
        var changed = conversation
        changed.fewShotMode = .each
        try store.updateConversation(changed)
        #expect(try store.conversation(conversation.id)?.fewShotMode == .each)
    }
}
