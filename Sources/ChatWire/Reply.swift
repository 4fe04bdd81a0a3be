import ChatCore

/// An assistant reply assembled from `ChatStreamEvent`s by `ReplyAccumulator`.
public struct Reply: Sendable, Equatable {
    public var id: String?
    public var model: String?
    public var systemFingerprint: String?
    /// The author announced by the server (normally `"assistant"`).
    public var role: String?
    /// The answer text so far.
    public var content: String = ""
    /// The reasoning text so far (thinking mode).
    public var reasoningContent: String = ""
    /// Tool calls in index order, their arguments concatenated from fragments.
    public var toolCalls: [ToolCall] = []
    public var finishReason: String?
    /// The last usage reported.
    public var usage: Usage?
    /// True after `[DONE]` or a whole non-stream body.
    public var isComplete = false
    /// The first failure, if the reply failed; the text above is what arrived before it.
    public var failure: APIError?

    public init() {}

    /// The reply as an assistant message for the next request. Reasoning is included when
    /// present because DeepSeek V4 requires it back after tool calls.
    public var message: ChatMessage {
        ChatMessage(
            role: .assistant,
            content: content.isEmpty && !toolCalls.isEmpty ? nil : content,
            reasoningContent: reasoningContent.isEmpty ? nil : reasoningContent,
            toolCalls: toolCalls.isEmpty ? nil : toolCalls)
    }
}
