import Numbers

/// The laid-out lines of one message, without gutter or live decorations.
protocol MessageLines: AnyObject {
    /// Header, reasoning, body, notes and a trailing blank line.
    var count: Int { get }
    subscript(index: Int) -> StyledLine { get }
    /// Index of the first body line (after header and reasoning).
    var bodyStart: Int { get }
    /// One past the last body line.
    var bodyEnd: Int { get }
}

/// A finished message's lines.
final class MessageLayout: MessageLines {
    let lines: [StyledLine]
    let bodyStart: Int
    let bodyEnd: Int
    /// What these lines were laid out from.
    let source: TranscriptMessage
    let width: Int

    init(lines: [StyledLine], bodyStart: Int, bodyEnd: Int, source: TranscriptMessage, width: Int) {
        self.lines = lines
        self.bodyStart = bodyStart
        self.bodyEnd = bodyEnd
        self.source = source
        self.width = width
    }

    var count: Int { lines.count }
    subscript(index: Int) -> StyledLine { lines[index] }
}

/// A streaming reply's lines: header and notes rebuilt per update (a few lines), reasoning
/// and body from the incremental layouts.
final class StreamingMessageLayout: MessageLines {
    private(set) var header: [StyledLine] = []
    private(set) var reasoningHeader: [StyledLine] = []
    let reasoning: StreamingPlainText
    var showsReasoning = false
    let body: StreamingMarkdown
    private(set) var trailing: [StyledLine] = []

    init(markdown: MarkdownRenderer) {
        reasoning = StreamingPlainText(style: Style(.reasoning), indent: "  ")
        body = StreamingMarkdown(renderer: markdown)
    }

    func update(_ message: TranscriptMessage, stream: StreamingBody, width: Int) {
        header = MessageLayoutCache.header(message, width: width)
        reasoningHeader = []
        showsReasoning = false
        if !stream.reasoning.isEmpty {
            reasoningHeader = MessageLayoutCache.reasoningHeader(message, width: width)
            if message.reasoningExpanded {
                showsReasoning = true
                reasoning.update(stream.reasoning, width: width)
            }
        }
        body.update(stream.content, width: width)
        trailing = MessageLayoutCache.notes(message, width: width) + [StyledLine()]
    }

    private var reasoningCount: Int { showsReasoning ? reasoning.count : 0 }
    var bodyStart: Int { header.count + reasoningHeader.count + reasoningCount }
    var bodyEnd: Int { bodyStart + body.count }
    var count: Int { bodyEnd + trailing.count }

    subscript(index: Int) -> StyledLine {
        var i = index
        if i < header.count { return header[i] }
        i -= header.count
        if i < reasoningHeader.count { return reasoningHeader[i] }
        i -= reasoningHeader.count
        if i < reasoningCount { return reasoning[i] }
        i -= reasoningCount
        if i < body.count { return body[i] }
        return trailing[i - body.count]
    }
}

/// Per-message line cache keyed by message and width. A cached layout is reused only
/// while everything it was laid out from is equal (content, not a size or a counter), so
/// two messages can never share a stale layout. Only the messages drawn or scrolled past
/// are ever laid out, so a 2,000-message conversation costs a few lookups per frame.
final class MessageLayoutCache {
    private var entries: [TranscriptKey: MessageLayout] = [:]
    private var streaming: [TranscriptKey: StreamingMessageLayout] = [:]
    private var currentWidth = -1
    let markdown: MarkdownRenderer
    /// Messages laid out (cache misses) since creation, for tests and benchmarks.
    private(set) var layoutsBuilt = 0
    /// Bytes of streaming replies laid out by layouts since dropped, for tests.
    private var retiredStreamingBytes = 0

    init(markdown: MarkdownRenderer) {
        self.markdown = markdown
    }

    /// Bytes of streaming text parsed and wrapped so far: flat in a reply's length when only
    /// new tails are laid out.
    var streamingBytesLaidOut: Int {
        retiredStreamingBytes + streaming.values.reduce(0) { $0 + $1.body.bytesLaidOut + $1.reasoning.bytesLaidOut }
    }

    func layout(_ message: TranscriptMessage, width: Int) -> any MessageLines {
        if width != currentWidth {
            // A resize invalidates every layout; drop them instead of keeping two widths.
            entries.removeAll(keepingCapacity: true)
            currentWidth = width
        }
        if let stream = message.stream {
            let layout = streaming[message.key] ?? StreamingMessageLayout(markdown: markdown)
            streaming[message.key] = layout
            layout.update(message, stream: stream, width: width)
            return layout
        }
        if let done = streaming.removeValue(forKey: message.key) {
            retiredStreamingBytes += done.body.bytesLaidOut + done.reasoning.bytesLaidOut
        }
        if let hit = entries[message.key], hit.source.hasSameLayout(as: message) { return hit }
        let built = build(message, width: width)
        layoutsBuilt += 1
        entries[message.key] = built
        return built
    }

    /// Forgets messages that are no longer in the transcript (a conversation switch).
    func retain(only keys: Set<TranscriptKey>) {
        entries = entries.filter { keys.contains($0.key) }
        for (key, layout) in streaming where !keys.contains(key) {
            retiredStreamingBytes += layout.body.bytesLaidOut + layout.reasoning.bytesLaidOut
            streaming[key] = nil
        }
    }

    private func build(_ message: TranscriptMessage, width: Int) -> MessageLayout {
        var lines = Self.header(message, width: width)
        if let reasoning = message.reasoning, !reasoning.isEmpty {
            lines += Self.reasoningHeader(message, width: width)
            if message.reasoningExpanded {
                lines += MarkdownRenderer.verbatim(reasoning, width: max(1, width - 2), style: Style(.reasoning))
                    .map { StyledLine("  ", Style(.reasoning)) + $0 }
            }
        }
        let bodyStart = lines.count
        switch message.format {
        case .markdown: lines += markdown.render(message.text, width: width)
        case .verbatim: lines += MarkdownRenderer.verbatim(message.text, width: width)
        }
        if let query = message.highlight {
            for index in bodyStart..<lines.count { lines[index] = lines[index].highlighting(query) }
        }
        let bodyEnd = lines.count
        lines += Self.notes(message, width: width)
        lines.append(StyledLine())
        return MessageLayout(lines: lines, bodyStart: bodyStart, bodyEnd: bodyEnd, source: message, width: width)
    }

    static func header(_ message: TranscriptMessage, width: Int) -> [StyledLine] {
        let nameSlot: ColorSlot = switch message.role {
        case .user: .userName
        case .assistant: .assistantName
        case .system: .systemName
        }
        var header = StyledLine(TextWrap.truncate(message.name, to: max(1, width - 8)), Style(nameSlot))
        if !message.time.isEmpty && DisplayWidth.of(message.name) + 3 + DisplayWidth.of(message.time) <= width {
            header.append(" · ", Style(.timestamp))
            header.append(message.time, Style(.timestamp))
        }
        if let number = message.number, header.width + 4 + String(number).count <= width {
            header.append(" · #\(number)", Style(.timestamp))
        }
        if message.focused {
            let hint = message.focusHint ?? " c copy · b code · e edit · r regenerate · Esc"
            if header.width + hint.count <= width { header.append(hint, Style(.dimText)) }
            header = header.withBackground(.selection)
        }
        return [header]
    }

    static func reasoningHeader(_ message: TranscriptMessage, width: Int) -> [StyledLine] {
        let tokens = message.reasoningTokens.map { " (" + Formatting.grouped($0) + " tokens)" } ?? ""
        let arrow = message.reasoningExpanded ? "▾" : "▸"
        return TextWrap.wrap(StyledLine(arrow + " Reasoning" + tokens, Style(.reasoning)), width: width)
    }

    static func notes(_ message: TranscriptMessage, width: Int) -> [StyledLine] {
        message.notes.flatMap { note -> [StyledLine] in
            let slot: ColorSlot = switch note.kind {
            case .info: .interrupted
            case .warning: .warning
            case .error: .error
            }
            return TextWrap.wrap(StyledLine(note.text, Style(slot)), width: width)
        }
    }
}
