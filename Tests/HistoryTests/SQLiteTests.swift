import ChatCore
import CSQLiteShim
import Foundation
import GRDB
import TestSupport
import Testing
@testable import History

/// The store's own use of SQLite's C API (DECISIONS 106), against GRDB where GRDB wrote
/// the files it must keep reading: GRDB stays a test dependency as an independent reader
/// and writer of the same file.
@Suite("SQLite layer")
struct SQLiteTests {
    /// A history whose migrations GRDB's migrator recorded (every cachechat before this one)
    /// opens, runs nothing again and reads its rows; and GRDB's migrator, as an older
    /// cachechat runs it, sees a file this store made as complete and not from the future.
    @Test func migrationsAreRecordedAsGRDBRecordsThem() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        try fixture.store.appendMessage(to: conversation.id, content: "written before")
        try fixture.store.close()
        var grdbMigrator = DatabaseMigrator()
        for identifier in StoreSchema.migrator.migrations.map(\.identifier) {
            grdbMigrator.registerMigration(identifier) { _ in }
        }
        let queue = try DatabaseQueue(path: fixture.folder.databasePath)
        #expect(try queue.read(grdbMigrator.hasCompletedMigrations))
        #expect(try !queue.read(grdbMigrator.hasBeenSuperseded))
        // GRDB writes the records itself (its no-op migrations over the existing schema).
        try queue.write { db in try db.execute(sql: "DELETE FROM grdb_migrations") }
        try grdbMigrator.migrate(queue)
        try queue.close()
        let reopened = try fixture.reopen()
        #expect(try reopened.appliedMigrations() == StoreSchema.migrator.migrations.map(\.identifier))
        #expect(try reopened.messages(in: conversation.id).map(\.content) == ["written before"])
    }

    /// Text with every kind of character, read back whole (NUL becomes U+FFFD on the way
    /// in, as before), through a statement, a cached one and the search function.
    @Test func textRoundTripsWhole() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        let text = "a\u{0}b ü 中文 🧪 \u{202E} \"quoted\" 'single' \\ %_"
        let message = try fixture.store.appendMessage(to: conversation.id, content: text)
        #expect(try fixture.store.message(message.id)?.content == StorableText.clean(text))
        let reply = try fixture.store.beginReply(in: conversation.id, model: "m")
        try fixture.store.appendReplyText(reply, content: text)
        try fixture.store.appendReplyText(reply, content: text)
        #expect(try fixture.store.message(reply)?.content == StorableText.clean(text + text))
        // A two-letter word with "ü" is compared by `cachechat_contains` row by row.
        #expect(try fixture.store.searchConversations(SearchQuery("ü 中")).count == 1)
        #expect(try fixture.store.searchConversations(SearchQuery("Ü")).count == 1)
        #expect(try fixture.store.searchConversations(SearchQuery("ö")).isEmpty)
    }

    @Test func aStatementWithTheWrongNumberOfArgumentsFails() throws {
        let database = SQLQueue(try SQLDatabase(path: ":memory:", readOnly: false))
        #expect { try database.read { db in try Int.fetchOne(db, sql: "SELECT ? + ?", arguments: [1]) } } throws: { error in
            (error as? SQLiteError)?.message?.contains("wrong number of statement arguments: 1 for 2") == true
        }
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT ? + ?", arguments: [1, 2]) } == 3)
    }

    /// A failing statement in a write rolls back everything before it, and says which SQL
    /// failed (not its arguments).
    @Test func aFailedWriteLeavesNothingAndNamesTheStatement() throws {
        let database = SQLQueue(try SQLDatabase(path: ":memory:", readOnly: false))
        try database.write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER NOT NULL)") }
        #expect { try database.write { db in
            try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [1])
            try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [nil as String?])
        } } throws: { error in
            let error = error as! SQLiteError
            return error.code == 19 && error.sql == "INSERT INTO t VALUES (?)" && error.message?.contains("NOT NULL") == true
        }
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 0)
        #expect(try !database.withConnection { $0.isInsideTransaction })
    }

    @Test func aClosedStoreSaysSo() throws {
        let fixture = try StoreFixture()
        try fixture.store.close()
        #expect { try fixture.store.listConversations() } throws: { error in
            (error as? StoreError)?.message.contains("closed") == true
        }
    }

    /// Values come back as stored, and a column read as the wrong type is an error rather
    /// than a guess.
    @Test func valuesAreReadAsStored() throws {
        let database = SQLQueue(try SQLDatabase(path: ":memory:", readOnly: false))
        let row = try #require(try database.read { db in
            try SQLRow.fetchOne(db, sql: "SELECT 9223372036854775807 AS big, 1.5 AS half, 2.0 AS two, 'x' AS text, NULL AS absent, x'00ff' AS bytes")
        })
        #expect(try row.decode(Int64.self, forColumn: "big") == Int64.max)
        #expect(try row.decode(Double.self, forColumn: "half") == 1.5)
        #expect(try row.decode(Int.self, forColumn: "two") == 2)
        #expect(try row.decode(Int?.self, forColumn: "absent") == nil)
        #expect(row["bytes"] == .blob([0, 255]))
        #expect(throws: SQLiteError.self) { try row.decode(Int.self, forColumn: "half") }
        #expect(throws: SQLiteError.self) { try row.decode(Int.self, forColumn: "text") }
        #expect(throws: SQLiteError.self) { try row.decode(String.self, forColumn: "absent") }
        #expect(throws: SQLiteError.self) { try row.decode(String.self, forColumn: "bytes") }
        #expect(throws: SQLiteError.self) { try row.decode(Int?.self, forColumn: "missing") }
    }

    /// Text or bytes past SQLite's length limit are SQLite's TOOBIG, an error the store
    /// reports; the length is passed as 64 bits, never cut to 32 (found by review: a text
    /// over 2 GB trapped). The limit is lowered here so that the test needs no gigabytes.
    @Test func textPastTheLengthLimitIsAnError() throws {
        let connection = try SQLDatabase(path: ":memory:", readOnly: false)
        sqlite3_limit(connection.handle, SQLITE_LIMIT_LENGTH, 1_000)
        let database = SQLQueue(connection)
        #expect(try database.read { try Int.fetchOne($0, sql: "SELECT length(?)", arguments: [String(repeating: "a", count: 999)]) } == 999)
        for value in [SQLValue.text(String(repeating: "a", count: 1_001)), .blob([UInt8](repeating: 1, count: 1_001))] {
            #expect { try database.read { try Int.fetchOne($0, sql: "SELECT length(?)", arguments: [value]) } } throws: { error in
                (error as? SQLiteError)?.code == SQLITE_TOOBIG
            }
        }
    }

    /// A date stored with a NUL after it reads as GRDB read it (up to the NUL).
    @Test func aDateWithANULReadsAsGRDBReadIt() throws {
        let sql = "SELECT '2026-12-05 10:00:00.000' || char(0) || 'x' AS d"
        let grdb = try DatabaseQueue().read { db in try Row.fetchOne(db, sql: sql)!["d"] as Date? }
        let row = try #require(try SQLQueue(try SQLDatabase(path: ":memory:", readOnly: false)).read { try SQLRow.fetchOne($0, sql: sql) })
        #expect(grdb != nil)
        #expect(try StoredDate.decode(row, "d") == grdb)
    }
}

