/// Renders Markdown to ``StyledLine``s for a width.
///
/// Each block renders independently and is cached by (block hash, width), so for a
/// streaming reply only the growing last block is rendered again; whole messages are
/// cached by (text hash, width). It is a class because the caches are shared state:
/// use one renderer per UI (single-threaded, like the rest of the UI).
public final class MarkdownRenderer {
    private struct Key: Hashable {
        var hash: Int
        var length: Int
        var width: Int
    }

    private var messageCache: [Key: [StyledLine]] = [:]
    private var blockCache: [Key: [StyledLine]] = [:]
    private let cacheLimit: Int
    /// Number of blocks actually rendered (cache misses), for tests and benchmarks.
    public private(set) var blocksRendered = 0

    /// - Parameter cacheLimit: entries kept per cache before it is emptied.
    public init(cacheLimit: Int = 4096) {
        self.cacheLimit = cacheLimit
    }

    /// Renders `text` to lines of at most `width` cells (uncached).
    public static func renderUncached(_ text: String, width: Int) -> [StyledLine] {
        MarkdownRenderer(cacheLimit: 0).render(text, width: width)
    }

    /// Renders `text` to lines of at most `width` cells.
    public func render(_ text: String, width: Int) -> [StyledLine] {
        guard width > 0 else { return [] }
        let key = Key(hash: text.hashValue, length: text.utf8.count, width: width)
        if let hit = messageCache[key] { return hit }
        var lines: [StyledLine] = []
        var previous: MarkdownBlock?
        for block in MarkdownParser.parse(text) {
            if Self.separated(previous, block) { lines.append(StyledLine()) }
            lines.append(contentsOf: cachedBlock(block, width: width))
            previous = block
        }
        store(&messageCache, key, lines)
        return lines
    }

    /// Blocks are separated by a blank line, except items of the same list.
    static func separated(_ previous: MarkdownBlock?, _ block: MarkdownBlock) -> Bool {
        guard let previous else { return false }
        return !(previous.isListItem && block.isListItem)
    }

    /// Text shown as typed: every line kept, with its indentation; long lines wrap.
    public static func verbatim(_ text: String, width: Int, style: Style = Style(.text)) -> [StyledLine] {
        guard width > 0 else { return [] }
        return TextWrap.wrap(StyledLine(text.replacingTabs(), style), width: width)
    }

    func cachedBlock(_ block: MarkdownBlock, width: Int) -> [StyledLine] {
        let key = Key(hash: block.hashValue, length: 0, width: width)
        if let hit = blockCache[key] { return hit }
        let lines = renderBlock(block, width: width)
        blocksRendered += 1
        store(&blockCache, key, lines)
        return lines
    }

    private func store(_ cache: inout [Key: [StyledLine]], _ key: Key, _ lines: [StyledLine]) {
        guard cacheLimit > 0 else { return }
        if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[key] = lines
    }

    func renderBlock(_ block: MarkdownBlock, width: Int) -> [StyledLine] {
        switch block {
        case .heading(let level, let text):
            var style = Style(.heading, attributes: level == 1 ? [.bold, .underline] : .bold)
            if level >= 3 { style.attributes = .bold }
            let prefix = level >= 3 ? String(repeating: "#", count: level) + " " : ""
            var line = StyledLine(prefix, Style(.heading))
            line.append(MarkdownInline.render(text, base: style))
            return TextWrap.wrap(line, width: width)
        case .paragraph(let text):
            return TextWrap.wrap(MarkdownInline.render(text), width: width, keepIndent: false)
        case .listItem(let depth, let marker, let text):
            return listItem(depth: depth, marker: marker, text: text, width: width)
        case .quote(let text):
            let bar = StyledLine("│ ", Style(.quote))
            // Too narrow for the bar: the quoted text alone (a bar would be wider than the line).
            guard width > 2 else { return MarkdownRenderer.renderUncached(text, width: width) }
            let inner = MarkdownRenderer.renderUncached(text, width: width - 2)
            return inner.map { line in
                var out = bar
                out.append(StyledLine(line.spans.map { span in
                    var style = span.style
                    if style.foreground == .text { style.foreground = .quote }
                    return StyledSpan(span.text, style)
                }))
                return out
            }
        case .code(let language, let lines, _):
            return code(language: language, lines: lines, width: width)
        case .rule:
            return [StyledLine(String(repeating: "─", count: width), Style(.rule))]
        }
    }

    private func listItem(depth: Int, marker: String, text: String, width: Int) -> [StyledLine] {
        let bullets = ["•", "◦", "▪"]
        let shownMarker = marker == "-" ? bullets[depth % bullets.count] : marker
        let indent = min(depth * 2, max(0, width / 2))
        let prefixWidth = indent + DisplayWidth.of(shownMarker) + 1
        guard width - prefixWidth >= 4 else {
            return TextWrap.wrap(StyledLine(shownMarker + " ", Style(.listBullet)) + MarkdownInline.render(text), width: width)
        }
        let body = TextWrap.wrap(MarkdownInline.render(text), width: width - prefixWidth, keepIndent: false)
        return body.enumerated().map { index, line in
            var out = StyledLine(String(repeating: " ", count: indent))
            if index == 0 {
                out.append(shownMarker, Style(.listBullet))
                out.append(" ")
            } else {
                out.append(String(repeating: " ", count: prefixWidth - indent))
            }
            out.append(line)
            return out
        }
    }

    private func code(language: String, lines: [String], width: Int) -> [StyledLine] {
        let highlighter = SyntaxHighlighter(language: language)
        var state = SyntaxHighlighter.State.normal
        let bg = ColorSlot.codeBackground
        var out: [StyledLine] = []
        let languageWidth = DisplayWidth.of(language)  // cells, not characters: "中文" is 4 wide
        if !language.isEmpty && width > languageWidth + 2 {
            let label = TextWrap.pad("", to: width - languageWidth - 1) + language + " "
            out.append(StyledLine([StyledSpan(label, Style(.dimText, background: bg))], fill: bg))
        }
        let inner = max(1, width - 1)
        for raw in lines {
            let line = highlighter.highlight(raw.replacingTabs(), state: &state)
            // Code is hard-wrapped at the width: never at spaces, never with an indent.
            for piece in hardWrap(line, width: inner) {
                var padded = StyledLine(" ", Style(.codeText, background: bg))
                padded.append(piece)
                padded.fill = bg
                out.append(width > 1 ? padded : StyledLine(piece.spans, fill: bg))
            }
        }
        if out.isEmpty { out.append(StyledLine([], fill: bg)) }
        return out
    }

    /// Splits a styled line into pieces of at most `width` cells, between clusters.
    func hardWrap(_ line: StyledLine, width: Int) -> [StyledLine] {
        var pieces: [StyledLine] = [StyledLine()]
        var used = 0
        for span in line.spans {
            for character in span.text {
                let w = DisplayWidth.of(character)
                if w > width { continue }
                if used + w > width {
                    pieces.append(StyledLine())
                    used = 0
                }
                pieces[pieces.count - 1].append(String(character), span.style)
                used += w
            }
        }
        return pieces
    }
}

extension StyledLine {
    static func + (lhs: StyledLine, rhs: StyledLine) -> StyledLine {
        var out = lhs
        out.append(rhs)
        return out
    }
}

extension String {
    /// Tabs as four spaces (terminals would jump to tab stops we do not track).
    func replacingTabs() -> String {
        contains("\t") ? split(separator: "\t", omittingEmptySubsequences: false).joined(separator: "    ") : self
    }
}
