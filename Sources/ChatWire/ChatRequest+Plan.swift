import ChatCore

extension ChatMessage {
    /// The wire form of a template message.
    public init(template message: TemplateMessage) {
        let role: Role = switch message.role {
        case .system: .system
        case .user: .user
        case .assistant: .assistant
        case .tool: .tool
        }
        self.init(role: role, content: message.content,
                  reasoningContent: message.reasoningContent.flatMap { $0.isEmpty ? nil : $0 },
                  toolCalls: message.toolCalls.isEmpty ? nil
                      : message.toolCalls.map { ToolCall(id: $0.id, name: $0.name, arguments: $0.arguments) },
                  toolCallID: message.toolCallID, prefix: message.prefix ? true : nil)
    }
}

extension ChatRequest {
    /// The body a plan sends: its messages in order and its settings. The only way the
    /// App and `ask` make a chat request, so what is sent is what the plan describes.
    public init(plan: RequestPlan) {
        let settings = plan.settings
        self.init(model: settings.model, messages: plan.messages.map(ChatMessage.init(template:)))
        let options = settings.options
        stream = options.stream
        if options.stream { streamOptions = StreamOptions(includeUsage: true) }
        maxTokens = options.maxTokens
        temperature = options.temperature
        userID = options.userID
        if options.jsonObject { responseFormat = .jsonObject }
        if let thinking = settings.thinking { self.thinking = thinking ? .enabled : .disabled }
        reasoningEffort = settings.reasoningEffort?.rawValue
    }
}
