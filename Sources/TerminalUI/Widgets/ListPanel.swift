/// A selectable, filterable list (conversations, few-shot sets, models, themes).
///
/// Typing filters (every space-separated word must occur, case-insensitively), or, when
/// the owner searches itself (``filtersLocally`` false), only edits the filter and the
/// owner replaces ``items``; Backspace edits the filter; Up/Down/Ctrl-P/Ctrl-N/PgUp/PgDn/
/// Home/End move the selection; Enter confirms (read ``selectedItem``); Esc cancels.
/// An item with a ``Item/context`` takes two rows: its title, and the context under it.
public struct ListPanel: Sendable {
    public struct Item: Hashable, Sendable {
        public var id: String
        public var title: String
        /// Dim text after the title (date, token count, …).
        public var detail: String
        /// What to highlight in `title` (a search's words), as ranges of characters.
        public var titleMarks: [Range<Int>]
        /// A second, dim line (a search match in context); empty for none.
        public var context: String
        /// What to highlight in `context`, as ranges of characters.
        public var contextMarks: [Range<Int>]

        public init(id: String, title: String, detail: String = "", titleMarks: [Range<Int>] = [],
                    context: String = "", contextMarks: [Range<Int>] = []) {
            self.id = id
            self.title = title
            self.detail = detail
            self.titleMarks = titleMarks
            self.context = context
            self.contextMarks = contextMarks
        }

        /// Rows the item takes.
        var height: Int { context.isEmpty ? 1 : 2 }
    }

    public var title: String
    public var items: [Item] { didSet { clampSelection() } }
    public private(set) var filter = ""
    /// False when the owner filters: typing edits ``filter`` and every item stays visible.
    public var filtersLocally = true
    /// Index into ``visibleItems``.
    public private(set) var selection = 0
    /// Items the last draw showed (page size for PgUp/PgDn).
    public var pageSize = 10

    public init(title: String, items: [Item], filter: String = "") {
        self.title = title
        self.items = items
        self.filter = filter
    }

    /// Items that match the filter, in their original order.
    public var visibleItems: [Item] {
        let words = filter.lowercased().split(separator: " ")
        guard filtersLocally, !words.isEmpty else { return items }
        return items.filter { item in
            let haystack = (item.title + " " + item.detail).lowercased()
            return words.allSatisfy { haystack.contains($0) }
        }
    }

    public var selectedItem: Item? {
        let visible = visibleItems
        return visible.indices.contains(selection) ? visible[selection] : nil
    }

    public mutating func handle(_ event: KeyEvent) -> HandleResult {
        let count = visibleItems.count
        let old = (selection, filter)
        switch event {
        case .key(.up, []), .char("p", [.ctrl]): selection = max(0, selection - 1)
        case .key(.down, []), .char("n", [.ctrl]): selection = min(max(0, count - 1), selection + 1)
        case .key(.pageUp, _): selection = max(0, selection - pageSize)
        case .key(.pageDown, _): selection = min(max(0, count - 1), selection + pageSize)
        case .key(.home, _): selection = 0
        case .key(.end, _): selection = max(0, count - 1)
        case .key(.enter, []): return selectedItem == nil ? .handled : [.handled, .confirm]
        case .key(.escape, _), .char("c", [.ctrl]), .char("g", [.ctrl]): return [.handled, .cancel]
        case .key(.backspace, _):
            if !filter.isEmpty { filter.removeLast() }
            clampSelection()
        case .char("u", [.ctrl]):
            filter = ""
            clampSelection()
        case .char(let c, let mods) where mods.isEmpty || mods == [.shift]:
            filter.append(c)
            selection = 0
        case .paste(let text):
            filter += text.filter { $0 != "\n" && $0 != "\r" }
            selection = 0
        default: return .ignored
        }
        return old == (selection, filter) ? .handled : .changed
    }

    private mutating func clampSelection() {
        selection = min(selection, max(0, visibleItems.count - 1))
    }

    /// Draws a bordered box with the title, the filter line and the visible items.
    public mutating func draw(in painter: Painter) {
        painter.fill(nil, Style(.text, background: .dialogBackground))
        painter.box(title: title, Style(.panelBorder, background: .dialogBackground),
                    titleStyle: Style(.dialogTitle, background: .dialogBackground))
        let inner = painter.width >= 4 && painter.height >= 3
            ? painter.sub(painter.bounds.inset(top: 1, left: 2, bottom: 1, right: 2)) : painter
        guard inner.height > 0, inner.width > 0 else { return }
        let bg = ColorSlot.dialogBackground
        inner.text("/ ", at: .zero, Style(.helpKey, background: bg))
        if filter.isEmpty {
            inner.text("type to filter", at: Point(x: 2, y: 0), Style(.placeholder, background: bg))
        } else {
            inner.truncated(filter, at: Point(x: 2, y: 0), width: inner.width - 2, Style(.text, background: bg))
        }
        let rows = inner.height - 1
        let visible = visibleItems
        if visible.isEmpty && rows > 0 {
            inner.text("no matches", at: Point(x: 0, y: 1), Style(.dimText, background: bg))
            return
        }
        // The first item shown: the selection stays on screen, as low as it can be.
        var first = min(selection, visible.count - 1)
        var used = visible.isEmpty ? 0 : visible[first].height
        while first > 0, used + visible[first - 1].height <= rows {
            first -= 1
            used += visible[first].height
        }
        var y = 1
        var shown = 0
        for (offset, item) in visible.dropFirst(first).enumerated() {
            // Whole items only, but the selection is shown even where it does not fit.
            guard y <= rows, shown == 0 || y + item.height - 1 <= rows else { break }
            let selected = first + offset == selection
            let background: ColorSlot = selected ? .selection : bg
            let style = selected ? Style(.text, background: .selection, attributes: .bold) : Style(.text, background: bg)
            let mark = Style(.helpKey, background: background, attributes: .underline)
            inner.fill(Rect(x: 0, y: y, width: inner.width, height: item.height), style)
            // A long title gives way to the details (date, size) down to half the width: they
            // are what tells two similar titles apart.
            let detailWidth = DisplayWidth.of(item.detail)
            let titleWidth = item.detail.isEmpty || detailWidth + 2 > inner.width / 2 ? inner.width : inner.width - detailWidth - 2
            let end = inner.line(Self.marked((selected ? "▸ " : "  ") + item.title, marks: item.titleMarks, offset: 2,
                                             width: titleWidth, style, mark), at: Point(x: 0, y: y))
            if !item.detail.isEmpty, end + 2 + detailWidth <= inner.width {
                inner.text(item.detail, at: Point(x: inner.width - DisplayWidth.of(item.detail), y: y),
                           Style(.dimText, background: background))
            }
            if !item.context.isEmpty {
                inner.line(Self.marked("    " + item.context, marks: item.contextMarks, offset: 4, width: inner.width,
                                       Style(.dimText, background: background), mark), at: Point(x: 0, y: y + 1))
            }
            y += item.height
            shown += 1
        }
        pageSize = max(1, shown)
    }

    /// `text` cut to `width` cells with "…", the characters in `marks` (counted from
    /// `offset`, the length of a prefix the marks do not know about) in `markStyle`.
    static func marked(_ text: String, marks: [Range<Int>], offset: Int, width: Int, _ style: Style,
                       _ markStyle: Style) -> StyledLine {
        let fitted = TextWrap.truncate(text, to: width)
        guard !marks.isEmpty else { return StyledLine(fitted, style) }
        var line = StyledLine()
        var markIndex = 0
        // An ellipsis added by truncation is never marked.
        let kept = fitted == text ? fitted.count : fitted.count - 1
        for (index, character) in fitted.enumerated() {
            let position = index - offset
            while markIndex < marks.count, marks[markIndex].upperBound <= position { markIndex += 1 }
            let isMarked = index < kept && markIndex < marks.count && marks[markIndex].contains(position)
            line.append(String(character), isMarked ? markStyle : style)
        }
        return line
    }
}
