import Foundation

/// `ChatHistory` in memory: the twin of the SQLite store, with the same ids, ordinals,
/// reply states and ledger rules (a shared conformance suite runs against both).
///
/// Used by tests, and by the App when history is off, so that every message still has a
/// unique id. Not thread-safe: one owner.
public final class InMemoryHistory: ChatHistory {
    private var conversations: [ConversationID: Conversation] = [:]
    private var messagesByID: [MessageID: StoredMessage] = [:]
    private var order: [ConversationID: [MessageID]] = [:]
    private var ledger: [LedgerEntry] = []
    private var attachmentLists: [ConversationID: [Attachment]] = [:]
    private var nextConversation: Int64 = 1
    private var nextMessage: Int64 = 1
    private var nextRequest: Int64 = 1
    private var readings: [BalanceReading] = []
    private let now: () -> Date

    /// When set, every write fails with this message (a full disk, a read-only file).
    public var refuseWrites: String?

    public init(now: @escaping () -> Date = { Date() }) {
        self.now = now
    }

    private func checkWritable() throws {
        if let refuseWrites { throw HistoryFailure(refuseWrites) }
    }

    // MARK: Conversations

    public func createConversation(_ settings: ConversationSettings) throws -> Conversation {
        try checkWritable()
        let id = ConversationID(nextConversation)
        nextConversation += 1
        let time = now()
        let conversation = Conversation(
            id: id, title: settings.title, created: time, updated: time, model: settings.model,
            endpointName: SecretRedaction.redact(settings.endpointName), systemPrompt: settings.systemPrompt,
            fewShotSetName: settings.fewShotSetName, fewShotVersion: settings.fewShotVersion,
            fewShotMode: settings.fewShotMode, thinking: settings.thinking)
        conversations[id] = conversation
        order[id] = []
        return conversation
    }

    public func conversation(_ id: ConversationID) throws -> Conversation? { conversations[id] }

    public func updateConversation(_ conversation: Conversation) throws {
        try checkWritable()
        guard let existing = conversations[conversation.id] else { throw HistoryFailure("There is no conversation \(conversation.id).") }
        var updated = conversation
        updated.created = existing.created
        updated.updated = existing.updated
        conversations[conversation.id] = updated
    }

    public func renameConversation(_ id: ConversationID, to title: String) throws {
        try checkWritable()
        guard conversations[id] != nil else { throw HistoryFailure("There is no conversation \(id).") }
        conversations[id]?.title = title
    }

    public func deleteConversation(_ id: ConversationID) throws {
        try checkWritable()
        guard conversations.removeValue(forKey: id) != nil else { throw HistoryFailure("There is no conversation \(id).") }
        attachmentLists[id] = nil
        let removed = Set(order.removeValue(forKey: id) ?? [])
        for message in removed { messagesByID[message] = nil }
        for index in ledger.indices {
            if ledger[index].conversation == id { ledger[index].conversation = nil }
            if let message = ledger[index].message, removed.contains(message) { ledger[index].message = nil }
        }
        for key in conversations.keys where conversations[key]?.forkedFrom?.conversation == id {
            conversations[key]?.forkedFrom = nil
        }
    }

    public func listConversations(includeArchived: Bool, limit: Int?) throws -> [ConversationSummary] {
        let rows = conversations.values.filter { includeArchived || !$0.archived }
        return Array(summaries(rows).prefix(limit ?? Int.max))
    }

    public func searchConversations(_ query: SearchQuery, limit: Int?) throws -> [ConversationMatch] {
        guard !query.isEmpty else { return [] }
        var found: [(match: ConversationMatch, first: StoredMessage?)] = []
        for conversation in conversations.values {
            var first: StoredMessage?
            var matching = 0
            for message in (order[conversation.id] ?? []).compactMap({ messagesByID[$0] }) where message.state != .streaming {
                guard query.matches(anyOf: [message.content, message.reasoningContent]) else { continue }
                matching += 1
                if first == nil { first = message }
            }
            let inTitle = query.matches(conversation.title)
            guard inTitle || matching > 0 else { continue }
            let summary = ConversationSummary(conversation: conversation, messageCount: order[conversation.id]?.count ?? 0)
            found.append((query.conversationMatch(summary, inTitle: inTitle, message: nil, matchingMessages: matching), first))
        }
        // Snippets only for the results returned.
        return found.sorted { ConversationMatch.ranked($0.match, $1.match) }.prefix(limit ?? Int.max).map { result in
            var match = result.match
            match.message = result.first.map { message in
                query.messageMatch(id: message.id, ordinal: message.ordinal, role: message.role,
                                   content: message.content, reasoning: message.reasoningContent)
            }
            return match
        }
    }

    private func summaries(_ rows: some Sequence<Conversation>) -> [ConversationSummary] {
        rows.sorted { ($0.updated, $0.id) > ($1.updated, $1.id) }
            .map { ConversationSummary(conversation: $0, messageCount: order[$0.id]?.count ?? 0) }
    }

    public func forkConversation(_ id: ConversationID, atOrdinal ordinal: Int, title: String?) throws -> Conversation {
        try checkWritable()
        guard let source = conversations[id] else { throw HistoryFailure("There is no conversation \(id).") }
        let messages = try self.messages(in: id)
        guard (1...(messages.count + 1)).contains(ordinal) else {
            throw HistoryFailure("Cannot fork conversation \(id) at message \(ordinal): it has messages 1 to \(messages.count).")
        }
        var fork = try createConversation(ConversationSettings(
            title: title ?? "\(source.title) (fork)", model: source.model, endpointName: source.endpointName,
            systemPrompt: source.systemPrompt, fewShotSetName: source.fewShotSetName,
            fewShotVersion: source.fewShotVersion, fewShotMode: source.fewShotMode, thinking: source.thinking))
        fork.forkedFrom = Conversation.ForkOrigin(conversation: id, ordinal: ordinal)
        // A history cut before the fork point holds in the fork; one after it cuts nothing there.
        fork.historyStart = source.historyStart.flatMap { $0 < ordinal ? $0 : nil }
        conversations[fork.id] = fork
        for message in messages where message.ordinal < ordinal {
            var copy = message
            copy.id = MessageID(nextMessage)
            nextMessage += 1
            copy.conversation = fork.id
            copy.parentID = message.id
            if case .streaming = copy.state { copy.state = .interrupted(reason: "copied into a fork while still being written") }
            messagesByID[copy.id] = copy
            order[fork.id, default: []].append(copy.id)
        }
        attachmentLists[fork.id] = attachmentLists[id]
        return fork
    }

    // MARK: Attachments

    public func setAttachments(_ attachments: [Attachment], of conversation: ConversationID) throws {
        try checkWritable()
        guard conversations[conversation] != nil else { throw HistoryFailure("There is no conversation \(conversation).") }
        attachmentLists[conversation] = attachments.isEmpty ? nil : attachments
    }

    public func attachments(of conversation: ConversationID) throws -> [Attachment] { attachmentLists[conversation] ?? [] }

    /// Texts live as long as a conversation attaches them, as in the SQLite store.
    public func attachmentText(hash: String) throws -> String? {
        for list in attachmentLists.values {
            if let attachment = list.first(where: { $0.hash == hash }) { return attachment.text }
        }
        return nil
    }

    public func fewShotUsage(name: String) throws -> [String?: Int] {
        var usage: [String?: Int] = [:]
        for conversation in conversations.values where conversation.fewShotSetName == name {
            usage[conversation.fewShotVersion, default: 0] += 1
        }
        return usage
    }

    // MARK: Messages

    public func appendMessage(to conversation: ConversationID, role: StoredMessage.Role, content: String,
                              reasoning: String?, model: String?) throws -> StoredMessage {
        let id = try insert(conversation, role: role, content: content, reasoning: reasoning, state: .complete, model: model)
        return messagesByID[id]!
    }

    public func appendQuestion(_ content: String, to conversation: ConversationID, after last: MessageID?) throws -> StoredMessage {
        guard order[conversation]?.last == last else { throw ConversationChanged(conversation: conversation) }
        return try appendMessage(to: conversation, role: .user, content: content, reasoning: nil, model: nil)
    }

    public func beginReply(in conversation: ConversationID, model: String) throws -> MessageID {
        try insert(conversation, role: .assistant, content: "", reasoning: nil, state: .streaming, model: model)
    }

    private func insert(_ conversation: ConversationID, role: StoredMessage.Role, content: String, reasoning: String?,
                        state: StoredMessage.State, model: String?) throws -> MessageID {
        try checkWritable()
        guard conversations[conversation] != nil else { throw HistoryFailure("There is no conversation \(conversation).") }
        let id = MessageID(nextMessage)
        nextMessage += 1
        let ordinal = (order[conversation]?.last.flatMap { messagesByID[$0]?.ordinal } ?? 0) + 1
        messagesByID[id] = StoredMessage(id: id, conversation: conversation, ordinal: ordinal, role: role,
                                         content: Self.storable(content), reasoningContent: reasoning.map(Self.storable),
                                         created: now(), state: state, model: model)
        order[conversation, default: []].append(id)
        conversations[conversation]?.updated = now()
        return id
    }

    public func reopenReply(_ id: MessageID) throws {
        try checkWritable()
        guard var message = messagesByID[id], message.role == .assistant, order[message.conversation]?.last == id else {
            throw HistoryFailure("Message \(id) is not the last reply of its conversation; it cannot be continued.")
        }
        switch message.state {
        case .complete, .interrupted: break
        default: throw HistoryFailure("Message \(id) is not a finished reply; it cannot be continued.")
        }
        message.state = .streaming
        messagesByID[id] = message
    }

    public func appendReplyText(_ id: MessageID, content: String, reasoning: String) throws {
        try checkWritable()
        var message = try streamingMessage(id)
        message.content += Self.storable(content)
        if !reasoning.isEmpty { message.reasoningContent = (message.reasoningContent ?? "") + Self.storable(reasoning) }
        messagesByID[id] = message
    }

    public func completeReply(_ id: MessageID, content: String, reasoning: String?, ledger entry: LedgerEntry) throws -> LedgerEntry {
        try finish(id, state: .complete, content: content, reasoning: reasoning, ledger: entry)!
    }

    public func interruptReply(_ id: MessageID, reason: String, content: String?, reasoning: String?,
                               ledger entry: LedgerEntry?) throws -> LedgerEntry? {
        try finish(id, state: .interrupted(reason: reason), content: content, reasoning: reasoning, ledger: entry)
    }

    public func failReply(_ id: MessageID, message: String, content: String?, ledger entry: LedgerEntry?) throws -> LedgerEntry? {
        try finish(id, state: .failed(message: message), content: content, reasoning: nil, ledger: entry)
    }

    private func finish(_ id: MessageID, state: StoredMessage.State, content: String?, reasoning: String?,
                        ledger entry: LedgerEntry?) throws -> LedgerEntry? {
        try checkWritable()
        var message = try streamingMessage(id)
        message.state = state
        if let content { message.content = Self.storable(content) }
        if let reasoning { message.reasoningContent = Self.storable(reasoning) }
        messagesByID[id] = message
        conversations[message.conversation]?.updated = now()
        guard var entry else { return nil }
        entry.conversation = message.conversation
        entry.message = id
        return try recordRequest(entry)
    }

    private func streamingMessage(_ id: MessageID) throws -> StoredMessage {
        guard let message = messagesByID[id] else { throw HistoryFailure("There is no message \(id).") }
        guard case .streaming = message.state else {
            throw HistoryFailure("Message \(id) is not a reply being written; it cannot be changed.")
        }
        return message
    }

    public func deleteLastMessage(_ id: MessageID) throws {
        try checkWritable()
        guard let message = messagesByID[id] else { throw HistoryFailure("There is no message \(id).") }
        guard order[message.conversation]?.last == id else {
            throw HistoryFailure("Message \(id) is not the last of conversation \(message.conversation); only the last message can be removed.")
        }
        order[message.conversation]?.removeLast()
        messagesByID[id] = nil
        for index in ledger.indices where ledger[index].message == id { ledger[index].message = nil }
    }

    public func message(_ id: MessageID) throws -> StoredMessage? { messagesByID[id] }

    public func messages(in conversation: ConversationID) throws -> [StoredMessage] {
        (order[conversation] ?? []).compactMap { messagesByID[$0] }
    }

    // MARK: Ledger

    public func recordBalance(_ reading: BalanceReading) throws -> BalanceReading {
        try checkWritable()
        var recorded = reading
        recorded.id = Int64(readings.count + 1)
        readings.append(recorded)
        return recorded
    }

    public func balanceReadings(endpointHost: String?, limit: Int) throws -> [BalanceReading] {
        Array(readings.filter { endpointHost == nil || $0.endpointHost == endpointHost }.sorted { $0.time < $1.time }.suffix(max(0, limit)))
    }

    public func recordRequest(_ entry: LedgerEntry) throws -> LedgerEntry {
        try checkWritable()
        var recorded = entry
        recorded.id = nextRequest
        nextRequest += 1
        recorded.endpointHost = SecretRedaction.redact(entry.endpointHost)
        recorded.endpointName = SecretRedaction.redact(entry.endpointName)
        ledger.append(recorded)
        return recorded
    }

    public func ledgerEntries(_ filter: LedgerFilter) throws -> [LedgerEntry] {
        ledger.filter(filter.matches).sorted { ($0.time, $0.id ?? 0) < ($1.time, $1.id ?? 0) }
    }

    public func recentLedgerEntries(_ filter: LedgerFilter, limit: Int) throws -> [LedgerEntry] {
        Array(try ledgerEntries(filter).suffix(max(0, limit)))
    }

    public func ledgerTotals(_ filter: LedgerFilter) throws -> StatsSummary {
        StatsSummary.summarize(try ledgerEntries(filter))
    }

    /// SQLite text stops at NUL; the store writes U+FFFD instead, and so does the twin.
    static func storable(_ text: String) -> String {
        text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }
}
