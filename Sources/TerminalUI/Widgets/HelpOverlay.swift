/// The key table shown by F1 / `/help`: sections of (keys, description) rows in a centred box.
/// Up/Down/PgUp/PgDn scroll a long table; any other key closes it (`.cancel`).
public struct HelpOverlay: Hashable, Sendable {
    public struct Section: Hashable, Sendable {
        public var title: String
        public var rows: [(keys: String, action: String)]

        public init(_ title: String, _ rows: [(String, String)]) {
            self.title = title
            self.rows = rows.map { (keys: $0.0, action: $0.1) }
        }

        public static func == (a: Section, b: Section) -> Bool {
            a.title == b.title && a.rows.map(\.keys) == b.rows.map(\.keys) && a.rows.map(\.action) == b.rows.map(\.action)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(title)
            for row in rows { hasher.combine(row.keys); hasher.combine(row.action) }
        }
    }

    public var title: String
    public var sections: [Section]
    public private(set) var scroll = 0
    /// The screen the overlay is drawn on: scrolling is clamped to what that size shows.
    public var screen = Size(width: 80, height: 24)

    public init(title: String = "Keys", sections: [Section]) {
        self.title = title
        self.sections = sections
    }

    public mutating func handle(_ event: KeyEvent) -> HandleResult {
        let old = scroll
        let page = max(1, Self.box(for: self, in: screen).height - 3)
        switch event {
        case .key(.up, _): scroll -= 1
        case .key(.down, _): scroll += 1
        case .key(.pageUp, _): scroll -= page
        case .key(.pageDown, _), .char(" ", []): scroll += page
        case .key(.home, _): scroll = 0
        case .key(.end, _): scroll = Int.max / 2
        case .mouse(let mouse) where mouse.kind == .wheelUp: scroll -= 3
        case .mouse(let mouse) where mouse.kind == .wheelDown: scroll += 3
        case .mouse: return .handled
        default: return [.handled, .cancel]
        }
        scroll = min(max(0, scroll), maxScroll)
        return old == scroll ? .handled : .changed
    }

    /// The last scroll position that still fills the box.
    var maxScroll: Int {
        let box = Self.box(for: self, in: screen)
        return max(0, lines(width: max(1, box.width - 3)).count - max(1, box.height - 2))
    }

    /// Width of the keys column: the common key names, longer ones get their own line.
    var keyWidth: Int { min(22, sections.flatMap { $0.rows.map { DisplayWidth.of($0.keys) } }.max() ?? 0) }

    /// The box for a screen: as wide as the longest row needs, at most the screen.
    static func box(for help: HelpOverlay, in size: Size) -> Size {
        let actionWidth = help.sections.flatMap { $0.rows.map { DisplayWidth.of($0.action) } }.max() ?? 0
        let width = min(size.width, help.keyWidth + actionWidth + 7)
        let lineCount = help.lines(width: max(1, width - 3)).count
        return Size(width: width, height: min(size.height, lineCount + 2))
    }

    /// Every row laid out for `width` columns: an action too long for its column wraps
    /// under itself, a key too long for its column gets a line of its own.
    func lines(width: Int) -> [StyledLine] {
        let bg = ColorSlot.dialogBackground
        let keys = min(keyWidth, max(1, width / 3))
        let actionWidth = max(8, width - keys - 2)
        var out: [StyledLine] = []
        for (index, section) in sections.enumerated() {
            if index > 0 { out.append(StyledLine()) }
            out.append(StyledLine(section.title, Style(.panelTitle, background: bg)))
            for row in section.rows {
                let wrapped = TextWrap.wrap(StyledLine(row.action, Style(.helpText, background: bg)), width: actionWidth)
                var first = true
                if DisplayWidth.of(row.keys) > keys {
                    out += TextWrap.wrap(StyledLine(row.keys, Style(.helpKey, background: bg)), width: width)
                    first = false
                }
                for part in wrapped {
                    var line = StyledLine(TextWrap.pad(first ? row.keys : "", to: keys) + "  ", Style(.helpKey, background: bg))
                    line.append(part)
                    out.append(line)
                    first = false
                }
            }
        }
        return out
    }

    /// Draws the table centred in the painter's area, with its position when it scrolls.
    public func draw(in painter: Painter) {
        let size = Self.box(for: self, in: painter.bounds.size)
        let box = painter.sub(Layout.centered(size, in: painter.bounds))
        let bg = ColorSlot.dialogBackground
        box.fill(nil, Style(.helpText, background: bg))
        box.box(title: title, Style(.panelBorder, background: bg), titleStyle: Style(.dialogTitle, background: bg))
        guard box.width >= 4 && box.height >= 3 else { return }
        let inner = box.sub(box.bounds.inset(top: 1, left: 2, bottom: 1, right: 1))
        let all = lines(width: inner.width)
        let first = min(scroll, max(0, all.count - inner.height))
        for (y, line) in all.dropFirst(first).prefix(inner.height).enumerated() {
            inner.line(line, at: Point(x: 0, y: y))
        }
        // The bottom border says where you are and how to move.
        let footer = all.count > inner.height
            ? " \(first + 1)–\(min(all.count, first + inner.height)) of \(all.count) · ↑↓ PgUp PgDn · Esc "
            : " Esc closes "
        if DisplayWidth.of(footer) + 4 <= box.width {
            box.text(footer, at: Point(x: box.width - DisplayWidth.of(footer) - 2, y: box.height - 1), Style(.dialogTitle, background: bg))
        }
    }
}
