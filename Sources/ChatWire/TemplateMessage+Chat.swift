import ChatCore

extension TemplateMessage {
    /// The template's view of a wire message.
    public init(chat message: ChatMessage) {
        let role: TemplateRole = switch message.role.rawValue {
        case "system": .system
        case "assistant": .assistant
        case "tool": .tool
        default: .user
        }
        self.init(role: role, content: message.content ?? "", reasoningContent: message.reasoningContent,
                  toolCalls: (message.toolCalls ?? []).map { TemplateToolCall(id: $0.id, name: $0.name, arguments: $0.arguments) },
                  toolCallID: message.toolCallID, prefix: message.prefix == true)
    }
}
