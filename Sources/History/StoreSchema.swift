
/// The history database's schema, as named migrations (`SQLMigrator`). Never edit a shipped
/// migration: add `v2`, `v3`, ... below it.
///
/// Tables: `conversation`, `message` (replies included, with their reasoning) and
/// `request` (the ledger: one row per request sent), and the search index (`SearchIndex`).
/// Dates are GRDB's UTC text (`StoredDate`) (`yyyy-MM-dd HH:mm:ss.SSS`), so they sort and compare as text.
enum StoreSchema {
    static var migrator: SQLMigrator {
        var migrator = SQLMigrator()
        migrator.registerMigration("v1: conversations, messages, request ledger") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2: few-shot mode of a conversation") { db in
            try db.execute(sql: "ALTER TABLE conversation ADD COLUMN few_shot_mode TEXT CHECK (few_shot_mode IN ('pinned', 'each'))")
        }
        migrator.registerMigration("v3: history cut for cache-aware truncation") { db in
            try db.execute(sql: "ALTER TABLE conversation ADD COLUMN history_start INTEGER CHECK (history_start >= 1)")
        }
        migrator.registerMigration("v4: what each request carried, and estimated usage") { db in
            // `plan` is a PlanRecord as JSON: the system prompt or few-shot version, the
            // message ids and settings of the request, so it can be described and rebuilt.
            try db.execute(sql: "ALTER TABLE request ADD COLUMN plan TEXT")
            try db.execute(sql: "ALTER TABLE request ADD COLUMN estimated BOOLEAN NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v5: usage that made no sense, kept out of totals") { db in
            try db.execute(sql: "ALTER TABLE request ADD COLUMN usage_problem TEXT")
            // Rows written before usage was checked: a count no request can have is kept
            // as text and taken out of the totals (it made `stats` crash on every start).
            try db.execute(sql: """
                UPDATE request SET
                    usage_problem = 'recorded before usage was checked: prompt ' || IFNULL(prompt_tokens, '?')
                        || ', hit ' || IFNULL(cache_hit_tokens, '?') || ', miss ' || IFNULL(cache_miss_tokens, '?')
                        || ', completion ' || IFNULL(completion_tokens, '?'),
                    prompt_tokens = NULL, cache_hit_tokens = NULL, cache_miss_tokens = NULL,
                    completion_tokens = NULL, reasoning_tokens = NULL, cost = NULL, cost_without_cache = NULL
                WHERE prompt_tokens < 0 OR prompt_tokens > 10000000000
                   OR cache_hit_tokens < 0 OR cache_hit_tokens > 10000000000
                   OR cache_miss_tokens < 0 OR cache_miss_tokens > 10000000000
                   OR completion_tokens < 0 OR completion_tokens > 10000000000
                   OR reasoning_tokens < 0 OR reasoning_tokens > 10000000000
                   OR cache_hit_tokens > prompt_tokens
                """)
        }
        migrator.registerMigration("v6: full-text index of titles and messages") { db in
            // Filled from what is stored. On a SQLite without FTS5 trigram nothing is
            // created (search reads every row instead) and `ChatStore` retries on open.
            try SearchIndex.install(db)
        }
        migrator.registerMigration("v7: attached documents of a conversation") { db in
            try db.execute(sql: attachments)
        }
        // Named without a number: other branches add migrations too (they run in registration order).
        migrator.registerMigration("balance_readings") { db in
            try db.execute(sql: balanceReadings)
        }
        return migrator
    }

    /// Attached documents (docs/DECISIONS.md 51): each text once, by content hash (ledger
    /// plan records refer to it), and each conversation's list in order.
    static let attachments = """
        CREATE TABLE attachment_text (
            hash TEXT PRIMARY KEY NOT NULL,
            text TEXT NOT NULL
        );
        CREATE TABLE conversation_attachment (
            conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
            position INTEGER NOT NULL CHECK (position >= 0),
            name TEXT NOT NULL,
            hash TEXT NOT NULL REFERENCES attachment_text(hash),
            path TEXT,
            PRIMARY KEY (conversation_id, position)
        );
        CREATE INDEX conversation_attachment_by_hash ON conversation_attachment(hash);
        """

    /// Account balance readings (docs/DECISIONS.md 74), compared with the ledger's cost
    /// of the requests between two of them.
    static let balanceReadings = """
        CREATE TABLE balance_reading (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time DATETIME NOT NULL,
            endpoint_host TEXT NOT NULL,
            currency TEXT NOT NULL,
            total DOUBLE NOT NULL,
            granted DOUBLE,
            topped_up DOUBLE,
            resolution DOUBLE NOT NULL
        );
        CREATE INDEX balance_reading_by_time ON balance_reading(endpoint_host, time);
        """

    static let v1 = """
        CREATE TABLE conversation (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL,
            model TEXT NOT NULL,
            endpoint_name TEXT NOT NULL,
            system_prompt TEXT,
            few_shot_set TEXT,
            few_shot_version TEXT,
            thinking BOOLEAN NOT NULL DEFAULT 0,
            archived BOOLEAN NOT NULL DEFAULT 0,
            forked_from_id INTEGER REFERENCES conversation(id) ON DELETE SET NULL,
            forked_at_ordinal INTEGER
        );
        CREATE INDEX conversation_by_activity ON conversation(updated_at);
        CREATE INDEX conversation_by_fork_source ON conversation(forked_from_id);

        CREATE TABLE message (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL CHECK (ordinal >= 1),
            role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
            content TEXT NOT NULL,
            reasoning_content TEXT,
            created_at DATETIME NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('complete', 'streaming', 'interrupted', 'failed')),
            state_detail TEXT,
            model TEXT,
            parent_id INTEGER REFERENCES message(id) ON DELETE SET NULL,
            writer_pid INTEGER,
            UNIQUE (conversation_id, ordinal)
        );
        CREATE INDEX message_by_parent ON message(parent_id);
        CREATE INDEX message_streaming ON message(state) WHERE state = 'streaming';

        CREATE TABLE request (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time DATETIME NOT NULL,
            endpoint_host TEXT NOT NULL,
            endpoint_name TEXT NOT NULL,
            model TEXT NOT NULL,
            conversation_id INTEGER REFERENCES conversation(id) ON DELETE SET NULL,
            message_id INTEGER REFERENCES message(id) ON DELETE SET NULL,
            prompt_tokens INTEGER CHECK (prompt_tokens >= 0),
            cache_hit_tokens INTEGER CHECK (cache_hit_tokens >= 0),
            cache_miss_tokens INTEGER CHECK (cache_miss_tokens >= 0),
            completion_tokens INTEGER CHECK (completion_tokens >= 0),
            reasoning_tokens INTEGER CHECK (reasoning_tokens >= 0),
            cost REAL,
            cost_without_cache REAL,
            currency TEXT,
            predicted_hit_tokens INTEGER,
            local_prompt_tokens INTEGER,
            seconds_to_first_token REAL,
            total_seconds REAL,
            outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'interrupted', 'error')),
            outcome_detail TEXT
        );
        CREATE INDEX request_by_time ON request(time);
        CREATE INDEX request_by_conversation ON request(conversation_id, time);
        CREATE INDEX request_by_message ON request(message_id);
        """
}
