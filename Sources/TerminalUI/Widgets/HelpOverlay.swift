/// The key table shown by F1 / `?`: sections of (keys, description) rows in a centred box.
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

    public init(title: String = "Keys", sections: [Section]) {
        self.title = title
        self.sections = sections
    }

    public mutating func handle(_ event: KeyEvent) -> HandleResult {
        let old = scroll
        switch event {
        case .key(.up, _): scroll = max(0, scroll - 1)
        case .key(.down, _): scroll += 1
        case .key(.pageUp, _): scroll = max(0, scroll - 10)
        case .key(.pageDown, _): scroll += 10
        case .mouse: return .handled
        default: return [.handled, .cancel]
        }
        scroll = min(scroll, max(0, lineCount - 1))
        return old == scroll ? .handled : .changed
    }

    var lineCount: Int { sections.reduce(0) { $0 + $1.rows.count + 2 } }

    /// Draws the table centred in the painter's area.
    public func draw(in painter: Painter) {
        let keyWidth = min(18, sections.flatMap { $0.rows.map { DisplayWidth.of($0.keys) } }.max() ?? 0)
        let actionWidth = sections.flatMap { $0.rows.map { DisplayWidth.of($0.action) } }.max() ?? 0
        let size = Size(width: min(painter.width, keyWidth + actionWidth + 7), height: min(painter.height, lineCount + 1))
        let box = painter.sub(Layout.centered(size, in: painter.bounds))
        let bg = ColorSlot.dialogBackground
        box.fill(nil, Style(.helpText, background: bg))
        box.box(title: title, Style(.panelBorder, background: bg), titleStyle: Style(.dialogTitle, background: bg))
        let inner = box.width >= 4 && box.height >= 3 ? box.sub(box.bounds.inset(top: 1, left: 2, bottom: 1, right: 1)) : box
        var lines: [StyledLine] = []
        for (index, section) in sections.enumerated() {
            if index > 0 { lines.append(StyledLine()) }
            lines.append(StyledLine(section.title, Style(.panelTitle, background: bg)))
            for row in section.rows {
                var line = StyledLine(TextWrap.pad(row.keys, to: keyWidth) + "  ", Style(.helpKey, background: bg))
                line.append(row.action, Style(.helpText, background: bg))
                lines.append(line)
            }
        }
        for (y, line) in lines.dropFirst(min(scroll, max(0, lines.count - inner.height))).prefix(inner.height).enumerated() {
            inner.line(line, at: Point(x: 0, y: y))
        }
    }
}
