import Foundation

/// One message of the conversation as the App holds it: a history row, or a message the
/// history could not save (still shown, and still sent: the user saw it).
public struct HistoryMessage: Sendable, Equatable, Identifiable {
    public var id: TranscriptID
    /// 1-based position in the conversation.
    public var ordinal: Int
    public var role: StoredMessage.Role
    public var content: String
    public var reasoningContent: String?
    public var created: Date
    public var state: StoredMessage.State
    /// The model that wrote a reply.
    public var model: String?

    public init(id: TranscriptID, ordinal: Int, role: StoredMessage.Role, content: String, reasoningContent: String? = nil,
                created: Date, state: StoredMessage.State = .complete, model: String? = nil) {
        self.id = id
        self.ordinal = ordinal
        self.role = role
        self.content = content
        self.reasoningContent = reasoningContent
        self.created = created
        self.state = state
        self.model = model
    }

    /// A history row.
    public init(_ stored: StoredMessage) {
        self.init(id: .stored(stored.id), ordinal: stored.ordinal, role: stored.role, content: stored.content,
                  reasoningContent: stored.reasoningContent, created: stored.created, state: stored.state, model: stored.model)
    }

    /// Whether requests carry this message: complete messages, and interrupted replies
    /// that have text (what the user saw stays in the context). Failed and empty replies
    /// are left out.
    /// The reply ended as the server meant it to, or was cut at max_tokens (its text is
    /// what the next request carries either way).
    public var endedWhole: Bool {
        switch state {
        case .complete: true
        case .interrupted(let reason): reason == StoredMessage.State.maxTokensReason
        case .streaming, .failed: false
        }
    }

    /// A reply `/continue` may carry on: cut at max_tokens, or stopped with text.
    public var canContinue: Bool {
        guard role == .assistant, case .interrupted = state else { return false }
        return !content.isEmpty || !(reasoningContent ?? "").isEmpty
    }

    public var isSent: Bool {
        switch state {
        case .complete: true
        case .interrupted: !content.isEmpty
        case .streaming, .failed: false
        }
    }

    /// The message as the prompt template and the wire see it. Reasoning goes with a reply
    /// whenever it has any: DeepSeek V4 needs it back after tool calls, and its template
    /// drops it from earlier turns by itself.
    public var templateMessage: TemplateMessage {
        switch role {
        case .system: .system(content)
        case .user: .user(content)
        case .assistant: .assistant(content, reasoning: reasoningContent.flatMap { $0.isEmpty ? nil : $0 })
        case .tool: TemplateMessage(role: .tool, content: content)
        }
    }
}
