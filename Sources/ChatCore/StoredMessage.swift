import Foundation

/// Identifies a stored message across all conversations (SQLite `AUTOINCREMENT` rowid,
/// never reused). Encoded as a plain number.
public struct MessageID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public var description: String { String(rawValue) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One message of a conversation as persisted, including replies still being written.
public struct StoredMessage: Sendable, Equatable, Codable, Identifiable {
    /// Who wrote the message. Nested so it never clashes with the wire layer's `Role`.
    public enum Role: String, Sendable, Equatable, Codable, CaseIterable {
        case system, user, assistant, tool
    }

    /// Where a message is in its life. Only assistant replies are ever not `complete`.
    public enum State: Sendable, Equatable, Codable {
        case complete
        /// Being written; `content` holds the last checkpoint.
        case streaming
        /// Cut off (user cancel, network loss, crash); the partial text is kept.
        case interrupted(reason: String)
        /// The request failed; `content` holds whatever arrived before the failure.
        case failed(message: String)

        /// The reason written when cachechat finds a reply left `streaming` by a dead process.
        public static let stoppedReason = "cachechat stopped before the reply finished"
        /// The reason of a reply the server ended at `max_tokens` (finish_reason `length`):
        /// whole as far as it goes, and the one kind of ended reply `/continue` carries on.
        public static let maxTokensReason = "cut at max_tokens"
    }

    public var id: MessageID
    public var conversation: ConversationID
    /// 1-based position in the conversation; unique within it.
    public var ordinal: Int
    public var role: Role
    public var content: String
    /// Thinking-mode reasoning (`reasoning_content`), nil when there was none.
    public var reasoningContent: String?
    public var created: Date
    public var state: State
    /// The model that wrote a reply; nil for user messages.
    public var model: String?
    /// For a message copied into a fork: the original it was copied from.
    public var parentID: MessageID?

    public init(
        id: MessageID, conversation: ConversationID, ordinal: Int, role: Role, content: String,
        reasoningContent: String? = nil, created: Date, state: State = .complete,
        model: String? = nil, parentID: MessageID? = nil
    ) {
        self.id = id
        self.conversation = conversation
        self.ordinal = ordinal
        self.role = role
        self.content = content
        self.reasoningContent = reasoningContent
        self.created = created
        self.state = state
        self.model = model
        self.parentID = parentID
    }
}

extension StoredMessage.State {
    /// The state's name and detail, as the database and exports write them.
    public var columns: (String, String?) {
        switch self {
        case .complete: ("complete", nil)
        case .streaming: ("streaming", nil)
        case .interrupted(let reason): ("interrupted", reason)
        case .failed(let message): ("failed", message)
        }
    }
}
