import ChatCore
import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Schema and migrations")
struct MigrationTests {
    @Test func migratesAnEmptyFileToTheCurrentSchema() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.store.appliedMigrations() == ["v1: conversations, messages, request ledger"])
        let tables = try fixture.store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        #expect(tables == ["conversation", "grdb_migrations", "message", "request"])
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
        #expect(try again.appliedMigrations().count == 1)
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
