/// Who wrote a message, as far as the prompt template is concerned.
public enum TemplateRole: String, Sendable, Hashable, Codable, CaseIterable {
    case system, user, assistant, tool
}

/// One tool call of an assistant message, as sent on the wire.
public struct TemplateToolCall: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// The call's arguments: the JSON text exactly as the API carries it.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A chat message reduced to what the prompt template renders.
public struct TemplateMessage: Sendable, Hashable {
    public var role: TemplateRole
    public var content: String
    /// Earlier reasoning of an assistant turn (`reasoning_content`); most templates drop it.
    public var reasoningContent: String?
    public var toolCalls: [TemplateToolCall]
    /// For `.tool` messages: the id of the call this result answers.
    public var toolCallID: String?
    /// Chat prefix completion (DeepSeek's beta): the last, assistant message is a start the
    /// model continues, so it is rendered without its end-of-sentence token.
    public var prefix: Bool

    public init(
        role: TemplateRole, content: String, reasoningContent: String? = nil,
        toolCalls: [TemplateToolCall] = [], toolCallID: String? = nil, prefix: Bool = false
    ) {
        self.prefix = prefix
        self.role = role
        self.content = content
        self.reasoningContent = reasoningContent
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    public static func system(_ text: String) -> TemplateMessage { .init(role: .system, content: text) }
    public static func user(_ text: String) -> TemplateMessage { .init(role: .user, content: text) }
    public static func assistant(_ text: String, reasoning: String? = nil) -> TemplateMessage {
        .init(role: .assistant, content: text, reasoningContent: reasoning)
    }
}
