/// A request's reused prefix described in the units a person thinks in: the system prompt,
/// few-shot pairs and conversation turns, for the side panel ("system + 4 shots, 3,840 tokens").
///
/// Groups are counted only when every one of their messages was fully reused. A *shot* is a
/// user message with the messages that answer it (up to the next user message) inside the
/// pinned few-shot set; a *turn* is the same after it. Whatever the cache served beyond the
/// last whole group is reported as "N more" tokens.
public struct ReusedPrefix: Sendable, Hashable {
    /// Leading system messages fully reused.
    public var systemMessages: Int
    /// Complete user/assistant pairs of the pinned few-shot set fully reused.
    public var shots: Int
    /// Attached documents fully reused.
    public var documents: Int = 0
    /// How much of the next document was reused when the reuse ended inside it (percent).
    public var partialDocumentPercent: Int?
    /// Complete conversation turns after the pinned set fully reused.
    public var turns: Int
    /// Reused tokens after the last whole group.
    public var extraTokens: Int
    /// All reused tokens (the local hit).
    public var tokens: Int
    /// Fingerprint of the reused prefix; identifies it in a `ReusedPrefixTally`.
    public var hash: PrefixHash?
    /// Role of the message the reuse ended in, when no whole group was reused.
    public var partialRole: TemplateRole?

    /// - Parameter pinnedMessageCount: how many leading messages are the pinned set
    ///   (system prompt + few-shot pairs); pairs inside it are "shots", later ones "turns".
    /// - Parameter documents: the message indices of attached documents (each a user
    ///   message on its own, counted as "docs", never as a shot or a turn).
    public init(map: ReuseMap, pinnedMessageCount: Int = 0, documents: Range<Int> = 0..<0) {
        tokens = map.hitTokens
        hash = map.hitTokens > 0 ? map.reusedPrefixHash : nil
        let messages = map.entries.filter { !$0.span.isGenerationPrompt }
        var index = 0
        var groupedEnd = 0
        var systems = 0, shots = 0, turns = 0
        while index < messages.count, messages[index].span.role == .system, messages[index].reuse == .full {
            systems += 1
            groupedEnd = messages[index].span.end
            index += 1
        }
        // Whole turns: a user message and every following non-user message, all fully reused.
        // Attached documents (after the shots, before the history) count as documents.
        var documentCount = 0
        var partialDocumentPercent: Int?
        while index < messages.count, messages[index].span.role == .user {
            if documents.contains(messages[index].messageIndex) {
                guard messages[index].reuse == .full else {
                    // A cache unit rarely ends where a document does: the reuse usually
                    // stops in its last unit. Say how much of it, not "start of a message".
                    if case .partial(let reused, let total) = messages[index].reuse, total > 0 {
                        partialDocumentPercent = min(99, reused * 100 / total)
                        groupedEnd = messages[index].span.start + reused
                    }
                    break
                }
                documentCount += 1
                groupedEnd = messages[index].span.end
                index += 1
                continue
            }
            var end = index + 1
            while end < messages.count, messages[end].span.role != .user, messages[end].span.role != .system { end += 1 }
            let group = messages[index..<end]
            guard group.count > 1, group.allSatisfy({ $0.reuse == .full }),
                  group.contains(where: { $0.span.role == .assistant }) else { break }
            if messages[index].messageIndex < pinnedMessageCount { shots += 1 } else { turns += 1 }
            groupedEnd = group.last!.span.end
            index = end
        }
        systemMessages = systems
        self.documents = documentCount
        self.partialDocumentPercent = partialDocumentPercent
        self.shots = shots
        self.turns = turns
        extraTokens = max(0, map.hitTokens - groupedEnd)
        if systems + shots + documentCount + turns == 0, partialDocumentPercent == nil, map.hitTokens > 0 {
            partialRole = messages.first(where: { $0.reuse != .full })?.span.role ?? messages.last?.span.role
        }
    }

    /// The whole groups reused, in prompt order: "system", "4 shots", "1 doc", "3 turns".
    private var groupParts: [String] {
        var parts: [String] = []
        if systemMessages > 0 { parts.append("system") }
        if shots > 0 { parts.append(shots == 1 ? "1 shot" : "\(shots) shots") }
        if documents > 0 { parts.append(documents == 1 ? "1 doc" : "\(documents) docs") }
        if let percent = partialDocumentPercent { parts.append("\(percent)% of " + (documents > 0 ? "the next doc" : "1 doc")) }
        if turns > 0 { parts.append(turns == 1 ? "1 turn" : "\(turns) turns") }
        return parts
    }

    /// "system + 4 shots, 3,840 tokens"; "nothing reused" for a miss.
    public var label: String {
        guard tokens > 0 else { return "nothing reused" }
        var parts = groupParts
        if parts.isEmpty {
            return "start of the \(Self.noun(partialRole)), \(Formatting.grouped(tokens)) tokens"
        }
        if extraTokens > 0 { parts.append("\(Formatting.grouped(extraTokens)) more") }
        return parts.joined(separator: " + ") + ", \(Formatting.grouped(tokens)) tokens"
    }

    /// The groups alone, for lists that show the tokens next to it: "system + 3 turns
    /// (+25 tok)"; "start of the first user message" when no whole group was reused.
    public var groups: String {
        guard tokens > 0 else { return "nothing reused" }
        let parts = groupParts
        if parts.isEmpty { return "start of the \(Self.noun(partialRole))" }
        return parts.joined(separator: " + ") + (extraTokens > 0 ? " (+\(Formatting.grouped(extraTokens)) tok)" : "")
    }

    static func noun(_ role: TemplateRole?) -> String {
        switch role {
        case .system: "system prompt"
        case .user: "first user message"
        case .assistant: "first assistant message"
        case .tool: "first tool result"
        case nil: "prompt"
        }
    }
}
