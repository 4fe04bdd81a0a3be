import CSQLiteShim

// Values into and out of SQLite for the history (DECISIONS 106): what a statement binds,
// what a row holds, how a column is read as a Swift type, and SQLite's errors.

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
