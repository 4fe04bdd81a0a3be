import ChatCore

extension ChatStore {
    public func setAttachments(_ attachments: [Attachment], of conversation: ConversationID) throws {
        try write { db in
            _ = try fetchConversation(db, conversation)
            for attachment in attachments {
                try db.execute(sql: "INSERT OR IGNORE INTO attachment_text (hash, text) VALUES (?, ?)",
                               arguments: [attachment.hash, attachment.text])
            }
            try db.execute(sql: "DELETE FROM conversation_attachment WHERE conversation_id = ?", arguments: [conversation.rawValue])
            for (position, attachment) in attachments.enumerated() {
                try db.execute(sql: """
                    INSERT INTO conversation_attachment (conversation_id, position, name, hash, path) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [conversation.rawValue, position, attachment.name, attachment.hash, attachment.path])
            }
            try Self.pruneAttachmentTexts(db)
        }
    }

    public func attachments(of conversation: ConversationID) throws -> [Attachment] {
        try read { db in
            try SQLRow.fetchAll(db, sql: """
                SELECT a.name, a.path, t.text FROM conversation_attachment a JOIN attachment_text t ON t.hash = a.hash
                WHERE a.conversation_id = ? ORDER BY a.position
                """, arguments: [conversation.rawValue]).map { row in
                    Attachment(name: try row.decode(forColumn: "name"), text: try row.decode(forColumn: "text"),
                               path: try row.decode(forColumn: "path"))
                }
        }
    }

    public func attachmentText(hash: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT text FROM attachment_text WHERE hash = ?", arguments: [hash]) }
    }

    /// Drops texts no conversation attaches any more: deleting a conversation deletes its
    /// documents (ledger rows keep only names and hashes).
    static func pruneAttachmentTexts(_ db: SQLDatabase) throws {
        try db.execute(sql: "DELETE FROM attachment_text WHERE hash NOT IN (SELECT hash FROM conversation_attachment)")
    }
}
