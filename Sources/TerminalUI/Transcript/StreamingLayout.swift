/// The lines of a reply that is still streaming, built from what was added since the last
/// frame: finished blocks are laid out once and kept; only the open block at the end is
/// parsed and wrapped again. A frame's cost depends on the size of that last block, not
/// on the length of the reply (docs/DECISIONS.md 27).
final class StreamingMarkdown {
    private let renderer: MarkdownRenderer
    private(set) var width = -1
    /// Bytes of the source consumed so far.
    private var consumed = 0
    private var source: AppendOnlyText?
    /// Lines of the finished blocks.
    private(set) var committed: [StyledLine] = []
    private var lastCommitted: MarkdownBlock?
    /// The text from the start of the first unfinished block.
    private var tail = ""
    /// Lines of the unfinished blocks, for the current tail and width.
    private(set) var tailLines: [StyledLine] = []
    /// Bytes parsed and laid out so far (the tail, each update): the work a frame costs.
    private(set) var bytesLaidOut = 0

    init(renderer: MarkdownRenderer) {
        self.renderer = renderer
    }

    var count: Int { committed.count + tailLines.count }

    subscript(index: Int) -> StyledLine { index < committed.count ? committed[index] : tailLines[index - committed.count] }

    /// Brings the lines up to date with `text` at `width`.
    func update(_ text: AppendOnlyText, width: Int) {
        if width != self.width || source.map({ !$0.sharesStorage(with: text) || text.utf8Count < consumed }) ?? true {
            reset(width: width)
        }
        source = text
        guard text.utf8Count > consumed else { return }
        tail += text.suffix(fromUTF8: consumed)
        consumed = text.utf8Count
        relayoutTail()
    }

    private func reset(width: Int) {
        self.width = width
        consumed = 0
        committed = []
        lastCommitted = nil
        tail = ""
        tailLines = []
    }

    private func relayoutTail() {
        bytesLaidOut += tail.utf8.count
        let lines = MarkdownParser.lines(of: tail)
        let blocks = MarkdownParser.parse(lines: lines)
        // A line is complete when a newline follows it; the last element is the partial line.
        func complete(_ line: Int) -> Bool { line < lines.count - 1 }
        var finished = 0
        for (index, entry) in blocks.enumerated() {
            let closedCode: Bool
            if case .code(_, _, let closed) = entry.block { closedCode = closed } else { closedCode = false }
            let lastLine = entry.lines.upperBound - 1
            // Final once the line that ended it is complete: nothing typed later can join it.
            let next = entry.lines.upperBound
            let isFinal = closedCode ? complete(lastLine) : complete(lastLine) && next < lines.count && complete(next)
            guard isFinal else { break }
            finished = index + 1
        }
        if finished > 0 {
            for entry in blocks[..<finished] {
                if MarkdownRenderer.separated(lastCommitted, entry.block) { committed.append(StyledLine()) }
                committed.append(contentsOf: renderer.cachedBlock(entry.block, width: width))
                lastCommitted = entry.block
            }
            // Keep the text from the line after the last finished block (blank lines included:
            // the parser skips them).
            let keepFrom = blocks[finished - 1].lines.upperBound
            var offset = 0
            for line in lines[..<keepFrom] { offset += line.utf8.count + 1 }
            let utf8 = tail.utf8
            tail = offset >= utf8.count ? "" : String(decoding: utf8[utf8.index(utf8.startIndex, offsetBy: offset)...], as: UTF8.self)
        }
        var previous = lastCommitted
        tailLines = []
        for entry in blocks[finished...] {
            if MarkdownRenderer.separated(previous, entry.block) { tailLines.append(StyledLine()) }
            tailLines.append(contentsOf: renderer.renderBlock(entry.block, width: width))
            previous = entry.block
        }
    }
}

/// Plain text that only grows (streaming reasoning), wrapped incrementally: finished lines
/// (followed by a newline) are wrapped once; the last, open line again on each update.
final class StreamingPlainText {
    private(set) var width = -1
    private var consumed = 0
    private var source: AppendOnlyText?
    private let style: Style
    private let indent: String
    private(set) var committed: [StyledLine] = []
    private var tail = ""
    private(set) var tailLines: [StyledLine] = []
    private(set) var bytesLaidOut = 0

    init(style: Style, indent: String) {
        self.style = style
        self.indent = indent
    }

    var count: Int { committed.count + tailLines.count }

    subscript(index: Int) -> StyledLine { index < committed.count ? committed[index] : tailLines[index - committed.count] }

    func update(_ text: AppendOnlyText, width: Int) {
        if width != self.width || source.map({ !$0.sharesStorage(with: text) || text.utf8Count < consumed }) ?? true {
            self.width = width
            consumed = 0
            committed = []
            tail = ""
            tailLines = []
        }
        source = text
        guard text.utf8Count > consumed else { return }
        tail += text.suffix(fromUTF8: consumed)
        consumed = text.utf8Count
        if let newline = tail.utf8.lastIndex(of: UInt8(ascii: "\n")) {
            let finished = String(decoding: tail.utf8[..<newline], as: UTF8.self)
            committed.append(contentsOf: wrap(finished))
            tail = String(decoding: tail.utf8[tail.utf8.index(after: newline)...], as: UTF8.self)
        }
        tailLines = tail.isEmpty ? [] : wrap(tail)
        bytesLaidOut += tail.utf8.count
    }

    private func wrap(_ text: String) -> [StyledLine] {
        let inner = max(1, width - DisplayWidth.of(indent))
        return TextWrap.wrap(StyledLine(text.replacingTabs(), style), width: inner).map { StyledLine(indent, style) + $0 }
    }
}
