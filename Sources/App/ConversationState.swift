import ChatCore
import ChatWire

/// A conversation as the session works on it: its stored record (when saved) and its
/// messages in order.
public struct ConversationState: Sendable {
    public var conversation: Conversation?
    public var messages: [StoredMessage]
    /// Leading messages that are pinned (system prompt and few-shot set), sent first in every request.
    public var pinned: [ChatMessage]
    /// The few-shot set the pinned messages come from, at the version the conversation uses.
    public var fewShot: FewShotSet?
    /// The first message ordinal requests carry (after a cache-aware cut); 1 sends all.
    public var historyStart: Int { conversation?.historyStart ?? cutOrdinal ?? 1 }
    /// A cut made before the conversation was saved.
    public var cutOrdinal: Int?
    /// `.each`: every request is the pinned set plus the last question only.
    public var fewShotMode: FewShotMode = .pinned

    public init(conversation: Conversation? = nil, messages: [StoredMessage] = [], pinned: [ChatMessage] = [],
                fewShot: FewShotSet? = nil, fewShotMode: FewShotMode = .pinned) {
        self.conversation = conversation
        self.messages = messages
        self.pinned = fewShot?.chatMessages ?? pinned
        self.fewShot = fewShot
        self.fewShotMode = fewShot == nil ? .pinned : fewShotMode
    }

    /// Restores a stored conversation: its system prompt, or its few-shot set at the exact
    /// version it was started with (so its prefix never changes under it).
    public static func restore(_ conversation: Conversation, messages: [StoredMessage],
                               fewShotVersion lookup: (String, String) -> FewShotSet?) -> ConversationState {
        if let name = conversation.fewShotSetName, let version = conversation.fewShotVersion,
           let set = lookup(name, version) {
            return ConversationState(conversation: conversation, messages: messages, fewShot: set,
                                     fewShotMode: conversation.fewShotMode ?? .pinned)
        }
        return ConversationState(conversation: conversation, messages: messages,
                                 pinned: conversation.systemPrompt.map { [.system($0)] } ?? [])
    }

    /// The request that sending `draft` now would make.
    public func requestMessages(adding draft: String) -> [ChatMessage] {
        if fewShot != nil && fewShotMode == .each { return pinned + [.user(draft)] }
        return requestMessages + [.user(draft)]
    }

    /// The history as the API receives it: pinned messages, then every complete message and
    /// every interrupted reply that has text (what the user saw stays in the context); failed
    /// and empty replies are left out.
    public var requestMessages: [ChatMessage] {
        var result = pinned
        if fewShot != nil && fewShotMode == .each {
            if let question = messages.last(where: { $0.role == .user }) { result.append(.user(question.content)) }
            return result
        }
        for message in messages where Self.isSent(message) && message.ordinal >= historyStart {
            switch message.role {
            case .system: result.append(.system(message.content))
            case .user: result.append(.user(message.content))
            case .assistant: result.append(.assistant(message.content, reasoning: message.reasoningContent))
            case .tool: result.append(ChatMessage(role: .tool, content: message.content))
            }
        }
        return result
    }
}
