import Foundation

/// Where conversations, their messages and the request ledger are kept.
///
/// `History.ChatStore` (SQLite) is the real one; `InMemoryHistory` is its
/// twin for tests and for runs with history off (`--no-save`, or a database that could
/// not be opened), so messages always get real, unique ids. Every method is synchronous;
/// an error is a value with a message a person can act on.
///
/// The life of a reply:
///
///     beginReply ──► appendReplyText* ──► completeReply   (text + usage ledger row, one transaction)
///                                     ├─► interruptReply  (stopped, connection lost; partial text kept)
///                                     └─► failReply       (API error)
public protocol ChatHistory: AnyObject {
    // MARK: Conversations

    func createConversation(_ settings: ConversationSettings) throws -> Conversation
    func conversation(_ id: ConversationID) throws -> Conversation?
    /// Writes the conversation's settings (model, thinking, system prompt, cut, ...).
    func updateConversation(_ conversation: Conversation) throws
    func renameConversation(_ id: ConversationID, to title: String) throws
    /// Deletes a conversation and its messages; its ledger rows stay (money was spent).
    func deleteConversation(_ id: ConversationID) throws
    /// Most recently active first.
    func listConversations(includeArchived: Bool, limit: Int?) throws -> [ConversationSummary]
    /// Conversations whose title, or one of whose finished messages (text or reasoning),
    /// contains every word of `query` (see `SearchQuery`), with the match in context.
    /// Ranked by `ConversationMatch.ranked` (title matches, then most recently active);
    /// archived ones included; at most `limit`. An empty query finds nothing. A reply is
    /// searchable once it has ended (completed, stopped, failed), not while it streams.
    func searchConversations(_ query: SearchQuery, limit: Int?) throws -> [ConversationMatch]
    /// A new conversation with the first `ordinal - 1` messages of `id` and its settings.
    func forkConversation(_ id: ConversationID, atOrdinal ordinal: Int, title: String?) throws -> Conversation
    /// How many conversations use few-shot set `name`, per version.
    func fewShotUsage(name: String) throws -> [String?: Int]

    // MARK: Attachments

    /// Replaces the conversation's attached documents (their order kept); each text is
    /// stored once per content hash.
    func setAttachments(_ attachments: [Attachment], of conversation: ConversationID) throws
    /// The conversation's attached documents, in order.
    func attachments(of conversation: ConversationID) throws -> [Attachment]
    /// A stored document's text by its `Attachment.hash`; nil when no conversation keeps it.
    func attachmentText(hash: String) throws -> String?

    // MARK: Messages

    @discardableResult
    func appendMessage(to conversation: ConversationID, role: StoredMessage.Role, content: String,
                       reasoning: String?, model: String?) throws -> StoredMessage
    /// Appends the user's question to a stored conversation only if its last message is
    /// still `last` (nil: it has none), checked and written in one transaction; otherwise
    /// throws ``ConversationChanged``.
    func appendQuestion(_ content: String, to conversation: ConversationID, after last: MessageID?) throws -> StoredMessage
    /// An empty reply in state `streaming`, written when the request is sent.
    func beginReply(in conversation: ConversationID, model: String) throws -> MessageID
    /// Opens the conversation's last message, a finished reply, for more text (chat prefix
    /// completion): its state is streaming again until `completeReply` and friends.
    func reopenReply(_ id: MessageID) throws
    /// Appends text that arrived since the last checkpoint.
    func appendReplyText(_ id: MessageID, content: String, reasoning: String) throws
    /// Final text, state `complete` and the ledger row, in one transaction.
    @discardableResult
    func completeReply(_ id: MessageID, content: String, reasoning: String?, ledger: LedgerEntry) throws -> LedgerEntry
    @discardableResult
    func interruptReply(_ id: MessageID, reason: String, content: String?, reasoning: String?,
                        ledger: LedgerEntry?) throws -> LedgerEntry?
    @discardableResult
    func failReply(_ id: MessageID, message: String, content: String?, ledger: LedgerEntry?) throws -> LedgerEntry?
    /// Removes the last message of its conversation (to regenerate a reply).
    func deleteLastMessage(_ id: MessageID) throws
    func message(_ id: MessageID) throws -> StoredMessage?
    func messages(in conversation: ConversationID) throws -> [StoredMessage]

    // MARK: Ledger

    /// A request with no stored reply (it failed before any text, or was not a turn).
    @discardableResult
    func recordRequest(_ entry: LedgerEntry) throws -> LedgerEntry
    /// Oldest first.
    func ledgerEntries(_ filter: LedgerFilter) throws -> [LedgerEntry]
    /// The `limit` most recent rows matching `filter`, oldest first.
    func recentLedgerEntries(_ filter: LedgerFilter, limit: Int) throws -> [LedgerEntry]
    /// Totals over the rows matching `filter`, without reading them into memory.
    func ledgerTotals(_ filter: LedgerFilter) throws -> StatsSummary

    // MARK: Balance readings

    /// Keeps a reading of the account's balance (`cachechat balance`, the TUI's panel).
    @discardableResult
    func recordBalance(_ reading: BalanceReading) throws -> BalanceReading
    /// The `limit` most recent readings (of `endpointHost` when given), oldest first.
    func balanceReadings(endpointHost: String?, limit: Int) throws -> [BalanceReading]
}

/// Which ledger rows a query covers. Empty means all of them.
public struct LedgerFilter: Sendable, Equatable {
    public var conversation: ConversationID?
    /// Requests at or after this instant.
    public var since: Date?
    /// Requests before this instant.
    public var until: Date?
    /// Leaves out requests to the endpoint of this name (the built-in one, for budgets).
    public var excludingEndpointName: String?

    public init(conversation: ConversationID? = nil, since: Date? = nil, until: Date? = nil, excludingEndpointName: String? = nil) {
        self.conversation = conversation
        self.since = since
        self.until = until
        self.excludingEndpointName = excludingEndpointName
    }

    /// Whether `entry` is covered.
    public func matches(_ entry: LedgerEntry) -> Bool {
        if let conversation, entry.conversation != conversation { return false }
        if let since, entry.time < since { return false }
        if let until, entry.time >= until { return false }
        if let excludingEndpointName, entry.endpointName == excludingEndpointName { return false }
        return true
    }
}

extension ChatHistory {
    public func listConversations(limit: Int? = nil) throws -> [ConversationSummary] {
        try listConversations(includeArchived: false, limit: limit)
    }

    @discardableResult
    public func appendMessage(to conversation: ConversationID, role: StoredMessage.Role = .user,
                              content: String) throws -> StoredMessage {
        try appendMessage(to: conversation, role: role, content: content, reasoning: nil, model: nil)
    }

    public func ledgerEntries() throws -> [LedgerEntry] { try ledgerEntries(LedgerFilter()) }

    /// The conversation as Markdown or JSON, with its ledger rows.
    public func export(_ id: ConversationID, format: HistoryExportFormat, documents: Bool = false) throws -> String {
        guard let conversation = try conversation(id) else { throw HistoryFailure("There is no conversation \(id).") }
        return try HistoryExport.render(format, conversation: conversation, messages: try messages(in: id),
                                        ledger: try ledgerEntries(LedgerFilter(conversation: id)),
                                        attachments: try attachments(of: id), documents: documents)
    }
}

/// An error of the in-memory history, or a refusal a test asked it to make.
public struct HistoryFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
