import ChatCore
import CSQLiteShim
import Foundation

/// The conversation history and request ledger: one SQLite file in WAL mode, used through
/// SQLite's C API (`SQLite.swift`).
///
/// The one type the app uses for persistence. Every method is synchronous and runs one
/// short transaction; the store is safe to share between threads and between processes
/// (several cachechat sessions may use the same file).
///
/// Durability: WAL with `synchronous = NORMAL`. A commit is atomic and survives the process
/// being killed at any instant (kill -9 loses at most the reply in flight, whose last
/// checkpoint is kept); only a power cut or kernel crash can drop the last few commits,
/// and even then the file stays consistent. FULL would fsync on every commit, which the
/// reply checkpoints (up to 4 a second) should not pay for.
///
/// Secrets: there is no column for an API key. Callers pass endpoint display names and
/// hosts only; anything that looks like a key in them is redacted before it is written.
public final class ChatStore: Sendable {
    /// How long a write waits for another process's transaction before giving up.
    public static let defaultBusyTimeout: TimeInterval = 5
    /// File name inside cachechat's data directory.
    public static let fileName = "history.sqlite"

    public let path: String
    public let busyTimeout: TimeInterval
    let database: SQLQueue
    let now: @Sendable () -> Date

    /// `$XDG_DATA_HOME/cachechat/history.sqlite` (or `~/.local/share/...`).
    public static func defaultPath(environment: [String: String]) -> String {
        Paths.dataDirectory(environment: environment) + "/" + fileName
    }

    /// Opens the database at `path`, creating it (and its folder, private to the user) if
    /// needed, migrating it to the current schema, and marking replies left `streaming` by
    /// a process that no longer runs as interrupted.
    ///
    /// - Parameters:
    ///   - busyTimeout: how long to wait for another process's write before failing.
    ///   - now: the clock for message and conversation dates (tests pin it).
    /// - Throws: `StoreError` naming the file and what to do.
    ///   - readOnly: open an existing database without writing to it (no migration, no
    ///     recovery); it must already have the current schema.
    public init(
        path: String, busyTimeout: TimeInterval = ChatStore.defaultBusyTimeout, readOnly: Bool = false,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        self.now = now
        if !readOnly { try Self.prepareFile(at: path) }
        // Opening — WAL setup, the schema check, migrations, recovery — is one process's job
        // at a time. With GRDB's migrator, which read which migrations ran outside its
        // transactions, two processes opening a new history at once both ran the first one
        // ("duplicate column name"; about 1 in 6 of three concurrent first `ask`s failed to
        // save; `SQLMigrator` checks inside its transaction), and a new file's switch to WAL
        // can deadlock with another's first writes. The lock is held
        // for the ~1 ms of an open.
        let openLock = readOnly ? nil : try FolderLock(path: path, timeout: busyTimeout)
        defer { openLock?.release() }
        do {
            let connection = try SQLDatabase(path: path, readOnly: readOnly)
            sqlite3_busy_timeout(connection.handle, Int32(clamping: Int((busyTimeout * 1000).rounded(.up))))
            // Reading the schema here makes a file that is not a database fail now, as
            // SQLITE_NOTADB, rather than at the store's first use.
            _ = try Int.fetchOne(connection, sql: "SELECT COUNT(*) FROM sqlite_master")
            try connection.execute(sql: "PRAGMA foreign_keys = ON")
            if !readOnly {
                let mode = try String.fetchOne(connection, sql: "PRAGMA journal_mode = WAL")
                guard mode == "wal" else { throw SQLiteError(message: "could not use WAL mode (journal mode \(mode ?? "unknown"))") }
                try connection.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            // SQLite's default page cache (2 MB per connection) filled while a long reply was
            // checkpointed and stayed in the heap; the file is in the OS's cache anyway.
            try connection.execute(sql: "PRAGMA cache_size = -256")
            try connection.addContainsFunction()
            database = SQLQueue(connection)
            let migrator = StoreSchema.migrator
            if try database.read(migrator.hasBeenSuperseded) { throw StoreError.newerSchema(path: path) }
            if readOnly {
                guard try database.read(migrator.hasCompletedMigrations) else { throw StoreError.readOnlyNeedsUpgrade(path: path) }
                return
            }
            try migrator.migrate(database)
            if try !database.read(SearchIndex.isInstalled) { _ = try database.write(SearchIndex.install) }
            try recoverInterruptedReplies()
        } catch {
            throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// Same as `init(path:busyTimeout:now:)`.
    public static func open(
        at path: String, busyTimeout: TimeInterval = ChatStore.defaultBusyTimeout,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> ChatStore {
        try ChatStore(path: path, busyTimeout: busyTimeout, now: now)
    }

    /// Opens the default database for `environment` (see `defaultPath`).
    public static func openDefault(environment: [String: String]) throws -> ChatStore {
        try ChatStore(path: defaultPath(environment: environment))
    }

    /// Opens the default database to read it: read-only when the file exists but cannot be
    /// written (a backup, a shared copy), so `history` and `stats` still work.
    public static func openDefaultForReading(environment: [String: String]) throws -> ChatStore {
        let path = defaultPath(environment: environment)
        let writable = !FileManager.default.fileExists(atPath: path) || access(path, W_OK) == 0
        return try ChatStore(path: path, readOnly: !writable)
    }

    /// Marks every reply left `streaming` by a process that is gone as interrupted, keeping
    /// its last checkpointed text, and records its request in the ledger (outcome
    /// `interrupted`, usage and cost unknown, endpoint host empty) so that every request
    /// sent is counted. Runs on open; returns the ids it changed.
    ///
    /// A reply whose writer (recorded by pid) still runs belongs to another live cachechat
    /// session and is left alone. Looking costs a read; the write lock is taken only when
    /// there is something to mark.
    @discardableResult
    public func recoverInterruptedReplies() throws -> [MessageID] {
        let me = ProcessLiveness.currentPID
        let stale: [MessageID] = try read { db in
            try SQLRow.fetchAll(db, sql: "SELECT id, writer_pid FROM message WHERE state = 'streaming'").compactMap { row -> MessageID? in
                let pid: Int32? = try row.decode(forColumn: "writer_pid")
                if let pid, pid != me, ProcessLiveness.isAlive(pid) { return nil }
                return MessageID(try row.decode(Int64.self, forColumn: "id"))
            }
        }
        guard !stale.isEmpty else { return [] }
        return try write { db in
            try stale.filter { id in
                try db.execute(sql: """
                    UPDATE message SET state = 'interrupted', state_detail = ?, writer_pid = NULL
                    WHERE id = ? AND state = 'streaming'
                    """, arguments: [StoredMessage.State.stoppedReason, id.rawValue])
                guard db.changesCount > 0 else { return false }
                try db.execute(sql: """
                    INSERT INTO request (time, endpoint_host, endpoint_name, model, conversation_id, message_id,
                        outcome, outcome_detail)
                    SELECT m.created_at, '', c.endpoint_name, COALESCE(m.model, c.model), m.conversation_id, m.id,
                        'interrupted', ?
                    FROM message m JOIN conversation c ON c.id = m.conversation_id WHERE m.id = ?
                    """, arguments: [StoredMessage.State.stoppedReason, id.rawValue])
                return true
            }
        }
    }

    /// `PRAGMA integrity_check`: `["ok"]` for a healthy file, otherwise SQLite's findings.
    public func integrityCheck() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// The names of the applied schema migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try read { db in try StoreSchema.migrator.appliedMigrations(db) }
    }

    /// Closes the file; later calls fail. Optional: the store also closes when released.
    public func close() throws {
        try database.close()
    }

    // MARK: - Plumbing

    /// One IMMEDIATE write transaction; errors become `StoreError`s about this file.
    func write<T>(_ body: (SQLDatabase) throws -> T) throws -> T {
        do { return try database.write(body) } catch { throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout) }
    }

    func read<T>(_ body: (SQLDatabase) throws -> T) throws -> T {
        do { return try database.read(body) } catch { throw StoreError.wrapping(error, path: path, busyTimeout: busyTimeout) }
    }

    /// Creates the folder (mode 0700) and an empty file (mode 0600): chat history is private.
    static func prepareFile(at path: String) throws {
        let files = FileManager.default
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty, !files.fileExists(atPath: folder) {
                try files.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                          attributes: [.posixPermissions: 0o700])
            }
        } catch {
            throw StoreError(.cannotOpen, path: path, message: """
                Cannot create the folder \(folder) for the history database \(path). Create it \
                yourself (mkdir -p \(folder)) or set XDG_DATA_HOME to a writable folder.
                """, detail: "\(error)")
        }
        if !files.fileExists(atPath: path) {
            // An empty file is a valid empty database; SQLite gives -wal/-shm the same mode.
            _ = files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
    }
}
extension ChatStore: ChatHistory {}

/// An exclusive advisory lock (flock) on the folder of a database, held while one process
/// opens it. The folder, not the file: closing another descriptor of the database would drop
/// SQLite's own (POSIX) locks on it. Waits up to `timeout`; where the file system has no
/// flock, it is not held.
final class FolderLock {
    private var descriptor: Int32

    init(path: String, timeout: TimeInterval) throws {
        let folder = (path as NSString).deletingLastPathComponent
        descriptor = Glibc.open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        let deadline = Date().addingTimeInterval(timeout)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { return }  // no flock on this file system
            guard Date() < deadline else {
                release()
                throw StoreError(.busy, path: path, message: """
                    Another cachechat process has been opening the history database \(path) for more than \
                    \(String(format: "%g", timeout)) seconds. Wait for it, or end it, and try again.
                    """)
            }
            usleep(2_000)
        }
    }

    /// Unlocks (closing the descriptor drops the lock). Safe to call twice.
    func release() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
