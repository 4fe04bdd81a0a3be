/// Who wrote a message.
public enum MessageRole: Hashable, Sendable {
    case user, assistant, system
}

/// The cache mark in a message's gutter: how much of it DeepSeek served from cache on
/// the last request.
public enum CacheMark: Hashable, Sendable {
    /// Entirely inside the reused prefix.
    case reused
    /// `reused` of `total` tokens were inside the reused prefix.
    case partial(reused: Int, total: Int)
    /// Sent, but not reused.
    case notReused
    /// No information (not sent yet, or not part of the last request).
    case none
}

/// One message as the transcript shows it. Plain data: the App builds these from the
/// conversation. Bump ``revision`` whenever anything but ``cacheMark`` changes — the
/// transcript caches each message's layout by (id, revision, width).
public struct TranscriptMessage: Hashable, Sendable {
    public var id: Int
    public var revision: Int
    public var role: MessageRole
    /// Shown in the header: "You", "deepseek-chat", "System".
    public var name: String
    /// Pre-formatted time for the header ("14:02").
    public var time: String
    /// The Markdown body (already sanitised of control characters).
    public var text: String
    /// Reasoning ("thinking") text, if the model produced any.
    public var reasoning: String?
    public var reasoningTokens: Int?
    public var reasoningExpanded: Bool
    /// The reply was cut off (user cancelled or the connection dropped).
    public var interrupted: Bool
    public var cacheMark: CacheMark

    public init(id: Int, revision: Int = 0, role: MessageRole, name: String, time: String = "", text: String,
                reasoning: String? = nil, reasoningTokens: Int? = nil, reasoningExpanded: Bool = false,
                interrupted: Bool = false, cacheMark: CacheMark = .none) {
        self.id = id
        self.revision = revision
        self.role = role
        self.name = name
        self.time = time
        self.text = text
        self.reasoning = reasoning
        self.reasoningTokens = reasoningTokens
        self.reasoningExpanded = reasoningExpanded
        self.interrupted = interrupted
        self.cacheMark = cacheMark
    }
}

/// Where the reused (cached) prefix of the last request ended.
public struct CacheHorizon: Hashable, Sendable {
    /// The message in which (or after which) the reused prefix ended.
    public var messageIndex: Int
    /// True when the prefix ended inside that message (drawn within its body, in
    /// proportion to its ``CacheMark/partial(reused:total:)``); false when it covered
    /// the whole message (drawn after it).
    public var insideMessage: Bool

    public init(messageIndex: Int, insideMessage: Bool) {
        self.messageIndex = messageIndex
        self.insideMessage = insideMessage
    }
}

/// Live state of a reply being streamed into the last message.
public struct StreamingStatus: Hashable, Sendable {
    /// Advances each tick; picks the spinner frame.
    public var frame: Int
    public var tokensPerSecond: Double?
    /// "thinking" while only reasoning arrives, "writing" for content.
    public var phase: String

    public init(frame: Int, tokensPerSecond: Double? = nil, phase: String = "streaming") {
        self.frame = frame
        self.tokensPerSecond = tokensPerSecond
        self.phase = phase
    }
}

/// Everything the transcript draws.
public struct TranscriptModel: Sendable {
    public var messages: [TranscriptMessage]
    public var horizon: CacheHorizon?
    /// Non-nil while the last message is streaming.
    public var streaming: StreamingStatus?

    public init(messages: [TranscriptMessage] = [], horizon: CacheHorizon? = nil, streaming: StreamingStatus? = nil) {
        self.messages = messages
        self.horizon = horizon
        self.streaming = streaming
    }
}
