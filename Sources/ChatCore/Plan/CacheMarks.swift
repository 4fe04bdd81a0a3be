/// The cache marks of one request laid over the messages it carried: which were served
/// from cache whole, in part or not at all, and where the reused prefix ended.
///
/// Made from the request's plan and the server's hit (`RequestPlan.marks`), so a mark can
/// only land on a message that request carried.
public struct CacheMarks: Sendable, Equatable {
    public enum Mark: Sendable, Equatable, Hashable {
        /// Entirely inside the reused prefix.
        case reused
        /// `reused` of `total` tokens were inside it.
        case partial(reused: Int, total: Int)
        /// Sent, not reused.
        case notReused
    }

    /// Where the reused prefix ended: inside a message, or right after it.
    public struct Horizon: Sendable, Equatable, Hashable {
        public var id: TranscriptID
        public var inside: Bool

        public init(id: TranscriptID, inside: Bool) {
            self.id = id
            self.inside = inside
        }
    }

    public var marks: [TranscriptID: Mark]
    public var horizon: Horizon?
    /// Set when the server counted the prompt differently: marks near the horizon may be off.
    public var approximation: ReuseMap.Approximation?

    public init(marks: [TranscriptID: Mark] = [:], horizon: Horizon? = nil, approximation: ReuseMap.Approximation? = nil) {
        self.marks = marks
        self.horizon = horizon
        self.approximation = approximation
    }

    public static let none = CacheMarks()

    public subscript(id: TranscriptID) -> Mark? { marks[id] }
}

extension RequestPlan {
    /// The server's hit mapped onto this plan's spans.
    public func reuseMap(hitTokens: Int, serverPromptTokens: Int?) -> ReuseMap {
        ReuseMap(prompt: prompt, hitTokens: hitTokens, serverPromptTokens: serverPromptTokens)
    }

    /// Marks and horizon for the items of this plan.
    public func marks(for map: ReuseMap) -> CacheMarks {
        var result = CacheMarks(approximation: map.approximation)
        for entry in map.entries where !entry.span.isGenerationPrompt && entry.messageIndex < items.count {
            let id = items[entry.messageIndex].id
            switch entry.reuse {
            case .full: result.marks[id] = .reused
            case .partial(let reused, let total): result.marks[id] = .partial(reused: reused, total: total)
            case .none: result.marks[id] = .notReused
            }
        }
        switch map.horizon {
        case .afterLastMessage:
            if let last = items.last, map.hitTokens > 0 { result.horizon = .init(id: last.id, inside: false) }
        case .message(let index, let offset):
            if offset > 0, index < items.count {
                result.horizon = .init(id: items[index].id, inside: true)
            } else if index > 0, index - 1 < items.count {
                result.horizon = .init(id: items[index - 1].id, inside: false)
            }
        }
        return result
    }

    /// The marks of this request that still hold in `conversation`: a message changed or
    /// removed since (a new system prompt, another few-shot set, an edit) is not what was
    /// served from cache, so it loses its mark, and the horizon when it was there.
    public func marks(_ marks: CacheMarks, stillIn conversation: ConversationState) -> CacheMarks {
        var now: [TranscriptID: TemplateMessage] = [:]
        for (index, message) in conversation.pinned.enumerated() { now[.pinned(index)] = message }
        for (index, attachment) in conversation.attachments.enumerated() { now[.attachment(index)] = attachment.templateMessage }
        for message in conversation.messages { now[message.id] = message.templateMessage }
        var changed = Set<TranscriptID>()
        for item in items {
            guard let current = now[item.id], current.role == item.message.role, current.content == item.message.content else {
                changed.insert(item.id)
                continue
            }
        }
        guard !changed.isEmpty else { return marks }
        var result = marks
        result.marks = marks.marks.filter { !changed.contains($0.key) }
        if let horizon = marks.horizon, changed.contains(horizon.id) { result.horizon = nil }
        return result
    }

    /// `marks(for: reuseMap(...))`.
    public func marks(hitTokens: Int, serverPromptTokens: Int?) -> CacheMarks {
        marks(for: reuseMap(hitTokens: hitTokens, serverPromptTokens: serverPromptTokens))
    }
}
