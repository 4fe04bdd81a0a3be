/// The scrolling conversation: role headers, Markdown bodies, folded reasoning, cache
/// marks in a left gutter, the cache horizon line, and a streaming spinner.
///
/// A class because it owns caches and scroll state across frames: per-message layouts
/// (keyed by id, revision and width) and the scroll position. Layout is lazy from the
/// bottom: drawing touches only the messages on screen, so a keystroke in the editor
/// costs a few cache lookups here, however long the conversation.
///
/// Scrolling: ``position`` is `.bottom` (follows new text, "stick to bottom") or
/// anchored at a message line (stays put while a reply streams in below).
public final class TranscriptView {
    /// Where the view is scrolled to.
    public enum Position: Hashable, Sendable {
        case bottom
        /// The top row shows line `line` of message `index` (whose key is `key`).
        case anchored(index: Int, key: TranscriptKey, line: Int)
    }

    /// Width of the gutter with the cache marks.
    public static let gutterWidth = 2
    public private(set) var position: Position = .bottom
    /// Height of the last draw, used as the page size by the key handler.
    public private(set) var pageHeight = 20
    /// Width of the last draw.
    public private(set) var lastWidth = 80
    let cache: MessageLayoutCache
    private struct Signature: Equatable {
        var count: Int
        var first: TranscriptKey?
        var last: TranscriptKey?
    }
    private var lastSignature: Signature?
    /// What the last frame painted, row by row, and where: a row that shows the same line
    /// in the next frame is left as it is in the buffer (while a reply streams, most rows
    /// of a frame are the ones before it). Only when nothing else began a frame over the
    /// buffer since (``ScreenBuffer/paintings``) and nothing was drawn over the rows
    /// (`forgetPainted()`).
    private var painted: PaintedRows?
    private struct PaintedRows {
        var rows: [DisplayLine?]
        var clip: Rect
        /// Weak: a new buffer at a freed one's address is not the same buffer.
        weak var buffer: ScreenBuffer?
        var painting: Int
        var arrow: Bool
    }
    /// Rows painted and rows left as they were, over the view's life (tests).
    public private(set) var rowsPainted = 0, rowsKept = 0

    /// - Parameter markdown: shared renderer (its block cache makes streaming incremental).
    public init(markdown: MarkdownRenderer = MarkdownRenderer()) {
        self.cache = MessageLayoutCache(markdown: markdown)
    }

    /// True when the view follows the newest text.
    public var isAtBottom: Bool { position == .bottom }

    /// Message layouts built so far (cache misses), for tests and benchmarks.
    public var layoutsBuilt: Int { cache.layoutsBuilt }
    /// Bytes of streaming replies parsed and wrapped so far, for tests and benchmarks.
    public var streamingBytesLaidOut: Int { cache.streamingBytesLaidOut }

    /// Jumps back to the newest text.
    public func scrollToBottom() { position = .bottom }

    /// Handles PgUp/PgDn, Shift-Up/Down (one line), Ctrl-Home/End, and the mouse wheel.
    public func handle(_ event: KeyEvent, model: TranscriptModel) -> HandleResult {
        let page = max(1, pageHeight - 2)
        let delta: Int
        switch event {
        case .key(.pageUp, _): delta = -page
        case .key(.pageDown, _): delta = page
        case .key(.up, [.shift]): delta = -1
        case .key(.down, [.shift]): delta = 1
        case .mouse(let mouse) where mouse.kind == .wheelUp: delta = -3
        case .mouse(let mouse) where mouse.kind == .wheelDown: delta = 3
        case .key(.home, [.ctrl]):
            let old = position
            position = model.messages.isEmpty ? .bottom : .anchored(index: 0, key: model.messages[0].key, line: 0)
            return old == position ? .handled : .changed
        case .key(.end, [.ctrl]):
            let old = position
            position = .bottom
            return old == position ? .handled : .changed
        default:
            return .ignored
        }
        let old = position
        scroll(by: delta, model: model)
        return old == position ? .handled : .changed
    }

    /// Scrolls so that message `index` is on screen: left alone when it already is,
    /// otherwise with its first line at the top (or the view at the bottom when the
    /// message is within a page of the end).
    public func reveal(_ index: Int, model: TranscriptModel) {
        guard index >= 0, index < model.messages.count else { return }
        let width = lastWidth
        let top = topLine(model: model, width: width)
        let height = rows(index, model: model, width: width).count
        if (top.index, top.line) <= (index, 0) {
            // Visible when its header is within the page from the top line.
            var distance = 0
            var cursor = top
            while cursor.index < index {
                distance += rows(cursor.index, model: model, width: width).count - cursor.line
                cursor = (cursor.index + 1, 0)
            }
            if distance + min(height, pageHeight) <= pageHeight { return }
        }
        if linesBelow((index, 0), model: model, width: width, limit: pageHeight + 1) <= pageHeight {
            position = .bottom
        } else {
            position = .anchored(index: index, key: model.messages[index].key, line: 0)
        }
    }

    /// Scrolls by `lines` (negative = towards older messages).
    public func scroll(by lines: Int, model: TranscriptModel) {
        let width = lastWidth
        guard !model.messages.isEmpty else { position = .bottom; return }
        var top = topLine(model: model, width: width)
        if lines < 0 {
            top = move(top, by: lines, model: model, width: width)
            position = .anchored(index: top.index, key: model.messages[top.index].key, line: top.line)
        } else if lines > 0 {
            top = move(top, by: lines, model: model, width: width)
            if linesBelow(top, model: model, width: width, limit: pageHeight + 1) <= pageHeight {
                position = .bottom
            } else {
                position = .anchored(index: top.index, key: model.messages[top.index].key, line: top.line)
            }
        }
    }

    /// Draws the transcript into the painter's whole area.
    public func draw(_ model: TranscriptModel, in painter: Painter) {
        let before = painted
        painted = nil
        pageHeight = max(1, painter.height)
        lastWidth = painter.width
        guard painter.width > 0, painter.height > 0, !model.messages.isEmpty else { painter.fill(); return }
        let width = painter.width
        let signature = Signature(count: model.messages.count, first: model.messages.first?.key, last: model.messages.last?.key)
        if signature != lastSignature {
            // Another conversation, or messages added or removed: drop layouts no longer shown.
            cache.retain(only: Set(model.messages.map(\.key)))
            lastSignature = signature
        }
        var rows: [DisplayLine] = []
        rows.reserveCapacity(painter.height)
        if case .anchored = position, let start = validAnchor(model),
           linesBelow(start, model: model, width: width, limit: painter.height + 1) > painter.height {
            var cursor = start
            while rows.count < painter.height, cursor.index < model.messages.count {
                let message = self.rows(cursor.index, model: model, width: width)
                var i = min(cursor.line, message.count)
                while i < message.count && rows.count < painter.height {
                    rows.append(message[i])
                    i += 1
                }
                cursor = (cursor.index + 1, 0)
            }
        }
        if rows.isEmpty {
            // Not anchored, or the anchor is within a page of the end: follow the bottom.
            position = .bottom
            var index = model.messages.count - 1
            var reversed: [DisplayLine] = []
            reversed.reserveCapacity(painter.height)
            while reversed.count < painter.height && index >= 0 {
                let message = self.rows(index, model: model, width: width)
                var i = message.count - 1
                while i >= 0 && reversed.count < painter.height {
                    reversed.append(message[i])
                    i -= 1
                }
                index -= 1
            }
            rows = reversed.reversed()
        }
        let shown: [DisplayLine?] = (0..<painter.height).map { $0 < rows.count ? rows[$0] : nil }
        let arrow: Bool
        if case .anchored = position, width > 3 { arrow = true } else { arrow = false }
        let buffer = painter.buffer
        let kept = before.flatMap { before in
            before.clip == painter.clip && before.buffer === buffer && before.painting == buffer.paintings - 1
                && before.arrow == arrow ? before.rows : nil
        }
        for (y, row) in shown.enumerated() {
            // The arrow sits on the last row: that row is painted again with it.
            if let kept, kept[y] == row, !(arrow && y == painter.height - 1) {
                rowsKept += 1
                continue
            }
            rowsPainted += 1
            painter.fill(Rect(x: 0, y: y, width: width, height: 1))
            guard let row else { continue }
            painter.text(row.gutter.text, at: Point(x: 0, y: y), Style(row.gutter.slot))
            painter.sub(Rect(x: row.fullWidth ? 0 : TranscriptView.gutterWidth, y: y, width: width, height: 1))
                .line(row.line, at: .zero)
        }
        if arrow {
            painter.text(" ↓ ", at: Point(x: width - 3, y: painter.height - 1), Style(.statusBarAccent, background: .statusBar))
        }
        painted = PaintedRows(rows: shown, clip: painter.clip, buffer: buffer, painting: buffer.paintings, arrow: arrow)
    }

    /// Something was drawn over the view's rows (an overlay): the next frame paints them all.
    public func forgetPainted() { painted = nil }

    // MARK: Line addressing

    typealias LinePosition = (index: Int, line: Int)

    private func validAnchor(_ model: TranscriptModel) -> LinePosition? {
        guard case .anchored(let index, let key, let line) = position else { return nil }
        if index < model.messages.count, model.messages[index].key == key { return (index, line) }
        if let found = model.messages.firstIndex(where: { $0.key == key }) { return (found, line) }
        return nil
    }

    /// The message line currently at the top of the view.
    func topLine(model: TranscriptModel, width: Int) -> LinePosition {
        if let anchor = validAnchor(model), linesBelow(anchor, model: model, width: width, limit: pageHeight) >= pageHeight {
            return anchor
        }
        let last = model.messages.count - 1
        let end: LinePosition = (last, rows(last, model: model, width: width).count - 1)
        return move(end, by: -(pageHeight - 1), model: model, width: width)
    }

    /// Moves a line position by `delta` lines, clamped to the first and last line.
    func move(_ start: LinePosition, by delta: Int, model: TranscriptModel, width: Int) -> LinePosition {
        var (index, line) = start
        var remaining = delta
        while remaining < 0 {
            if line + remaining >= 0 { line += remaining; remaining = 0; break }
            remaining += line + 1
            if index == 0 { line = 0; break }
            index -= 1
            line = rows(index, model: model, width: width).count - 1
        }
        while remaining > 0 {
            let count = rows(index, model: model, width: width).count
            if line + remaining < count { line += remaining; remaining = 0; break }
            remaining -= count - line
            if index == model.messages.count - 1 { line = count - 1; break }
            index += 1
            line = 0
        }
        return (index, line)
    }

    /// Lines from `start` to the end, counting at most `limit`.
    func linesBelow(_ start: LinePosition, model: TranscriptModel, width: Int, limit: Int) -> Int {
        var total = 0
        var index = start.index, skip = start.line
        while index < model.messages.count && total < limit {
            total += max(0, rows(index, model: model, width: width).count - skip)
            skip = 0
            index += 1
        }
        return total
    }
}
