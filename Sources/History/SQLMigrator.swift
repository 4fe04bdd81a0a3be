import CSQLiteShim

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
