import ChatCore

extension ChatStore {
    /// Conversations whose title, or one of whose finished messages (text or reasoning),
    /// contains every word of `query`, with the first matching message in context. Title
    /// matches first, then the most recently active; archived ones included.
    ///
    /// The trigram index finds the rows (`SearchIndex`); words under three characters,
    /// or all of them when the index is missing, are checked row by row.
    public func searchConversations(_ query: SearchQuery, limit: Int? = nil) throws -> [ConversationMatch] {
        guard !query.isEmpty else { return [] }
        return try read { db in
            let search = TextSearch(query, indexed: try SearchIndex.isInstalled(db))
            var arguments = SQLArguments()
            let titles = search.condition(table: "conversation_text", rowid: "t.id", columns: ["t.title"], arguments: &arguments)
            let messages = search.condition(table: "message_text", rowid: "m.id",
                                            columns: ["m.content", "m.reasoning_content"], arguments: &arguments)
            // MIN(ordinal) picks the first matching message; SQLite takes the bare `m.id`
            // from that same row.
            let sql = """
                WITH title_hit AS (SELECT t.id FROM conversation t WHERE \(titles)),
                message_hit AS (
                    SELECT m.conversation_id AS conversation_id, MIN(m.ordinal) AS ordinal, m.id AS id, COUNT(*) AS hits
                    FROM message m WHERE m.state != 'streaming' AND \(messages)
                    GROUP BY m.conversation_id)
                SELECT \(Conversation.selectColumns),
                    (SELECT COUNT(*) FROM message x WHERE x.conversation_id = c.id) AS message_count,
                    c.id IN (SELECT id FROM title_hit) AS in_title, COALESCE(h.hits, 0) AS hits,
                    f.id AS message_id, f.ordinal AS message_ordinal, f.role AS message_role,
                    f.content AS message_content, f.reasoning_content AS message_reasoning
                FROM conversation c LEFT JOIN message_hit h ON h.conversation_id = c.id LEFT JOIN message f ON f.id = h.id
                WHERE c.id IN (SELECT id FROM title_hit) OR h.id IS NOT NULL
                ORDER BY in_title DESC, c.updated_at DESC, c.id DESC \(limit.map { "LIMIT \(max(0, $0))" } ?? "")
                """
            return try SQLRow.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let summary = ConversationSummary(conversation: try Conversation(row: row),
                                                  messageCount: try row.decode(forColumn: "message_count"))
                let message = try (row.decode(Int64?.self, forColumn: "message_id")).map { id in
                    let roleName: String = try row.decode(forColumn: "message_role")
                    guard let role = StoredMessage.Role(rawValue: roleName) else {
                        throw SQLiteError(message: "unknown message role \(roleName)")
                    }
                    return query.messageMatch(id: MessageID(id), ordinal: try row.decode(forColumn: "message_ordinal"),
                                              role: role,
                                              content: try row.decode(forColumn: "message_content"),
                                              reasoning: try row.decode(forColumn: "message_reasoning"))
                }
                return query.conversationMatch(summary, inTitle: try row.decode(forColumn: "in_title"), message: message,
                                               matchingMessages: try row.decode(forColumn: "hits"))
            }
        }
    }
}
