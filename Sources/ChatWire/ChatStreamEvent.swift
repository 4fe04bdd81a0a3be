import ChatCore

/// Something `ChatStreamParser` learned from a reply body, in arrival order.
public enum ChatStreamEvent: Sendable, Equatable {
    /// Response id, model and fingerprint, sent once from the first chunk that has them.
    case metadata(ReplyMetadata)
    /// The author of the reply (`"assistant"`).
    case role(String)
    /// Reasoning text to append (thinking mode).
    case reasoning(String)
    /// Answer text to append.
    case content(String)
    /// A tool-call fragment to merge by index.
    case toolCall(ToolCallDelta)
    /// Why generation stopped: `stop`, `length`, `tool_calls`, `content_filter`,
    /// `insufficient_system_resource`, ...
    case finish(String)
    /// Token counts; a later `.usage` replaces an earlier one.
    case usage(Usage)
    /// The server is alive but has nothing yet (SSE comment or a leading blank line).
    case keepAlive
    /// The reply is complete (`[DONE]` or a whole non-stream body).
    case done
    /// The reply failed; nothing follows. Text received before it stays valid.
    case failure(APIError)
}

/// Identifying fields of a reply; never parsed beyond strings.
public struct ReplyMetadata: Sendable, Equatable {
    public var id: String?
    public var model: String?
    public var systemFingerprint: String?
    public var created: Int?

    public init(id: String? = nil, model: String? = nil, systemFingerprint: String? = nil, created: Int? = nil) {
        self.id = id
        self.model = model
        self.systemFingerprint = systemFingerprint
        self.created = created
    }
}
