import App
import ChatCore
import Foundation
import Config
import History

/// Opening the history database from the CLI, with the messages people need when it fails.
enum HistoryStore {
    /// The store for recording, or nil (with a warning) when it cannot be opened: a reply
    /// is worth more than its history entry.
    static func openForWriting() -> ChatStore? {
        do {
            return try ChatStore.openDefault(environment: ProcessInfo.processInfo.environment)
        } catch {
            Terminal.errorLine("cachechat: warning: this exchange will not be saved: \(error)")
            return nil
        }
    }

    /// The store a continued conversation is read from and recorded in. Unlike a new
    /// exchange, it cannot go ahead without one: the question would be sent without its
    /// history, a wrong answer that is billed.
    static func openForContinuing() throws -> ChatStore {
        do {
            return try ChatStore.openDefault(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CLIError.usage("Nothing was sent: the conversation to continue cannot be read. \(error)")
        }
    }

    /// Opens the store for reading (read-only when the file cannot be written), or fails
    /// with a usage error naming the problem.
    static func openForReading() throws -> ChatStore {
        do {
            return try ChatStore.openDefaultForReading(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CLIError.usage("\(error)")
        }
    }

    /// The conversation to continue, or nil for a new one.
    static func conversation(in store: ChatStore?, id: Int64?, continueLast: Bool) throws -> ConversationState? {
        guard let store, id != nil || continueLast else { return nil }
        let conversation: Conversation
        if let id {
            guard let found = try store.conversation(ConversationID(id)) else {
                throw CLIError.usage("There is no conversation \(id). `cachechat history list` shows them.")
            }
            conversation = found
        } else {
            guard let latest = try store.listConversations(limit: 1).first?.conversation else {
                throw CLIError.usage("There is no conversation to continue yet.")
            }
            conversation = latest
        }
        let messages = try store.messages(in: conversation.id)
        let library = FewShotLibrary(environment: ProcessInfo.processInfo.environment)
        let attachments = try store.attachments(of: conversation.id)
        let state = ConversationState.restore(conversation, messages: messages, attachments: attachments) {
            library.archivedVersion(name: $0, version: $1)
        }
        if let missing = state.missingFewShot {
            throw CLIError.usage("Conversation \(conversation.id) uses few-shot set `\(missing.name)` version \(missing.version ?? "?"), "
                + "which is no longer on disk; its exact prefix cannot be rebuilt.")
        }
        return state
    }
}
