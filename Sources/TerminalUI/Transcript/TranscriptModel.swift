/// Who wrote a message.
public enum MessageRole: Hashable, Sendable {
    case user, assistant, system
}

/// Identifies a message in the transcript across frames (its layout is cached under it,
/// and the scroll anchor follows it). The App maps its own message identities onto these
/// one to one: `kind` tells the sort of message, `value` which one.
public struct TranscriptKey: Hashable, Sendable, CustomStringConvertible {
    public var kind: UInt8
    public var value: Int64

    public init(kind: UInt8, value: Int64) {
        self.kind = kind
        self.value = value
    }

    public var description: String { "\(kind):\(value)" }
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

/// How a message body is shown.
public enum TextFormat: Hashable, Sendable {
    /// Rendered as Markdown (replies).
    case markdown
    /// Shown as typed: line breaks and indentation kept, long lines wrapped (your own
    /// messages and system prompts).
    case verbatim
}

/// A line under a message saying how it ended: "■ stopped", "✗ failed: …", "⚠ not saved: …".
public struct MessageNote: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case info, warning, error }
    public var text: String
    public var kind: Kind

    public init(_ text: String, _ kind: Kind) {
        self.text = text
        self.kind = kind
    }
}

/// A reply streaming in: its answer and reasoning as they grow. Already sanitised for the
/// terminal; the transcript lays out only what was added since the last frame.
public struct StreamingBody: Equatable {
    public var content: AppendOnlyText
    public var reasoning: AppendOnlyText

    public init(content: AppendOnlyText, reasoning: AppendOnlyText) {
        self.content = content
        self.reasoning = reasoning
    }
}

/// One message as the transcript shows it. Plain data: the App builds these from the
/// conversation. The transcript caches each message's layout under its key and lays it out
/// again whenever anything but ``cacheMark`` differs from what it laid out.
public struct TranscriptMessage: Equatable {
    public var key: TranscriptKey
    public var role: MessageRole
    /// Shown in the header: "You", "deepseek-chat", "System".
    public var name: String
    /// Pre-formatted time for the header ("14:02").
    public var time: String
    /// The body (already sanitised of control characters).
    public var text: String
    public var format: TextFormat
    /// Reasoning ("thinking") text, if the model produced any.
    public var reasoning: String?
    public var reasoningTokens: Int?
    public var reasoningExpanded: Bool
    /// Set while the reply streams: the body and reasoning come from here instead.
    public var stream: StreamingBody?
    /// How the message ended, when that is worth a line (stopped, failed, not saved).
    public var notes: [MessageNote]
    public var cacheMark: CacheMark
    /// The number `/edit N` and `/copy N` use, shown in the header ("#3"); nil for
    /// messages that have none (the welcome text, pinned few-shot messages).
    public var number: Int?
    /// The message focus (Alt-Up) is on this message: its header is highlighted and a bar
    /// runs down its gutter.
    public var focused: Bool
    /// The keys shown in the header while focused (nil: a message's c/b/e/r).
    public var focusHint: String?
    /// Text shown as find matches in this message (`/find`), nil for none.
    public var highlight: String?

    public init(key: TranscriptKey, role: MessageRole, name: String, time: String = "", text: String,
                format: TextFormat = .markdown, reasoning: String? = nil, reasoningTokens: Int? = nil,
                reasoningExpanded: Bool = false, stream: StreamingBody? = nil, notes: [MessageNote] = [],
                cacheMark: CacheMark = .none, number: Int? = nil, focused: Bool = false) {
        self.number = number
        self.focused = focused
        self.key = key
        self.role = role
        self.name = name
        self.time = time
        self.text = text
        self.format = format
        self.reasoning = reasoning
        self.reasoningTokens = reasoningTokens
        self.reasoningExpanded = reasoningExpanded
        self.stream = stream
        self.notes = notes
        self.cacheMark = cacheMark
    }

    /// Everything the layout depends on is equal (the gutter mark is drawn separately).
    func hasSameLayout(as other: TranscriptMessage) -> Bool {
        key == other.key && role == other.role && name == other.name && time == other.time && format == other.format
            && reasoningExpanded == other.reasoningExpanded && reasoningTokens == other.reasoningTokens
            && notes == other.notes && stream == nil && other.stream == nil
            && number == other.number && focused == other.focused && highlight == other.highlight
            && text == other.text && reasoning == other.reasoning
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
public struct TranscriptModel: Equatable {
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
