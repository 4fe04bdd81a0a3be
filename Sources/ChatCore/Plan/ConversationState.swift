import Foundation

/// A conversation and the rules that decide what its requests carry: the pinned prefix
/// (a system prompt, or a few-shot set and how it is used), the history cut, the model,
/// thinking mode and reasoning effort, and the messages in order.
///
/// These fields are the one source of truth while the conversation is open. `record` is
/// the stored row (its id, title and dates); the rule fields in it are what was last
/// saved, and nothing reads them back except `restore`.
public struct ConversationState: Sendable, Equatable {
    /// Where this conversation's saves that the history refused go, while any wait (see
    /// `SaveTarget`); nil otherwise, and for every conversation opened or started.
    public var saveTarget: SaveTarget?
    public var record: Conversation?
    public var messages: [HistoryMessage]
    public var systemPrompt: String?
    /// The few-shot set at the exact version the conversation uses; its system prompt
    /// replaces `systemPrompt`.
    public var fewShot: FewShotSet?
    /// `.each`: every request is the pinned set plus the last question only.
    public var fewShotMode: FewShotMode
    /// Documents every request carries after the pinned prefix and before the history,
    /// in the order given (`DocumentBlock`).
    public var attachments: [Attachment]
    /// The first message ordinal requests carry (after a cache-aware cut); 1 sends all.
    public var historyStart: Int
    public var model: String
    /// nil: the model's default.
    public var thinking: Bool?
    public var reasoningEffort: ReasoningEffort?

    public init(model: String, thinking: Bool? = nil, reasoningEffort: ReasoningEffort? = nil, systemPrompt: String? = nil,
                fewShot: FewShotSet? = nil, fewShotMode: FewShotMode = .pinned, messages: [HistoryMessage] = [],
                record: Conversation? = nil, historyStart: Int = 1, attachments: [Attachment] = []) {
        self.record = record
        self.attachments = attachments
        self.messages = messages
        self.systemPrompt = fewShot == nil ? systemPrompt : nil
        self.fewShot = fewShot
        self.fewShotMode = fewShot == nil ? .pinned : fewShotMode
        self.historyStart = max(1, historyStart)
        self.model = model
        self.thinking = thinking
        self.reasoningEffort = reasoningEffort
    }

    /// Restores a stored conversation: its system prompt, or its few-shot set at the exact
    /// version it was started with (so its prefix never changes under it). `lookup` finds
    /// an archived set by name and version; nil when it is gone (see `missingFewShot`).
    public static func restore(_ record: Conversation, messages: [StoredMessage], attachments: [Attachment] = [],
                               fewShotVersion lookup: (String, String) -> FewShotSet?) -> ConversationState {
        var set: FewShotSet?
        if let name = record.fewShotSetName, let version = record.fewShotVersion { set = lookup(name, version) }
        return ConversationState(model: record.model, thinking: record.thinking, systemPrompt: record.systemPrompt,
                                 fewShot: set, fewShotMode: record.fewShotMode ?? .pinned,
                                 messages: messages.map(HistoryMessage.init), record: record,
                                 historyStart: record.historyStart ?? 1, attachments: attachments)
    }

    /// The stored conversation's id, once it has one.
    public var id: ConversationID? { record?.id }

    /// The last message known to be in the history: what another writer would have to
    /// leave in place for this conversation to go on (`ChatHistory.appendQuestion`).
    public var lastStoredMessage: MessageID? { messages.last { $0.id.messageID != nil }?.id.messageID }

    /// Set when the conversation names a few-shot set whose version could not be found.
    public var missingFewShot: (name: String, version: String?)? {
        guard fewShot == nil, let name = record?.fewShotSetName else { return nil }
        return (name, record?.fewShotVersion)
    }

    /// The pinned prefix of every request: the few-shot set, or the system prompt.
    public var pinned: [TemplateMessage] {
        if let fewShot { return fewShot.messages }
        if let systemPrompt { return [.system(systemPrompt)] }
        return []
    }

    /// Whether each question is sent alone after the set.
    public var asksEachQuestionAlone: Bool { fewShot != nil && fewShotMode == .each }

    /// The history messages a request carries after the pinned prefix, in order: in
    /// one-question-each mode the last user message only, else every sent message from
    /// `historyStart` on.
    public var sentMessages: [HistoryMessage] {
        if asksEachQuestionAlone { return messages.last(where: { $0.role == .user }).map { [$0] } ?? [] }
        return messages.filter { $0.isSent && $0.ordinal >= historyStart }
    }

    /// The settings of the conversation's requests with `options`.
    public func settings(_ options: RequestOptions = RequestOptions()) -> RequestSettings {
        RequestSettings(model: model, thinking: thinking, reasoningEffort: reasoningEffort, options: options)
    }

    /// The next ordinal.
    public var nextOrdinal: Int { (messages.last?.ordinal ?? 0) + 1 }

    /// The settings a new stored conversation starts with.
    public func newRecordSettings(title: String, endpointName: String) -> ConversationSettings {
        ConversationSettings(title: title, model: model, endpointName: endpointName, systemPrompt: systemPrompt,
                             fewShotSetName: fewShot?.name, fewShotVersion: fewShot?.contentVersion,
                             fewShotMode: fewShot == nil ? nil : fewShotMode,
                             thinking: thinking ?? ModelTemplates.template(forModel: model).thinkingByDefault)
    }

    /// The stored row with this state's rules written into it (nil before it is saved).
    public var updatedRecord: Conversation? {
        guard var record else { return nil }
        record.model = model
        record.thinking = thinking ?? ModelTemplates.template(forModel: model).thinkingByDefault
        record.systemPrompt = fewShot == nil ? systemPrompt : nil
        record.historyStart = historyStart > 1 ? historyStart : nil
        return record
    }

    /// A title from the first line of the first message.
    public static func title(for text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "New conversation" }
        return trimmed.count > 60 ? String(trimmed.prefix(59)) + "…" : trimmed
    }
}
