import ChatCore
import Foundation

// The life of a reply:
//
//   beginReply ──► appendReplyText* ──► completeReply   (text + usage ledger row, one transaction)
//                                   ├─► interruptReply  (cancel, network loss; partial text kept)
//                                   └─► failReply       (API error)
//   a crash at any point leaves `streaming`; the next open turns it into `interrupted`.

extension ChatStore {
    /// Appends a finished message (normally the user's) at the end of the conversation.
    @discardableResult
    public func appendMessage(
        to conversation: ConversationID, role: StoredMessage.Role = .user, content: String,
        reasoning: String? = nil, model: String? = nil
    ) throws -> StoredMessage {
        try write { db in
            let id = try insertMessage(db, conversation, role: role, content: content, reasoning: reasoning,
                                       state: "complete", model: model, writer: nil)
            return try fetchMessage(db, id)
        }
    }

    /// Appends the user's question if the conversation's last message is still `last`
    /// (see `ChatHistory.appendQuestion`): the check and the insert share one transaction,
    /// so two writers cannot both pass it.
    public func appendQuestion(_ content: String, to conversation: ConversationID, after last: MessageID?) throws -> StoredMessage {
        let appended: StoredMessage? = try write { db in
            let current = try Int64.fetchOne(db, sql: """
                SELECT id FROM message WHERE conversation_id = ? ORDER BY ordinal DESC LIMIT 1
                """, arguments: [conversation.rawValue])
            guard current == last?.rawValue else { return nil }
            let id = try insertMessage(db, conversation, role: .user, content: content, reasoning: nil,
                                       state: "complete", model: nil, writer: nil)
            return try fetchMessage(db, id)
        }
        guard let appended else { throw ConversationChanged(conversation: conversation) }
        return appended
    }

    /// Inserts an empty assistant message in state `streaming` and returns its id. Call this
    /// when the request is sent, so a crash before the first byte still leaves a trace.
    public func beginReply(in conversation: ConversationID, model: String) throws -> MessageID {
        try write { db in
            try insertMessage(db, conversation, role: .assistant, content: "", reasoning: nil,
                              state: "streaming", model: model, writer: ProcessLiveness.currentPID)
        }
    }

    public func reopenReply(_ id: MessageID) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE message SET state = 'streaming', state_detail = NULL, writer_pid = ?
                WHERE id = ? AND role = 'assistant' AND state IN ('complete', 'interrupted')
                  AND ordinal = (SELECT MAX(ordinal) FROM message AS other WHERE other.conversation_id = message.conversation_id)
                """, arguments: [ProcessLiveness.currentPID, id.rawValue])
            if db.changesCount == 0 {
                throw StoreError(.invalidState, path: path,
                                 message: "Message \(id) is not a finished reply at the end of its conversation; it cannot be continued.")
            }
        }
    }

    /// Checkpoints text that arrived since the last call: `content` and `reasoning` are
    /// appended to what is stored. One UPDATE by primary key, no fsync (WAL, NORMAL); meant
    /// to be called at most every ~250 ms while streaming. Empty deltas are fine.
    public func appendReplyText(_ id: MessageID, content: String, reasoning: String = "") throws {
        try write { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE message SET content = content || ?1,
                    reasoning_content = CASE WHEN ?2 = '' THEN reasoning_content
                                             ELSE COALESCE(reasoning_content, '') || ?2 END
                WHERE id = ?3 AND state = 'streaming'
                """)
            try statement.execute(arguments: [StorableText.clean(content), StorableText.clean(reasoning), id.rawValue])
            if db.changesCount == 0 { try throwNotStreaming(db, id) }
        }
    }

    /// Finishes a reply: its final text and reasoning, state `complete`, and its ledger row,
    /// all in one transaction, so the ledger never counts a reply that is not stored and no
    /// stored reply lacks its usage. The entry's conversation and message are filled in.
    /// `content` replaces the checkpointed text; a nil `reasoning` keeps the checkpointed one.
    /// - Returns: the recorded ledger entry, with its id.
    @discardableResult
    public func completeReply(
        _ id: MessageID, content: String, reasoning: String?, ledger entry: LedgerEntry
    ) throws -> LedgerEntry {
        try finishReply(id, state: .complete, content: content, reasoning: reasoning, ledger: entry)!
    }

    /// Marks a reply cut off (cancel, connection lost). The partial text is kept: pass the
    /// latest text if it is newer than the last checkpoint, or nil to keep the checkpoint.
    @discardableResult
    public func interruptReply(
        _ id: MessageID, reason: String, content: String? = nil, reasoning: String? = nil,
        ledger entry: LedgerEntry? = nil
    ) throws -> LedgerEntry? {
        try finishReply(id, state: .interrupted(reason: reason), content: content, reasoning: reasoning, ledger: entry)
    }

    /// Deletes the last message of its conversation (to regenerate a reply). Its ledger row
    /// stays, with the message reference cleared: the request was still paid for. Only the
    /// last message may go, so ordinals never get a gap.
    public func deleteLastMessage(_ id: MessageID) throws {
        try write { db in
            let message = try fetchMessage(db, id)
            let last = try Int.fetchOne(db, sql: "SELECT MAX(ordinal) FROM message WHERE conversation_id = ?",
                                        arguments: [message.conversation.rawValue])
            guard last == message.ordinal else {
                throw StoreError(.invalidState, path: path,
                                 message: "Message \(id) is not the last of conversation \(message.conversation); only the last message can be removed.")
            }
            try db.execute(sql: "DELETE FROM message WHERE id = ?", arguments: [id.rawValue])
        }
    }

    /// Marks a reply failed with a message a person can read (the API error's text).
    @discardableResult
    public func failReply(
        _ id: MessageID, message: String, content: String? = nil, ledger entry: LedgerEntry? = nil
    ) throws -> LedgerEntry? {
        try finishReply(id, state: .failed(message: message), content: content, reasoning: nil, ledger: entry)
    }

    /// The message with `id`, or nil.
    public func message(_ id: MessageID) throws -> StoredMessage? {
        try read { db in
            try SQLRow.fetchOne(db, sql: "SELECT \(StoredMessage.selectColumns) FROM message m WHERE m.id = ?",
                             arguments: [id.rawValue]).map(StoredMessage.init(row:))
        }
    }

    /// The conversation's messages in order.
    public func messages(in conversation: ConversationID) throws -> [StoredMessage] {
        try read { db in try fetchMessages(db, conversation) }
    }

    // MARK: - Helpers

    func finishReply(
        _ id: MessageID, state: StoredMessage.State, content: String?, reasoning: String?, ledger entry: LedgerEntry?
    ) throws -> LedgerEntry? {
        try write { db in
            let (stateName, detail) = state.columns
            // Message first, ledger second: if the ledger insert fails, the rollback undoes both.
            try db.execute(sql: """
                UPDATE message SET state = ?, state_detail = ?, writer_pid = NULL,
                    content = COALESCE(?, content), reasoning_content = COALESCE(?, reasoning_content)
                WHERE id = ? AND state = 'streaming'
                """, arguments: [stateName, detail, content.map(StorableText.clean), reasoning.map(StorableText.clean), id.rawValue])
            if db.changesCount == 0 { try throwNotStreaming(db, id) }
            let conversation = try Int64.fetchOne(db, sql: "SELECT conversation_id FROM message WHERE id = ?",
                                                  arguments: [id.rawValue])!
            try touchConversation(db, conversation)
            guard var entry else { return nil }
            entry.conversation = ConversationID(conversation)
            entry.message = id
            return try insertLedgerEntry(db, entry)
        }
    }

    func insertMessage(
        _ db: SQLDatabase, _ conversation: ConversationID, role: StoredMessage.Role, content: String,
        reasoning: String?, state: String, model: String?, writer: Int32?
    ) throws -> MessageID {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM conversation WHERE id = ?", arguments: [conversation.rawValue]) != nil
        else { throw StoreError.notFound("conversation \(conversation)", path: path) }
        try db.execute(sql: """
            INSERT INTO message (conversation_id, ordinal, role, content, reasoning_content, created_at, state, model, writer_pid)
            VALUES (?1, (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM message WHERE conversation_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """, arguments: [conversation.rawValue, role.rawValue, StorableText.clean(content), reasoning.map(StorableText.clean),
                             StoredDate.text(now()), state, model, writer])
        let id = db.lastInsertedRowID
        try touchConversation(db, conversation.rawValue)
        return MessageID(id)
    }

    func touchConversation(_ db: SQLDatabase, _ conversation: Int64) throws {
        try db.execute(sql: "UPDATE conversation SET updated_at = ? WHERE id = ?", arguments: [StoredDate.text(now()), conversation])
    }

    func fetchMessage(_ db: SQLDatabase, _ id: MessageID) throws -> StoredMessage {
        guard let row = try SQLRow.fetchOne(
            db, sql: "SELECT \(StoredMessage.selectColumns) FROM message m WHERE m.id = ?", arguments: [id.rawValue])
        else { throw StoreError.notFound("message \(id)", path: path) }
        return try StoredMessage(row: row)
    }

    func fetchMessages(_ db: SQLDatabase, _ conversation: ConversationID) throws -> [StoredMessage] {
        try SQLRow.fetchAll(db, sql: """
            SELECT \(StoredMessage.selectColumns) FROM message m WHERE m.conversation_id = ? ORDER BY m.ordinal
            """, arguments: [conversation.rawValue]).map(StoredMessage.init(row:))
    }

    func throwNotStreaming(_ db: SQLDatabase, _ id: MessageID) throws -> Never {
        let message = try fetchMessage(db, id)
        throw StoreError(.invalidState, path: path, message: """
            Message \(id) is not a reply being written (it is \(message.state.columns.0)); it cannot be changed.
            """)
    }
}

/// SQLite TEXT read back as a C string stops at the first NUL (GRDB's did), so a reply with a NUL in it
/// would silently lose its end. NUL carries no meaning in chat text: it is stored as
/// U+FFFD (the replacement character), and everything after it is kept.
enum StorableText {
    static func clean(_ text: String) -> String {
        text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }
}
