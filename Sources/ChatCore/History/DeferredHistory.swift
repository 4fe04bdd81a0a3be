import Foundation

/// A history being opened on a thread of its own: built at once, it hands every call to the
/// history `open` returns, waiting for the open the first time. The TUI builds its App
/// (and reads its theme, its remembered state) while SQLite opens (DECISIONS 100).
///
/// `open` never fails: it returns the history to use and, when the real one could not be
/// opened, the stand-in (an `InMemoryHistory`) and why. `wait()` gives both.
public final class DeferredHistory: ChatHistory {
    /// What the opening thread hands over: written once before `done` is signalled, read
    /// only after a wait on `done` (each wait signals again for the next reader). The
    /// history itself is used by whoever holds the `DeferredHistory` (the App's thread),
    /// never by the opening thread after the hand-over.
    private final class Handover: @unchecked Sendable {
        var result: (history: ChatHistory, problem: String?)?
        let done = DispatchSemaphore(value: 0)
    }

    private let handover = Handover()

    /// Starts `open` on a thread named `name`.
    public init(name: String = "cachechat.history", open: @escaping @Sendable () -> (ChatHistory, String?)) {
        let handover = self.handover
        let thread = Thread {
            handover.result = open()
            handover.done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// The opened history and, when it is the stand-in, why; waits for the open.
    public func wait() -> (history: ChatHistory, problem: String?) {
        handover.done.wait()
        handover.done.signal()
        return handover.result!
    }

    private var base: ChatHistory { wait().history }

    // MARK: - ChatHistory, each call handed on

    public func createConversation(_ settings: ConversationSettings) throws -> Conversation {
        try base.createConversation(settings)
    }
    public func conversation(_ id: ConversationID) throws -> Conversation? { try base.conversation(id) }
    public func updateConversation(_ conversation: Conversation) throws { try base.updateConversation(conversation) }
    public func renameConversation(_ id: ConversationID, to title: String) throws {
        try base.renameConversation(id, to: title)
    }
    public func deleteConversation(_ id: ConversationID) throws { try base.deleteConversation(id) }
    public func listConversations(includeArchived: Bool, limit: Int?) throws -> [ConversationSummary] {
        try base.listConversations(includeArchived: includeArchived, limit: limit)
    }
    public func searchConversations(_ query: SearchQuery, limit: Int?) throws -> [ConversationMatch] {
        try base.searchConversations(query, limit: limit)
    }
    public func forkConversation(_ id: ConversationID, atOrdinal ordinal: Int, title: String?) throws -> Conversation {
        try base.forkConversation(id, atOrdinal: ordinal, title: title)
    }
    public func fewShotUsage(name: String) throws -> [String?: Int] { try base.fewShotUsage(name: name) }

    public func setAttachments(_ attachments: [Attachment], of conversation: ConversationID) throws {
        try base.setAttachments(attachments, of: conversation)
    }
    public func attachments(of conversation: ConversationID) throws -> [Attachment] {
        try base.attachments(of: conversation)
    }
    public func attachmentText(hash: String) throws -> String? { try base.attachmentText(hash: hash) }

    @discardableResult
    public func appendMessage(to conversation: ConversationID, role: StoredMessage.Role, content: String,
                              reasoning: String?, model: String?) throws -> StoredMessage {
        try base.appendMessage(to: conversation, role: role, content: content, reasoning: reasoning, model: model)
    }
    public func appendQuestion(_ content: String, to conversation: ConversationID, after last: MessageID?) throws -> StoredMessage {
        try base.appendQuestion(content, to: conversation, after: last)
    }
    public func beginReply(in conversation: ConversationID, model: String) throws -> MessageID {
        try base.beginReply(in: conversation, model: model)
    }
    public func reopenReply(_ id: MessageID) throws { try base.reopenReply(id) }
    public func appendReplyText(_ id: MessageID, content: String, reasoning: String) throws {
        try base.appendReplyText(id, content: content, reasoning: reasoning)
    }
    @discardableResult
    public func completeReply(_ id: MessageID, content: String, reasoning: String?, ledger: LedgerEntry) throws -> LedgerEntry {
        try base.completeReply(id, content: content, reasoning: reasoning, ledger: ledger)
    }
    @discardableResult
    public func interruptReply(_ id: MessageID, reason: String, content: String?, reasoning: String?,
                               ledger: LedgerEntry?) throws -> LedgerEntry? {
        try base.interruptReply(id, reason: reason, content: content, reasoning: reasoning, ledger: ledger)
    }
    @discardableResult
    public func failReply(_ id: MessageID, message: String, content: String?, ledger: LedgerEntry?) throws -> LedgerEntry? {
        try base.failReply(id, message: message, content: content, ledger: ledger)
    }
    public func deleteLastMessage(_ id: MessageID) throws { try base.deleteLastMessage(id) }
    public func message(_ id: MessageID) throws -> StoredMessage? { try base.message(id) }
    public func messages(in conversation: ConversationID) throws -> [StoredMessage] { try base.messages(in: conversation) }

    @discardableResult
    public func recordRequest(_ entry: LedgerEntry) throws -> LedgerEntry { try base.recordRequest(entry) }
    public func ledgerEntries(_ filter: LedgerFilter) throws -> [LedgerEntry] { try base.ledgerEntries(filter) }
    public func recentLedgerEntries(_ filter: LedgerFilter, limit: Int) throws -> [LedgerEntry] {
        try base.recentLedgerEntries(filter, limit: limit)
    }
    public func ledgerTotals(_ filter: LedgerFilter) throws -> StatsSummary { try base.ledgerTotals(filter) }

    @discardableResult
    public func recordBalance(_ reading: BalanceReading) throws -> BalanceReading { try base.recordBalance(reading) }
    public func balanceReadings(endpointHost: String?, limit: Int) throws -> [BalanceReading] {
        try base.balanceReadings(endpointHost: endpointHost, limit: limit)
    }
}
