/// The laid-out lines of one message, without gutter or live decorations.
struct MessageLayout {
    /// Header, reasoning, body, interrupted marker and a trailing blank line.
    var lines: [StyledLine]
    /// Index of the first body line (after header and reasoning).
    var bodyStart: Int
    /// One past the last body line.
    var bodyEnd: Int
}

/// Per-message line cache keyed by (id, revision, width, reasoning expanded). Only the
/// messages that are drawn or scrolled past are ever laid out, so a 2,000-message
/// conversation costs a few dictionary lookups per frame.
final class MessageLayoutCache {
    struct Key: Hashable {
        var id: Int
        var revision: Int
        var width: Int
        var expanded: Bool
    }

    private var entries: [Key: MessageLayout] = [:]
    private var currentWidth = -1
    let markdown: MarkdownRenderer
    /// Messages laid out (cache misses) since creation, for tests and benchmarks.
    private(set) var layoutsBuilt = 0

    init(markdown: MarkdownRenderer) {
        self.markdown = markdown
    }

    func layout(_ message: TranscriptMessage, width: Int) -> MessageLayout {
        if width != currentWidth {
            // A resize invalidates every layout; drop them instead of keeping two widths.
            entries.removeAll(keepingCapacity: true)
            currentWidth = width
        }
        let key = Key(id: message.id, revision: message.revision, width: width, expanded: message.reasoningExpanded)
        if let hit = entries[key] { return hit }
        let built = build(message, width: width)
        layoutsBuilt += 1
        entries[key] = built
        return built
    }

    private func build(_ message: TranscriptMessage, width: Int) -> MessageLayout {
        var lines: [StyledLine] = []
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
        lines.append(header)
        if let reasoning = message.reasoning, !reasoning.isEmpty {
            let tokens = message.reasoningTokens.map { " (" + Format.thousands($0) + " tokens)" } ?? ""
            let arrow = message.reasoningExpanded ? "▾" : "▸"
            lines.append(contentsOf: TextWrap.wrap(StyledLine(arrow + " Reasoning" + tokens, Style(.reasoning)), width: width))
            if message.reasoningExpanded {
                for line in TextWrap.wrap(StyledLine(reasoning, Style(.reasoning)), width: max(1, width - 2)) {
                    lines.append(StyledLine("  ", Style(.reasoning)) + line)
                }
            }
        }
        let bodyStart = lines.count
        lines.append(contentsOf: markdown.render(message.text, width: width))
        let bodyEnd = lines.count
        if message.interrupted { lines.append(StyledLine("■ interrupted", Style(.interrupted))) }
        lines.append(StyledLine())
        return MessageLayout(lines: lines, bodyStart: bodyStart, bodyEnd: bodyEnd)
    }
}
