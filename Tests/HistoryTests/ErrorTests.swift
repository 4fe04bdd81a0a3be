import ChatCore
import Foundation
import TestSupport
import GRDB
import Testing
@testable import History

@Suite("Errors name the file and say what to do")
struct ErrorTests {
    @Test func aFileThatIsNotADatabase() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("history.sqlite").path
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        #expect { try ChatStore(path: path) } throws: { error in
            let error = error as! StoreError
            return error.kind == .damaged && error.message.contains(path) && error.message.contains("mv \(path) \(path).broken")
        }
    }

    @Test func aFolderThatCannotBeCreated() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let path = file.path + "/cachechat/history.sqlite"
        #expect { try ChatStore(path: path) } throws: { error in
            let error = error as! StoreError
            return error.kind == .cannotOpen && error.message.contains(path) && error.message.contains("XDG_DATA_HOME")
        }
    }

    @Test func aPathThatIsAFolder() throws {
        let folder = try TemporaryFolder()
        #expect { try ChatStore(path: folder.url.path) } throws: { error in
            let error = error as! StoreError
            return error.kind == .cannotOpen && error.message.contains(folder.url.path)
        }
    }

    @Test func lockedByAnotherWriterForTooLong() async throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        // Another connection (as another process would) holds the write lock for a while.
        let holder = try DatabaseQueue(path: fixture.folder.databasePath)
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? holder.write { db in
                try db.execute(sql: "UPDATE conversation SET title = 'held'")
                started.signal()
                release.wait()
            }
            done.signal()
        }
        started.wait()
        // Opening needs no write lock when there is nothing to migrate or recover; writing does.
        let impatient = try ChatStore(path: fixture.folder.databasePath, busyTimeout: 0.2)
        #expect(try impatient.conversation(conversation.id)?.title == "Prefix caching", "readers are not blocked (WAL)")
        #expect { try impatient.appendMessage(to: conversation.id, content: "blocked") } throws: { error in
            let error = error as! StoreError
            return error.kind == .busy && error.message.contains(fixture.folder.databasePath)
                && error.message.contains("0.2 seconds")
        }
        release.signal()
        done.wait()
        #expect(try fixture.store.appendMessage(to: conversation.id, content: "now free").ordinal == 1)
    }

    /// Hardening II 13: a history that cannot be written (a backup, a copy on read-only
    /// media) is still read by `history` and `stats`; nothing tries to write to it.
    @Test func aReadOnlyIntactDatabaseIsReadable() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation("Kept")
        try fixture.store.appendMessage(to: conversation.id, content: "a question")
        let path = fixture.folder.databasePath
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }

        let reader = try ChatStore(path: path, readOnly: true)
        #expect(try reader.listConversations().map(\.conversation.title) == ["Kept"])
        #expect(try reader.messages(in: conversation.id).map(\.content) == ["a question"])
        #expect(throws: (any Error).self) { try reader.appendMessage(to: conversation.id, content: "never written") }
        #expect(try fixture.reopen().messages(in: conversation.id).count == 1)
    }

    @Test func aReadOnlyDatabaseThatNeedsAnUpgradeSaysSo() throws {
        let folder = try TemporaryFolder()
        let path = folder.databasePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)") }
        try queue.close()
        #expect { try ChatStore(path: path, readOnly: true) } throws: { error in
            let error = error as! StoreError
            return error.kind == .readOnly && error.message.contains("chmod u+w \(path)")
        }
    }
}

/// Hardening II 15 in SQLite: the last-message check and the insert share a transaction.
@Suite("A question is appended only to the conversation that was read")
struct AppendQuestionTests {
    @Test func aStaleLastMessageIsRefusedAndNothingIsWritten() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        let first = try fixture.store.appendQuestion("one", to: conversation.id, after: nil)
        let other = try fixture.reopen()  // another process's connection
        try other.appendMessage(to: conversation.id, content: "from elsewhere")
        #expect(throws: ConversationChanged(conversation: conversation.id)) {
            try fixture.store.appendQuestion("stale", to: conversation.id, after: first.id)
        }
        #expect(try fixture.store.messages(in: conversation.id).map(\.content) == ["one", "from elsewhere"])
        let last = try #require(try fixture.store.messages(in: conversation.id).last)
        #expect(try fixture.store.appendQuestion("two", to: conversation.id, after: last.id).ordinal == 3)
    }
}
