/// One message of a chat-completions request or response.
///
/// Wire keys are snake_case (`reasoning_content`, `tool_calls`, `tool_call_id`); nil fields
/// are omitted when encoding. Decoding accepts `content` as a string, `null`, or an array of
/// `{"type":"text","text":...}` parts (joined; non-text parts are skipped), accepts
/// `reasoning` as an alias of `reasoning_content`, and treats a missing `role` as assistant.
public struct ChatMessage: Sendable, Equatable, Hashable, Codable {
    public var role: Role
    /// The message text; nil for an assistant turn that only calls tools.
    public var content: String?
    /// Thinking-mode reasoning. DeepSeek V4 requires it to be sent back on assistant turns
    /// that precede a tool result.
    public var reasoningContent: String?
    /// Optional participant name.
    public var name: String?
    /// Tool calls made by an assistant turn.
    public var toolCalls: [ToolCall]?
    /// For `tool` messages: the id of the call this answers.
    public var toolCallID: String?
    /// Chat prefix completion (beta base URL): this last assistant message is continued.
    public var prefix: Bool?

    /// Creates a message.
    public init(
        role: Role,
        content: String?,
        reasoningContent: String? = nil,
        name: String? = nil,
        toolCalls: [ToolCall]? = nil,
        toolCallID: String? = nil,
        prefix: Bool? = nil
    ) {
        self.prefix = prefix
        self.role = role
        self.content = content
        self.reasoningContent = reasoningContent
        self.name = name
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    /// A system message.
    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: text) }
    /// A user message.
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: text) }
    /// An assistant message, optionally with the reasoning that produced it.
    public static func assistant(_ text: String, reasoning: String? = nil) -> ChatMessage {
        ChatMessage(role: .assistant, content: text, reasoningContent: reasoning)
    }

    private enum CodingKeys: String, CodingKey {
        case role, content, name
        case reasoningContent = "reasoning_content"
        case reasoning
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
        case prefix
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decodeIfPresent(Role.self, forKey: .role) ?? .assistant
        content = try Self.decodeContent(container)
        reasoningContent =
            try container.decodeIfPresent(String.self, forKey: .reasoningContent)
            ?? container.decodeIfPresent(String.self, forKey: .reasoning)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        toolCalls = try container.decodeIfPresent([ToolCall].self, forKey: .toolCalls)
        toolCallID = try container.decodeIfPresent(String.self, forKey: .toolCallID)
        prefix = try? container.decodeIfPresent(Bool.self, forKey: .prefix)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        try container.encodeIfPresent(content, forKey: .content)
        try container.encodeIfPresent(reasoningContent, forKey: .reasoningContent)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
        try container.encodeIfPresent(toolCallID, forKey: .toolCallID)
        try container.encodeIfPresent(prefix, forKey: .prefix)
    }

    private struct ContentPart: Decodable {
        var type: String?
        var text: String?
    }

    private static func decodeContent(_ container: KeyedDecodingContainer<CodingKeys>) throws -> String? {
        guard container.contains(.content), try !container.decodeNil(forKey: .content) else {
            return nil
        }
        do {
            return try container.decode(String.self, forKey: .content)
        } catch DecodingError.typeMismatch {
            // Not a string: an array of parts.
        }
        // A string that is not valid text (a lone surrogate) was thrown above as what it is,
        // not as "expected an array" from this second try.
        let parts = try container.decode([ContentPart].self, forKey: .content)
        return parts.filter { ($0.type ?? "text") == "text" }.compactMap(\.text).joined()
    }
}
