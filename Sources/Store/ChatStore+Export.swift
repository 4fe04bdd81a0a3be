import ChatCore
import Foundation
import GRDB

extension ChatStore {
    /// The conversation as Markdown or JSON (`cachechat history export ID --format md|json`).
    public func export(_ id: ConversationID, format: HistoryExportFormat) throws -> String {
        let (conversation, messages, ledger) = try read { db in
            (try fetchConversation(db, id), try fetchMessages(db, id),
             try Row.fetchAll(db, sql: "SELECT * FROM request WHERE conversation_id = ? ORDER BY time, id",
                              arguments: [id.rawValue]).map(LedgerEntry.init(row:)))
        }
        do {
            return try HistoryExport.render(format, conversation: conversation, messages: messages, ledger: ledger)
        } catch {
            throw StoreError(.other, path: path, message: "Cannot export conversation \(id): \(error).")
        }
    }
}
