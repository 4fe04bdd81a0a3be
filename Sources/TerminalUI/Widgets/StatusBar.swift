/// The one-row status bar: items on the left (endpoint, model, thinking mode), key hints
/// on the right. When space runs out, hints go first (from the last), then the left items
/// are truncated from the last one with "…".
public struct StatusBarModel: Hashable, Sendable {
    /// A left-side item; accented items use ``ColorSlot/statusBarAccent``.
    public struct Item: Hashable, Sendable {
        public var text: String
        public var accent: Bool
        public init(_ text: String, accent: Bool = false) {
            self.text = text
            self.accent = accent
        }
    }

    /// A key hint: "^C quit".
    public struct Hint: Hashable, Sendable {
        public var key: String
        public var label: String
        public init(_ key: String, _ label: String) {
            self.key = key
            self.label = label
        }
    }

    public var left: [Item]
    public var hints: [Hint]

    public init(left: [Item] = [], hints: [Hint] = []) {
        self.left = left
        self.hints = hints
    }
}

public enum StatusBar {
    /// Draws the bar into the first row of the painter.
    public static func draw(_ model: StatusBarModel, in painter: Painter) {
        let base = Style(.statusBar, background: .statusBar)
        painter.fill(Rect(x: 0, y: 0, width: painter.width, height: 1), base)
        guard painter.width > 0 else { return }
        let width = painter.width
        let separator = " │ "
        let leftTexts = model.left.map(\.text)
        let leftWidth = leftTexts.isEmpty ? 0 : 1 + leftTexts.map(DisplayWidth.of).reduce(0, +) + DisplayWidth.of(separator) * (leftTexts.count - 1)
        // Keep as many hints as fit next to the whole left side (plus a gap).
        var hints = model.hints
        func hintsWidth(_ h: [StatusBarModel.Hint]) -> Int {
            h.isEmpty ? 0 : h.map { DisplayWidth.of($0.key) + 1 + DisplayWidth.of($0.label) }.reduce(0, +) + 2 * (h.count - 1) + 1
        }
        while !hints.isEmpty && leftWidth + 2 + hintsWidth(hints) > width { hints.removeLast() }
        var x = 1
        let leftLimit = width - (hints.isEmpty ? 0 : hintsWidth(hints) + 2)
        for (index, item) in model.left.enumerated() {
            if index > 0 {
                guard x + DisplayWidth.of(separator) < leftLimit else { break }
                x = painter.text(separator, at: Point(x: x, y: 0), base)
            }
            let room = leftLimit - x
            guard room > 0 else { break }
            let style = item.accent ? Style(.statusBarAccent, background: .statusBar) : base
            x = painter.text(TextWrap.truncate(item.text, to: room), at: Point(x: x, y: 0), style)
        }
        var hx = width - hintsWidth(hints)
        for hint in hints {
            hx = painter.text(hint.key, at: Point(x: hx, y: 0), Style(.statusBarAccent, background: .statusBar))
            hx = painter.text(" " + hint.label + "  ", at: Point(x: hx, y: 0), base)
        }
    }
}
