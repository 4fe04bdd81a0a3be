import ChatCore
import Foundation

/// Storing a question before it is sent, and again later when the history refused it.
extension RequestRunner {
    /// `saveQuestion` for callers that keep the conversation elsewhere (the App's effects).
    /// A conversation it creates gets `attachments` stored with it. A question the history
    /// refuses comes back with `pending`: what stores it later, after the messages before it
    /// (`target`, when earlier saves of this conversation are waiting too: then it is not
    /// tried now, so that it cannot be stored before them).
    static func saveQuestion(_ text: String, conversation: ConversationID?, create: ConversationSettings?,
                             history: ChatHistory?, ordinal: Int, serial: Int, now: Date,
                             attachments: [Attachment] = [], after last: MessageID? = nil, behind target: SaveTarget? = nil,
                             waiting: String? = nil)
        -> (message: HistoryMessage, record: Conversation?, problem: String?, changed: ConversationChanged?,
            pending: AppState.UnsavedSave?) {
        let unsaved = HistoryMessage(id: .unsaved(serial), ordinal: ordinal, role: .user, content: text, created: now)
        guard let history else { return (unsaved, nil, nil, nil, nil) }
        func pending(_ target: SaveTarget) -> AppState.UnsavedSave {
            AppState.UnsavedSave(conversation: target.conversation, retry: {
                do {
                    _ = try Self.store(question: text, create: create, attachments: attachments, history: history, in: target)
                    return nil
                } catch is ConversationChanged {
                    // Already sent: the stored conversation now has another process's messages
                    // where this one belongs.
                    return "another cachechat added to this conversation meanwhile, so it cannot be stored in its place; "
                        + "/export or /copy keeps it"
                } catch {
                    return "\(error)"
                }
            }, target: target)
        }
        if let target, let waiting {
            return (unsaved, nil, "Your message is kept in memory until the ones before it are saved (\(waiting)).", nil,
                    pending(target))
        }
        let target = target ?? SaveTarget(conversation: conversation, lastStored: last)
        do {
            let stored = try Self.store(question: text, create: create, attachments: attachments, history: history, in: target)
            return (HistoryMessage(stored), target.created, nil, nil, nil)
        } catch let changed as ConversationChanged {
            return (unsaved, nil, changed.description, changed, nil)
        } catch {
            return (unsaved, nil, "Your message could not be saved: \(error)", nil, pending(target))
        }
    }

    /// Stores a question at the end of `target`'s conversation, creating the conversation
    /// (with its attachments) first when it has none; `target` then names the question.
    @discardableResult
    static func store(question text: String, create: ConversationSettings?, attachments: [Attachment],
                      history: ChatHistory, in target: SaveTarget) throws -> StoredMessage {
        var fresh = false
        if target.conversation == nil {
            guard let create else { throw HistoryFailure("the conversation has no stored record") }
            let record = try history.createConversation(create)
            target.conversation = record.id
            target.created = record
            fresh = true
            if !attachments.isEmpty { try history.setAttachments(attachments, of: record.id) }
        }
        guard let id = target.conversation else { throw HistoryFailure("the conversation has no stored record") }
        // A new conversation is ours alone; a continued one may have another writer.
        let stored = fresh || (target.created != nil && target.lastStored == nil)
            ? try history.appendMessage(to: id, role: .user, content: text, reasoning: nil, model: nil)
            : try history.appendQuestion(text, to: id, after: target.lastStored)
        target.lastStored = stored.id
        return stored
    }
}
