import ChatCore
import CSQLiteShim
import Glibc

// The history's own access to SQLite's C API: a connection behind a lock, statements,
// rows, arguments and migrations — the part of GRDB the store used (DECISIONS 106).
// GRDB's set-up of a connection was 1.05–1.5 ms of the TUI's critical path at launch;
// this is SQLite's open and the pragmas the store asks for, nothing else.

/// A value SQLite stores or returns.
enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// An SQLite failure: its result code (primary and extended) and SQLite's message.
struct SQLiteError: Error, Equatable, CustomStringConvertible {
    /// The extended result code (SQLITE_BUSY_SNAPSHOT…); `code` is its primary part.
    var extendedCode: Int32
    var message: String?
    /// The SQL that failed, when a statement did (never its arguments: they hold chat text).
    var sql: String?

    var code: Int32 { extendedCode & 0xFF }

    init(code: Int32, message: String?, sql: String? = nil) {
        self.extendedCode = code
        self.message = message
        self.sql = sql
    }

    /// A failure of the store's own making (an unknown value in a column).
    init(message: String) {
        self.init(code: SQLITE_ERROR, message: message)
    }

    var description: String {
        var text = "SQLite error \(extendedCode)"
        if let message { text += ": \(message)" }
        if let sql { text += " - while executing `\(sql)`" }
        return text
    }
}

/// Something that can be bound to a statement's parameter.
protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { var sqlValue: SQLValue { .integer(self) } }
extension Int32: SQLBindable { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLBindable { var sqlValue: SQLValue { .real(self) } }
extension Bool: SQLBindable { var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension String: SQLBindable { var sqlValue: SQLValue { .text(self) } }
extension SQLValue: SQLBindable { var sqlValue: SQLValue { self } }

/// A statement's arguments, in the order of its parameters; nil binds NULL.
struct SQLArguments: ExpressibleByArrayLiteral {
    var values: [SQLValue]

    init() { values = [] }

    init(arrayLiteral elements: (any SQLBindable)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    static func += (lhs: inout SQLArguments, rhs: SQLArguments) {
        lhs.values += rhs.values
    }
}

/// A type a column's value is read as. A value of another storage class (text read as a
/// number) is not converted: reading it fails, as GRDB's decoding did.
protocol SQLColumnValue {
    init?(sqlValue: SQLValue)
}

extension Int64: SQLColumnValue {
    init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .integer(let value): self = value
        case .real(let value): guard let exact = Int64(exactly: value) else { return nil }; self = exact
        default: return nil
        }
    }
}

extension Int: SQLColumnValue {
    init?(sqlValue: SQLValue) {
        guard let value = Int64(sqlValue: sqlValue), let exact = Int(exactly: value) else { return nil }
        self = exact
    }
}

extension Int32: SQLColumnValue {
    init?(sqlValue: SQLValue) {
        guard let value = Int64(sqlValue: sqlValue), let exact = Int32(exactly: value) else { return nil }
        self = exact
    }
}

extension Double: SQLColumnValue {
    init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .integer(let value): self = Double(value)
        case .real(let value): self = value
        default: return nil
        }
    }
}

extension Bool: SQLColumnValue {
    init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .integer(let value): self = value != 0
        case .real(let value): self = value != 0
        default: return nil
        }
    }
}

extension String: SQLColumnValue {
    init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .text(let value): self = value
        case .blob(let bytes): guard let text = String(validating: bytes, as: UTF8.self) else { return nil }; self = text
        default: return nil
        }
    }
}

extension SQLColumnValue {
    /// The first column of the first row, or nil (no row, or NULL).
    static func fetchOne(_ db: SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> Self? {
        guard let row = try SQLRow.fetchOne(db, sql: sql, arguments: arguments), let value = row.values.first else { return nil }
        if value == .null { return nil }
        guard let decoded = Self(sqlValue: value) else {
            throw SQLiteError(code: SQLITE_MISMATCH, message: "could not read \(Self.self) from \(value)", sql: sql)
        }
        return decoded
    }

    /// The first column of every row (NULLs left out).
    static func fetchAll(_ db: SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> [Self] {
        try SQLRow.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
            guard let value = row.values.first, value != .null else { return nil }
            guard let decoded = Self(sqlValue: value) else {
                throw SQLiteError(code: SQLITE_MISMATCH, message: "could not read \(Self.self) from \(value)", sql: sql)
            }
            return decoded
        }
    }
}

/// One row of a result: its columns' names (as SQLite gives them: `c.id` is `id`) and values.
struct SQLRow {
    let names: [String]
    let values: [SQLValue]

    /// The value of `column`; NULL when the row has no such column.
    subscript(column: String) -> SQLValue {
        guard let index = index(of: column) else { return .null }
        return values[index]
    }

    /// The value of `column` as `T`; NULL, a missing column or another type is an error.
    func decode<T: SQLColumnValue>(_ type: T.Type = T.self, forColumn column: String) throws -> T {
        guard let value = try decode(T?.self, forColumn: column) else {
            throw SQLiteError(code: SQLITE_MISMATCH, message: "could not read \(T.self) from NULL in column \(column)")
        }
        return value
    }

    /// The value of `column` as `T`, nil for NULL; a missing column or another type is an error.
    func decode<T: SQLColumnValue>(_ type: T?.Type = T?.self, forColumn column: String) throws -> T? {
        guard let index = index(of: column) else {
            throw SQLiteError(code: SQLITE_MISMATCH, message: "no column \(column) in the row")
        }
        let value = values[index]
        if value == .null { return nil }
        guard let decoded = T(sqlValue: value) else {
            throw SQLiteError(code: SQLITE_MISMATCH, message: "could not read \(T.self) from \(value) in column \(column)")
        }
        return decoded
    }

    private func index(of column: String) -> Int? {
        if let exact = names.firstIndex(of: column) { return exact }
        let lowered = column.lowercased()
        return names.firstIndex { $0.lowercased() == lowered }
    }

    static func fetchAll(_ db: SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        let statement = try db.prepare(sql)
        defer { statement.finalize() }
        try statement.bind(arguments)
        var rows: [SQLRow] = []
        while let row = try statement.nextRow() { rows.append(row) }
        return rows
    }

    static func fetchOne(_ db: SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        let statement = try db.prepare(sql)
        defer { statement.finalize() }
        try statement.bind(arguments)
        return try statement.nextRow()
    }

    /// Steps through the rows without holding them all; the body runs inside the read.
    static func forEach(_ db: SQLDatabase, sql: String, arguments: SQLArguments = [], _ body: (SQLRow) throws -> Void) throws {
        let statement = try db.prepare(sql)
        defer { statement.finalize() }
        try statement.bind(arguments)
        while let row = try statement.nextRow() { try body(row) }
    }
}

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

/// Named migrations, run once each in registration order, recorded in the table
/// `grdb_migrations` (the name GRDB gave it: files written before DECISIONS 106 carry it).
struct SQLMigrator {
    private(set) var migrations: [(identifier: String, body: (SQLDatabase) throws -> Void)] = []

    mutating func registerMigration(_ identifier: String, _ body: @escaping (SQLDatabase) throws -> Void) {
        precondition(!migrations.contains { $0.identifier == identifier }, "migration \(identifier) registered twice")
        migrations.append((identifier, body))
    }

    /// Every identifier recorded in the file, known here or not.
    func recordedIdentifiers(_ db: SQLDatabase) throws -> Set<String> {
        let exists = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'") ?? 0
        guard exists > 0 else { return [] }
        return Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
    }

    /// The registered migrations the file has, in registration order.
    func appliedMigrations(_ db: SQLDatabase) throws -> [String] {
        let recorded = try recordedIdentifiers(db)
        return migrations.map(\.identifier).filter(recorded.contains)
    }

    /// Whether every registered migration has run.
    func hasCompletedMigrations(_ db: SQLDatabase) throws -> Bool {
        let recorded = try recordedIdentifiers(db)
        return migrations.allSatisfy { recorded.contains($0.identifier) }
    }

    /// Whether the file has a migration this program does not know (a newer cachechat's).
    func hasBeenSuperseded(_ db: SQLDatabase) throws -> Bool {
        let known = Set(migrations.map(\.identifier))
        return try !recordedIdentifiers(db).isSubset(of: known)
    }

    /// Runs the migrations the file lacks, each in its own IMMEDIATE transaction with
    /// foreign keys off and checked before it commits (an ALTER may need them off).
    /// `upTo`: the last migration to run (tests build older files with it).
    func migrate(_ queue: SQLQueue, upTo last: String? = nil) throws {
        var wanted = migrations
        if let last {
            guard let end = migrations.firstIndex(where: { $0.identifier == last }) else {
                throw SQLiteError(message: "no migration named \(last)")
            }
            wanted = Array(migrations[...end])
        }
        try queue.withConnection { db in
            let recorded = try recordedIdentifiers(db)
            let pending = wanted.filter { !recorded.contains($0.identifier) }
            guard !pending.isEmpty else { return }
            let foreignKeys = try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false
            if foreignKeys { try db.execute(sql: "PRAGMA foreign_keys = OFF") }
            defer { if foreignKeys { try? db.execute(sql: "PRAGMA foreign_keys = ON") } }
            for migration in pending {
                try db.inTransaction("IMMEDIATE") { db in
                    // Another process may have run it while this one waited for the lock.
                    try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                    guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations WHERE identifier = ?",
                                           arguments: [migration.identifier]) == 0 else { return }
                    try migration.body(db)
                    if let violation = try SQLRow.fetchOne(db, sql: "PRAGMA foreign_key_check") {
                        throw SQLiteError(code: SQLITE_CONSTRAINT,
                                          message: "FOREIGN KEY constraint failed in table \((try? violation.decode(String.self, forColumn: "table")) ?? "?")")
                    }
                    try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [migration.identifier])
                }
            }
        }
    }
}
