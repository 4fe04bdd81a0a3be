import ChatCore
import Foundation

extension ChatStore {
    /// Starts a new, empty conversation.
    public func createConversation(_ settings: ConversationSettings) throws -> Conversation {
        try write { db in
            let time = StoredDate.text(now())
            try db.execute(sql: """
                INSERT INTO conversation (title, created_at, updated_at, model, endpoint_name,
                    system_prompt, few_shot_set, few_shot_version, few_shot_mode, thinking)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [settings.title, time, time, settings.model,
                                 SecretRedaction.redact(settings.endpointName), settings.systemPrompt,
                                 settings.fewShotSetName, settings.fewShotVersion, settings.fewShotMode?.rawValue,
                                 settings.thinking])
            return try fetchConversation(db, ConversationID(db.lastInsertedRowID))
        }
    }

    /// The conversation with `id`, or nil.
    public func conversation(_ id: ConversationID) throws -> Conversation? {
        try read { db in
            try SQLRow.fetchOne(db, sql: "SELECT \(Conversation.selectColumns) FROM conversation c WHERE c.id = ?",
                             arguments: [id.rawValue]).map(Conversation.init(row:))
        }
    }

    /// Saves the editable fields of `conversation` (title, model, endpoint, system prompt,
    /// few-shot set, thinking, archived). Dates and fork origin are the store's.
    public func updateConversation(_ conversation: Conversation) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE conversation SET title = ?, model = ?, endpoint_name = ?, system_prompt = ?,
                    few_shot_set = ?, few_shot_version = ?, few_shot_mode = ?, history_start = ?, thinking = ?, archived = ?
                WHERE id = ?
                """, arguments: [conversation.title, conversation.model,
                                 SecretRedaction.redact(conversation.endpointName), conversation.systemPrompt,
                                 conversation.fewShotSetName, conversation.fewShotVersion, conversation.fewShotMode?.rawValue,
                                 conversation.historyStart,
                                 conversation.thinking, conversation.archived, conversation.id.rawValue])
            try requireChange(db, "conversation \(conversation.id)")
        }
    }

    public func renameConversation(_ id: ConversationID, to title: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE conversation SET title = ? WHERE id = ?", arguments: [title, id.rawValue])
            try requireChange(db, "conversation \(id)")
        }
    }

    public func setArchived(_ id: ConversationID, _ archived: Bool) throws {
        try write { db in
            try db.execute(sql: "UPDATE conversation SET archived = ? WHERE id = ?", arguments: [archived, id.rawValue])
            try requireChange(db, "conversation \(id)")
        }
    }

    /// Deletes a conversation and its messages. Its ledger rows stay (money was spent), with
    /// their conversation and message unset; forks of it keep their copies.
    public func deleteConversation(_ id: ConversationID) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM conversation WHERE id = ?", arguments: [id.rawValue])
            try requireChange(db, "conversation \(id)")
            try Self.pruneAttachmentTexts(db)
        }
    }

    /// Conversations with their message counts, most recently active first.
    public func listConversations(includeArchived: Bool = false, limit: Int? = nil) throws -> [ConversationSummary] {
        try summaries(where: includeArchived ? "1" : "c.archived = 0", arguments: [], limit: limit)
    }

    /// Copies the first `ordinal - 1` messages of `id` into a new conversation with the same
    /// settings, recording where it branched off. Editing the user message at `ordinal`
    /// is then: fork at `ordinal`, append the edited text to the fork.
    public func forkConversation(_ id: ConversationID, atOrdinal ordinal: Int, title: String? = nil) throws -> Conversation {
        try write { db in
            let source = try fetchConversation(db, id)
            let last = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(ordinal), 0) FROM message WHERE conversation_id = ?",
                                        arguments: [id.rawValue]) ?? 0
            guard (1...last + 1).contains(ordinal) else {
                throw StoreError(.invalidState, path: path, message: """
                    Cannot fork conversation \(id) at message \(ordinal): it has messages 1 to \(last).
                    """)
            }
            let time = StoredDate.text(now())
            try db.execute(sql: """
                INSERT INTO conversation (title, created_at, updated_at, model, endpoint_name, system_prompt,
                    few_shot_set, few_shot_version, few_shot_mode, history_start, thinking, forked_from_id, forked_at_ordinal)
                SELECT ?, ?, ?, model, endpoint_name, system_prompt, few_shot_set, few_shot_version, few_shot_mode,
                    CASE WHEN history_start < ? THEN history_start END, thinking, id, ?
                FROM conversation WHERE id = ?
                """, arguments: [title ?? "\(source.title) (fork)", time, time, ordinal, ordinal, id.rawValue])
            let fork = db.lastInsertedRowID
            // A reply still being written is copied as interrupted: the fork never receives the rest.
            try db.execute(sql: """
                INSERT INTO message (conversation_id, ordinal, role, content, reasoning_content, created_at,
                    state, state_detail, model, parent_id)
                SELECT ?, ordinal, role, content, reasoning_content, created_at,
                    CASE state WHEN 'streaming' THEN 'interrupted' ELSE state END,
                    CASE state WHEN 'streaming' THEN 'copied into a fork while still being written' ELSE state_detail END,
                    model, id
                FROM message WHERE conversation_id = ? AND ordinal < ? ORDER BY ordinal
                """, arguments: [fork, id.rawValue, ordinal])
            try db.execute(sql: """
                INSERT INTO conversation_attachment (conversation_id, position, name, hash, path)
                SELECT ?, position, name, hash, path FROM conversation_attachment WHERE conversation_id = ?
                """, arguments: [fork, id.rawValue])
            return try fetchConversation(db, ConversationID(fork))
        }
    }

    // MARK: - Helpers

    func fetchConversation(_ db: SQLDatabase, _ id: ConversationID) throws -> Conversation {
        guard let row = try SQLRow.fetchOne(
            db, sql: "SELECT \(Conversation.selectColumns) FROM conversation c WHERE c.id = ?", arguments: [id.rawValue])
        else { throw StoreError.notFound("conversation \(id)", path: path) }
        return try Conversation(row: row)
    }

    func requireChange(_ db: SQLDatabase, _ what: String) throws {
        if db.changesCount == 0 { throw StoreError.notFound(what, path: path) }
    }

    func summaries(where condition: String, arguments: SQLArguments, limit: Int?) throws -> [ConversationSummary] {
        try read { db in
            let sql = """
                SELECT \(Conversation.selectColumns),
                    (SELECT COUNT(*) FROM message m WHERE m.conversation_id = c.id) AS message_count
                FROM conversation c WHERE \(condition)
                ORDER BY c.updated_at DESC, c.id DESC \(limit.map { "LIMIT \($0)" } ?? "")
                """
            return try SQLRow.fetchAll(db, sql: sql, arguments: arguments).map { row in
                ConversationSummary(conversation: try Conversation(row: row),
                                    messageCount: try row.decode(forColumn: "message_count"))
            }
        }
    }
}
