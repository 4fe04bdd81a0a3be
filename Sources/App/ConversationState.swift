import ChatCore
import ChatWire

/// A conversation as the session works on it: its stored record (when saved) and its
/// messages in order.
public struct ConversationState: Sendable {
    public var conversation: Conversation?
    public var messages: [StoredMessage]
    /// Leading messages that are pinned (system prompt and few-shot set), sent first in every request.
    public var pinned: [ChatMessage]

    public init(conversation: Conversation? = nil, messages: [StoredMessage] = [], pinned: [ChatMessage] = []) {
        self.conversation = conversation
        self.messages = messages
        self.pinned = pinned
    }

    /// The history as the API receives it: pinned messages, then every complete message and
    /// every interrupted reply that has text (what the user saw stays in the context); failed
    /// and empty replies are left out.
    public var requestMessages: [ChatMessage] {
        var result = pinned
        for message in messages {
            switch message.state {
            case .complete: break
            case .interrupted: if message.content.isEmpty { continue }
            case .streaming, .failed: continue
            }
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
