
/// The full-text index of titles and messages: two FTS5 tables with the trigram tokenizer,
/// kept in step with `conversation` and `message` by triggers (docs/DECISIONS.md 50).
///
/// - `message_text(content, reasoning_content)` indexes finished messages. Its content
///   is the view `message_searchable` (messages not `streaming`), so a reply is indexed
///   once, when it ends, instead of being re-indexed whole at every checkpoint (which
///   made a checkpoint of a 200 KB reply about twenty times slower). The text of a
///   message is only ever changed while it streams or together with its state (a reply
///   ends, an edit forks the conversation), so the update trigger watches `state` alone:
///   watching `content` too would make SQLite copy the whole reply at every checkpoint
///   for the trigger's `old` and `new` rows (half as much again at 200 KB).
/// - `conversation_text(title)` indexes titles.
///
/// Both are external-content tables: the text is stored once, in its own table. Trigram
/// makes every search a case-insensitive substring search in any script, including
/// Chinese and Japanese, which have no spaces between words; words shorter than three
/// characters cannot use it (`TextSearch` says what they use instead).
enum SearchIndex {
    static let schema = """
        CREATE VIEW IF NOT EXISTS message_searchable AS
            SELECT id, content, reasoning_content FROM message WHERE state != 'streaming';
        CREATE VIRTUAL TABLE IF NOT EXISTS message_text USING fts5(
            content, reasoning_content, content = 'message_searchable', content_rowid = 'id', tokenize = 'trigram');
        CREATE TRIGGER IF NOT EXISTS message_text_insert AFTER INSERT ON message WHEN new.state != 'streaming' BEGIN
            INSERT INTO message_text (rowid, content, reasoning_content) VALUES (new.id, new.content, new.reasoning_content);
        END;
        CREATE TRIGGER IF NOT EXISTS message_text_delete AFTER DELETE ON message WHEN old.state != 'streaming' BEGIN
            INSERT INTO message_text (message_text, rowid, content, reasoning_content)
                VALUES ('delete', old.id, old.content, old.reasoning_content);
        END;
        CREATE TRIGGER IF NOT EXISTS message_text_update AFTER UPDATE OF state ON message BEGIN
            INSERT INTO message_text (message_text, rowid, content, reasoning_content)
                SELECT 'delete', old.id, old.content, old.reasoning_content WHERE old.state != 'streaming';
            INSERT INTO message_text (rowid, content, reasoning_content)
                SELECT new.id, new.content, new.reasoning_content WHERE new.state != 'streaming';
        END;

        CREATE VIRTUAL TABLE IF NOT EXISTS conversation_text USING fts5(
            title, content = 'conversation', content_rowid = 'id', tokenize = 'trigram');
        CREATE TRIGGER IF NOT EXISTS conversation_text_insert AFTER INSERT ON conversation BEGIN
            INSERT INTO conversation_text (rowid, title) VALUES (new.id, new.title);
        END;
        CREATE TRIGGER IF NOT EXISTS conversation_text_delete AFTER DELETE ON conversation BEGIN
            INSERT INTO conversation_text (conversation_text, rowid, title) VALUES ('delete', old.id, old.title);
        END;
        CREATE TRIGGER IF NOT EXISTS conversation_text_update AFTER UPDATE OF title ON conversation BEGIN
            INSERT INTO conversation_text (conversation_text, rowid, title) VALUES ('delete', old.id, old.title);
            INSERT INTO conversation_text (rowid, title) VALUES (new.id, new.title);
        END;

        INSERT INTO message_text (message_text) VALUES ('rebuild');
        INSERT INTO conversation_text (conversation_text) VALUES ('rebuild');
        """

    /// Creates the index and fills it from what is stored. Returns false, changing nothing,
    /// when this SQLite has no FTS5 or no trigram tokenizer (before 3.34): search then
    /// reads every row, with the same results, and the next open tries again.
    @discardableResult
    static func install(_ db: SQLDatabase) throws -> Bool {
        do {
            try db.inSavepoint { try db.execute(sql: schema) }
            return true
        } catch let error as SQLiteError where error.message.map(isMissingFeature) == true {
            return false
        }
    }

    /// Whether the index exists in this database.
    static func isInstalled(_ db: SQLDatabase) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('message_text', 'conversation_text')") == 2
    }

    private static func isMissingFeature(_ message: String) -> Bool {
        message.contains("no such module") || message.contains("no such tokenizer")
    }
}
