/// A selectable, filterable list (conversations, few-shot sets, models, themes).
///
/// Typing filters (every space-separated word must occur, case-insensitively);
/// Backspace edits the filter; Up/Down/Ctrl-P/Ctrl-N/PgUp/PgDn/Home/End move the
/// selection; Enter confirms (read ``selectedItem``); Esc cancels.
public struct ListPanel: Sendable {
    public struct Item: Hashable, Sendable {
        public var id: String
        public var title: String
        /// Dim text after the title (date, token count, …).
        public var detail: String

        public init(id: String, title: String, detail: String = "") {
            self.id = id
            self.title = title
            self.detail = detail
        }
    }

    public var title: String
    public var items: [Item] { didSet { clampSelection() } }
    public private(set) var filter = ""
    /// Index into ``visibleItems``.
    public private(set) var selection = 0
    /// Rows the last draw had for items (page size for PgUp/PgDn).
    public var pageSize = 10

    public init(title: String, items: [Item], filter: String = "") {
        self.title = title
        self.items = items
        self.filter = filter
    }

    /// Items that match the filter, in their original order.
    public var visibleItems: [Item] {
        let words = filter.lowercased().split(separator: " ")
        guard !words.isEmpty else { return items }
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
        pageSize = max(1, rows)
        let visible = visibleItems
        if visible.isEmpty && rows > 0 {
            inner.text("no matches", at: Point(x: 0, y: 1), Style(.dimText, background: bg))
            return
        }
        let first = rows > 0 ? max(0, min(selection - rows + 1, visible.count - rows)) : 0
        for (offset, item) in visible.dropFirst(first).prefix(max(0, rows)).enumerated() {
            let selected = first + offset == selection
            let style = selected ? Style(.text, background: .selection, attributes: .bold) : Style(.text, background: bg)
            let y = offset + 1
            inner.fill(Rect(x: 0, y: y, width: inner.width, height: 1), style)
            let end = inner.truncated((selected ? "▸ " : "  ") + item.title, at: Point(x: 0, y: y), width: inner.width, style)
            if !item.detail.isEmpty, end + 2 + DisplayWidth.of(item.detail) <= inner.width {
                inner.text(item.detail, at: Point(x: inner.width - DisplayWidth.of(item.detail), y: y),
                           Style(.dimText, background: selected ? .selection : bg))
            }
        }
    }
}
