import Foundation

/// Identifies a stored conversation.
///
/// IDs are SQLite `INTEGER PRIMARY KEY AUTOINCREMENT` values: small, never reused after a
/// delete, ordered by creation, and short enough to type (`cachechat history show 42`).
/// Encoded as a plain number.
public struct ConversationID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public var description: String { String(rawValue) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One chat: its settings and where it came from. Its messages are `StoredMessage`s.
public struct Conversation: Sendable, Equatable, Codable, Identifiable {
    /// Where a forked conversation branched off: its first `ordinal - 1` messages are copies
    /// of the source's, and the message at `ordinal` is where the two differ.
    public struct ForkOrigin: Sendable, Equatable, Codable {
        public var conversation: ConversationID
        public var ordinal: Int

        public init(conversation: ConversationID, ordinal: Int) {
            self.conversation = conversation
            self.ordinal = ordinal
        }
    }

    public var id: ConversationID
    public var title: String
    public var created: Date
    /// Last activity: when a message was last added or finished (renames do not count).
    public var updated: Date
    public var model: String
    /// The endpoint's display name (host or profile name). Never a key or a URL with one.
    public var endpointName: String
    public var systemPrompt: String?
    public var fewShotSetName: String?
    /// Content hash of the few-shot set when the conversation was started, so a later edit
    /// of the set can be noticed.
    public var fewShotVersion: String?
    /// How the few-shot set is used: `pinned` (history follows it) or `each` (every request
    /// is the set plus that question only). nil without a set.
    public var fewShotMode: FewShotMode?
    /// Messages with a lower ordinal were cut from requests (cache-aware truncation); they
    /// stay stored and shown. nil: everything is sent.
    public var historyStart: Int?
    public var thinking: Bool
    public var archived: Bool
    public var forkedFrom: ForkOrigin?

    public init(
        id: ConversationID, title: String, created: Date, updated: Date, model: String,
        endpointName: String, systemPrompt: String? = nil, fewShotSetName: String? = nil,
        fewShotVersion: String? = nil, fewShotMode: FewShotMode? = nil, historyStart: Int? = nil, thinking: Bool = false, archived: Bool = false,
        forkedFrom: ForkOrigin? = nil
    ) {
        self.id = id
        self.title = title
        self.created = created
        self.updated = updated
        self.model = model
        self.endpointName = endpointName
        self.systemPrompt = systemPrompt
        self.fewShotSetName = fewShotSetName
        self.fewShotVersion = fewShotVersion
        self.fewShotMode = fewShotMode
        self.historyStart = historyStart
        self.thinking = thinking
        self.archived = archived
        self.forkedFrom = forkedFrom
    }
}

/// What a new conversation starts with; the store assigns the id and the dates.
public struct ConversationSettings: Sendable, Equatable, Codable {
    public var title: String
    public var model: String
    public var endpointName: String
    public var systemPrompt: String?
    public var fewShotSetName: String?
    public var fewShotVersion: String?
    public var fewShotMode: FewShotMode?
    public var thinking: Bool

    public init(
        title: String, model: String, endpointName: String, systemPrompt: String? = nil,
        fewShotSetName: String? = nil, fewShotVersion: String? = nil, fewShotMode: FewShotMode? = nil,
        thinking: Bool = false
    ) {
        self.fewShotMode = fewShotMode
        self.title = title
        self.model = model
        self.endpointName = endpointName
        self.systemPrompt = systemPrompt
        self.fewShotSetName = fewShotSetName
        self.fewShotVersion = fewShotVersion
        self.thinking = thinking
    }
}

/// A row of the history list: a conversation with its size and last activity.
public struct ConversationSummary: Sendable, Equatable, Codable {
    public var conversation: Conversation
    public var messageCount: Int
    public var lastActivity: Date { conversation.updated }

    public init(conversation: Conversation, messageCount: Int) {
        self.conversation = conversation
        self.messageCount = messageCount
    }
}

/// How a conversation uses its few-shot set.
public enum FewShotMode: String, Sendable, Equatable, Codable, CaseIterable {
    /// The set is pinned at the front of a normal multi-round conversation.
    case pinned
    /// Each question is sent as the set plus that question only (DeepSeek's few-shot example).
    case each
}
