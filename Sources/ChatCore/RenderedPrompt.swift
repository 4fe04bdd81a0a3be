/// Where one message (or the generation prompt) sits in a rendered prompt.
///
/// Ranges are half-open token indices. `start..<contentStart` and `contentEnd..<end` are the
/// template tokens the message owns (for example a leading `<｜User｜>` and a trailing
/// `<｜Assistant｜></think>`); `contentStart..<contentEnd` is the message's own `content`.
/// Ownership rules per family are in docs/TEMPLATES.md.
public struct MessageSpan: Sendable, Hashable {
    /// Index into the request's messages; equals the message count for the generation prompt.
    public var messageIndex: Int
    /// The message's role; nil for the generation prompt.
    public var role: TemplateRole?
    public var start: Int
    public var end: Int
    public var contentStart: Int
    public var contentEnd: Int

    public init(
        messageIndex: Int, role: TemplateRole?, start: Int, end: Int, contentStart: Int, contentEnd: Int
    ) {
        self.messageIndex = messageIndex
        self.role = role
        self.start = start
        self.end = end
        self.contentStart = contentStart
        self.contentEnd = contentEnd
    }

    public var isGenerationPrompt: Bool { role == nil }
    public var range: Range<Int> { start..<end }
    public var contentRange: Range<Int> { contentStart..<contentEnd }
    /// Template tokens before the content (BOS, `<｜User｜>`, kept reasoning, ...).
    public var leadingTemplate: Range<Int> { start..<contentStart }
    /// Template tokens after the content (`<｜Assistant｜></think>`, EOS, tool-call markup, ...).
    public var trailingTemplate: Range<Int> { contentEnd..<end }
    public var tokenCount: Int { end - start }
}

/// A request rendered to token ids, with one span per message in prompt order.
public struct RenderedPrompt: Sendable, Hashable {
    public var ids: [Int]
    /// Sorted by position; contiguous and covering `ids` exactly. Every message has one
    /// (possibly empty) span; a trailing generation-prompt span exists when the template
    /// emits tokens that belong to no message.
    public var spans: [MessageSpan]
    /// The rendered string; encoding it whole gives `ids`.
    public var text: String

    public var tokenCount: Int { ids.count }

    /// The span of message `index`, if any.
    public func span(ofMessage index: Int) -> MessageSpan? {
        spans.first { $0.messageIndex == index && !$0.isGenerationPrompt }
    }

    public var generationPrompt: MessageSpan? { spans.first { $0.isGenerationPrompt } }
}

/// Token counts of a request without the ids themselves (see `PromptCounter.count`).
public struct PromptCount: Sendable, Hashable {
    public var tokenCount: Int
    public var spans: [MessageSpan]

    public init(tokenCount: Int, spans: [MessageSpan]) {
        self.tokenCount = tokenCount
        self.spans = spans
    }
}
