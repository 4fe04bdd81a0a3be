import Foundation

/// What a request carried, kept with its ledger row so the request can be described (and
/// its plan rebuilt) later: after a restart the cache marks, the horizon and the draft
/// warning refer to the last request actually sent, and an export shows each request's
/// own system prompt.
///
/// Messages are referred to by their history ids; pinned messages by content (the system
/// prompt's text, or the few-shot set's name and version, whose archive holds the text).
public struct PlanRecord: Sendable, Equatable, Codable {
    public var system: String?
    public var fewShot: RequestPlan.FewShotReference?
    /// History ids of the history and question items, in request order.
    public var messages: [Int64]
    /// False when an item was not a history row (a message the history could not save):
    /// the plan cannot be rebuilt exactly.
    public var complete: Bool
    public var historyStart: Int
    public var thinking: Bool
    public var effort: String?
    /// The attached documents, in order, by name and content hash (their text is kept
    /// once per hash by the history); nil when there were none, and in rows written
    /// before attachments existed.
    public var attachments: [Attachment.Reference]?

    public init(system: String?, fewShot: RequestPlan.FewShotReference?, messages: [Int64], complete: Bool,
                historyStart: Int, thinking: Bool, effort: String?, attachments: [Attachment.Reference]? = nil) {
        self.attachments = attachments
        self.system = system
        self.fewShot = fewShot
        self.messages = messages
        self.complete = complete
        self.historyStart = historyStart
        self.thinking = thinking
        self.effort = effort
    }
}

extension RequestPlan {
    /// The plan as the ledger keeps it.
    public var record: PlanRecord {
        let carried = items.filter { $0.part == .history || $0.part == .question }
        let ids = carried.compactMap { $0.id.messageID?.rawValue }
        return PlanRecord(
            system: fewShot == nil ? items.first(where: { $0.part == .system })?.message.content : nil,
            fewShot: fewShot, messages: ids, complete: ids.count == carried.count, historyStart: historyStart,
            thinking: settings.effectiveThinking, effort: settings.reasoningEffort?.rawValue,
            attachments: attachments.isEmpty ? nil : attachments.map(\.reference))
    }

    /// Rebuilds the plan a ledger row describes from the conversation's messages; nil when
    /// a message, an attachment's text or the few-shot version is gone, or the record was
    /// incomplete. `attachmentText` finds a document's text by its hash.
    public init?(record: PlanRecord, model: String, conversation: ConversationID?, messages: [HistoryMessage],
                 fewShotVersion lookup: (String, String) -> FewShotSet?,
                 attachmentText: (String) -> String? = { _ in nil }, renderer: some PromptRendering) {
        guard record.complete else { return nil }
        var attachments: [Attachment] = []
        for reference in record.attachments ?? [] {
            guard let text = attachmentText(reference.hash) else { return nil }
            let attachment = Attachment(name: reference.name, text: text)
            guard attachment.hash == reference.hash else { return nil }
            attachments.append(attachment)
        }
        var set: FewShotSet?
        if let reference = record.fewShot {
            guard let found = lookup(reference.name, reference.version) else { return nil }
            set = found
        }
        let byID = Dictionary(messages.compactMap { message in message.id.messageID.map { ($0.rawValue, message) } },
                              uniquingKeysWith: { first, _ in first })
        var carried: [HistoryMessage] = []
        for id in record.messages {
            guard let message = byID[id] else { return nil }
            carried.append(message)
        }
        guard let question = carried.last, question.role == .user else { return nil }
        var state = ConversationState(model: model, thinking: record.thinking,
                                      reasoningEffort: record.effort.flatMap(ReasoningEffort.init(rawValue:)),
                                      systemPrompt: record.system, fewShot: set, fewShotMode: record.fewShot?.mode ?? .pinned,
                                      messages: carried, attachments: attachments)
        state.record = nil
        var plan = RequestPlan(state, question: .lastUserMessage, renderer: renderer)
        plan.conversation = conversation
        plan.historyStart = record.historyStart
        self = plan
    }
}

extension PlanRecord {
    /// The record as compact JSON (keys sorted), as the ledger stores it.
    public static func encodedJSON(_ record: PlanRecord) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(record)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A stored record; nil for text that is not one (a newer format, a damaged row).
    public static func decodedJSON(_ text: String) -> PlanRecord? {
        try? JSONDecoder().decode(PlanRecord.self, from: Data(text.utf8))
    }
}
