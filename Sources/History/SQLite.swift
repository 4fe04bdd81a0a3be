import ChatCore
import CSQLiteShim
import Glibc

// The history's own access to SQLite's C API: statements, a connection, and the lock
// around it — with SQLValues.swift (what goes in and comes out) and SQLMigrator.swift,
// the part of GRDB the store used (DECISIONS 106).
// GRDB's set-up of a connection was 1.05–1.5 ms of the TUI's critical path at launch;
// this is SQLite's open and the pragmas the store asks for, nothing else.

/// A prepared statement of one connection.
final class SQLStatement {
    private var handle: OpaquePointer?
    private let connection: OpaquePointer
    let sql: String
    private var names: [String]?

    fileprivate init(connection: OpaquePointer, sql: String) throws {
        self.connection = connection
        self.sql = sql
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw SQLiteError(code: sqlite3_extended_errcode(connection), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        handle = statement
    }

    /// Resets the statement and binds `arguments` to its parameters, in order.
    func bind(_ arguments: SQLArguments) throws {
        guard let handle else { return }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let count = Int(sqlite3_bind_parameter_count(handle))
        guard arguments.values.count == count else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "wrong number of statement arguments: \(arguments.values.count) for \(count)", sql: sql)
        }
        for (offset, value) in arguments.values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
            case .real(let number): code = sqlite3_bind_double(handle, index, number)
            case .text(let text):
                code = text.withCString { ccs_sqlite3_bind_text_copy(handle, index, $0, sqlite3_uint64(text.utf8.count)) }
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { raw in ccs_sqlite3_bind_blob_copy(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(raw.count)) }
            }
            guard code == SQLITE_OK else {
                throw SQLiteError(code: code, message: String(cString: sqlite3_errmsg(connection)), sql: sql)
            }
        }
    }

    /// Runs the statement to its end (rows it returns are dropped).
    func execute(arguments: SQLArguments = []) throws {
        try bind(arguments)
        while try nextRow() != nil {}
    }

    /// The next row, or nil at the end (the statement is then reset, releasing its locks).
    func nextRow() throws -> SQLRow? {
        guard let handle else { throw SQLiteError(code: SQLITE_MISUSE, message: "statement already finalized", sql: sql) }
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            let count = Int(sqlite3_column_count(handle))
            let names = self.names ?? (0..<count).map { String(cString: sqlite3_column_name(handle, Int32($0))) }
            self.names = names
            var values: [SQLValue] = []
            values.reserveCapacity(count)
            for column in 0..<Int32(count) {
                switch sqlite3_column_type(handle, column) {
                case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(handle, column)))
                case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(handle, column)))
                case SQLITE_TEXT:
                    let bytes = sqlite3_column_text(handle, column)
                    let length = Int(sqlite3_column_bytes(handle, column))
                    values.append(.text(bytes.map { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) } ?? ""))
                case SQLITE_BLOB:
                    let bytes = sqlite3_column_blob(handle, column)
                    let length = Int(sqlite3_column_bytes(handle, column))
                    values.append(.blob(bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []))
                default: values.append(.null)
                }
            }
            return SQLRow(names: names, values: values)
        case SQLITE_DONE:
            sqlite3_reset(handle)
            return nil
        default:
            let error = SQLiteError(code: sqlite3_extended_errcode(connection), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    func finalize() {
        sqlite3_finalize(handle)
        handle = nil
    }

    deinit { sqlite3_finalize(handle) }
}

/// One SQLite connection. Not thread-safe: `SQLQueue` serialises its use.
final class SQLDatabase {
    private(set) var handle: OpaquePointer?
    private var cache: [String: SQLStatement] = [:]

    init(path: String, readOnly: Bool) throws {
        var connection: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
            sqlite3_close(connection)
            throw SQLiteError(code: extended, message: message)
        }
        sqlite3_extended_result_codes(connection, 1)
        handle = connection
    }

    private func open() throws -> OpaquePointer {
        guard let handle else { throw SQLiteError(code: SQLITE_MISUSE, message: "the database is closed") }
        return handle
    }

    func prepare(_ sql: String) throws -> SQLStatement {
        try SQLStatement(connection: open(), sql: sql)
    }

    /// A statement prepared once per connection and reused.
    func cachedStatement(sql: String) throws -> SQLStatement {
        if let statement = cache[sql] { return statement }
        let statement = try prepare(sql)
        cache[sql] = statement
        return statement
    }

    /// Runs `sql`: with arguments, one statement; without, any number separated by `;`.
    func execute(sql: String, arguments: SQLArguments = []) throws {
        let connection = try open()
        if !arguments.values.isEmpty {
            let statement = try prepare(sql)
            defer { statement.finalize() }
            try statement.execute(arguments: arguments)
            return
        }
        try sql.withCString { start in
            var rest: UnsafePointer<CChar>? = start
            while let current = rest, current.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v2(connection, current, -1, &statement, &tail)
                guard code == SQLITE_OK else {
                    throw SQLiteError(code: sqlite3_extended_errcode(connection), message: String(cString: sqlite3_errmsg(connection)),
                                      sql: String(cString: current))
                }
                rest = tail
                guard let statement else { continue }  // whitespace or a comment
                defer { sqlite3_finalize(statement) }
                var step = sqlite3_step(statement)
                while step == SQLITE_ROW { step = sqlite3_step(statement) }
                guard step == SQLITE_DONE else {
                    throw SQLiteError(code: sqlite3_extended_errcode(connection), message: String(cString: sqlite3_errmsg(connection)),
                                      sql: String(cString: sqlite3_sql(statement)))
                }
            }
        }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changesCount: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }
    /// The rowid of the last INSERT.
    var lastInsertedRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }
    /// Whether a transaction is open.
    var isInsideTransaction: Bool { handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }

    /// `body` inside `BEGIN kind` … `COMMIT`, rolled back when it throws.
    func inTransaction<T>(_ kind: String, _ body: (SQLDatabase) throws -> T) throws -> T {
        try execute(sql: "BEGIN \(kind) TRANSACTION")
        let result: T
        do {
            result = try body(self)
            try execute(sql: "COMMIT TRANSACTION")
        } catch {
            if isInsideTransaction { try? execute(sql: "ROLLBACK TRANSACTION") }
            throw error
        }
        return result
    }

    /// `body` inside a savepoint, undone when it throws.
    func inSavepoint(_ body: () throws -> Void) throws {
        try execute(sql: "SAVEPOINT cachechat")
        do {
            try body()
            try execute(sql: "RELEASE SAVEPOINT cachechat")
        } catch {
            try? execute(sql: "ROLLBACK TRANSACTION TO SAVEPOINT cachechat")
            try? execute(sql: "RELEASE SAVEPOINT cachechat")
            throw error
        }
    }

    /// Registers `cachechat_contains(text, word)` (`TextSearch`).
    func addContainsFunction() throws {
        let connection = try open()
        let code = sqlite3_create_function_v2(
            connection, "cachechat_contains", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, count, arguments in
                guard count == 2, let arguments, let text = SQLDatabase.text(arguments[0]), let word = SQLDatabase.text(arguments[1])
                else { sqlite3_result_int(context, 0); return }
                sqlite3_result_int(context, SearchQuery.contains(text, folded: word) ? 1 : 0)
            }, nil, nil, nil)
        guard code == SQLITE_OK else { throw SQLiteError(code: code, message: String(cString: sqlite3_errmsg(connection))) }
    }

    /// A function argument as text: TEXT, or a BLOB of valid UTF-8; nil otherwise.
    private static func text(_ value: OpaquePointer?) -> String? {
        switch sqlite3_value_type(value) {
        case SQLITE_TEXT:
            guard let bytes = sqlite3_value_text(value) else { return "" }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_value_bytes(value))), as: UTF8.self)
        case SQLITE_BLOB:
            guard let bytes = sqlite3_value_blob(value) else { return "" }
            return String(validating: UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_value_bytes(value))), as: UTF8.self)
        default:
            return nil
        }
    }

    /// Finalizes the cached statements and closes the connection; later calls fail.
    func close() throws {
        guard let connection = handle else { return }
        for statement in cache.values { statement.finalize() }
        cache = [:]
        let code = sqlite3_close(connection)
        guard code == SQLITE_OK else { throw SQLiteError(code: code, message: String(cString: sqlite3_errmsg(connection))) }
        handle = nil
    }

    deinit {
        for statement in cache.values { statement.finalize() }
        sqlite3_close_v2(handle)
    }
}

/// A connection used by one thread at a time: every read and write takes the lock (the
/// store is shared between the App's threads, as GRDB's `DatabaseQueue` was). Calls must
/// not nest.
final class SQLQueue: @unchecked Sendable {
    private let database: SQLDatabase
    private let lock: UnsafeMutablePointer<pthread_mutex_t>

    init(_ database: SQLDatabase) {
        self.database = database
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }

    /// `body` with the connection, outside any transaction.
    func withConnection<T>(_ body: (SQLDatabase) throws -> T) rethrows -> T {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return try body(database)
    }

    /// `body` in a deferred transaction: what it reads is one snapshot.
    func read<T>(_ body: (SQLDatabase) throws -> T) throws -> T {
        try withConnection { db in try db.inTransaction("DEFERRED", body) }
    }

    /// `body` in an IMMEDIATE transaction: the write lock is taken first (waiting up to the
    /// busy timeout), so two writers never deadlock upgrading a read.
    func write<T>(_ body: (SQLDatabase) throws -> T) throws -> T {
        try withConnection { db in try db.inTransaction("IMMEDIATE", body) }
    }

    func close() throws {
        try withConnection { db in try db.close() }
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }
}
