/// A modal message box with buttons ("Delete conversation?" [Delete] [Cancel]).
///
/// Left/Right/Tab move between buttons; Enter confirms the focused button (read
/// ``focused``); Esc cancels; `y`/`n` pick the first/last button directly.
///
/// Typing that is not an answer (any other character, or a paste: someone typing on
/// without looking at the screen) turns `y`, `n` and Enter off until an arrow or Tab shows
/// the dialog was seen: typed ahead, the `y` of a path would have replaced a file, its `n`
/// closed the dialog and sent the rest of the line as a question, and a second line's
/// Enter or leading `y` would have answered too. The dialog then says how to answer.
public struct Dialog: Hashable, Sendable {
    public var title: String
    public var message: String
    public var buttons: [String]
    public var focused: Int
    /// Draw the title and focused button in the error colours (destructive actions).
    public var destructive: Bool
    /// Typing that is no answer came in: `y`, `n` and Enter are not answers until an arrow
    /// or Tab.
    public private(set) var typedOn = false

    public init(title: String, message: String, buttons: [String] = ["OK", "Cancel"], focused: Int = 0,
                destructive: Bool = false) {
        self.title = title
        self.message = message
        self.buttons = buttons
        self.focused = focused
        self.destructive = destructive
    }

    public mutating func handle(_ event: KeyEvent) -> HandleResult {
        let old = focused
        switch event {
        case .key(.left, _), .key(.tab, [.shift]):
            typedOn = false
            focused = max(0, focused - 1)
        case .key(.right, _), .key(.tab, []):
            typedOn = false
            focused = min(buttons.count - 1, focused + 1)
        case .key(.enter, _):
            return typedOn ? .handled : [.handled, .confirm]
        case .key(.escape, _), .char("c", [.ctrl]): return [.handled, .cancel]
        case .char(let character, let modifiers) where typedOn || !"yYnN".contains(character) || !modifiers.isEmpty:
            if modifiers.isSubset(of: [.shift]) && !typedOn {
                typedOn = true
                return [.handled, .redraw]
            }
            return .handled
        case .paste:
            let first = !typedOn
            typedOn = true
            return first ? [.handled, .redraw] : .handled
        case .char("y", []), .char("Y", []):
            focused = 0
            return [.handled, .confirm, .redraw]
        case .char("n", []), .char("N", []):
            focused = max(0, buttons.count - 1)
            return [.handled, .confirm, .redraw]
        default: return .handled  // modal: swallow everything else
        }
        return old == focused ? .handled : .changed
    }

    /// Draws the dialog centred in the painter's area (its size adapts to the text).
    public func draw(in painter: Painter) {
        let maxWidth = min(painter.width, 60)
        guard maxWidth >= 6, painter.height >= 3 else {
            painter.truncated(title, at: .zero, width: painter.width, Style(.dialogTitle, background: .dialogBackground))
            return
        }
        let textWidth = maxWidth - 4
        let shown = typedOn ? message + "\n\nTyping is not an answer here: ← or → first, then Enter (Esc cancels)." : message
        let lines = TextWrap.wrap(shown, width: textWidth)
        let buttonRow = buttons.map { "[ " + $0 + " ]" }.joined(separator: " ")
        let contentWidth = max(lines.map(DisplayWidth.of).max() ?? 0, DisplayWidth.of(buttonRow), DisplayWidth.of(title) + 2)
        let height = min(painter.height, lines.count + 4)
        let box = painter.sub(Layout.centered(Size(width: min(maxWidth, contentWidth + 4), height: height), in: painter.bounds))
        let bg = ColorSlot.dialogBackground
        box.fill(nil, Style(.dialogBackground, background: bg))
        box.box(title: title, Style(.panelBorder, background: bg),
                titleStyle: Style(destructive ? .error : .dialogTitle, background: bg))
        for (index, line) in lines.prefix(max(0, height - 4)).enumerated() {
            box.text(line, at: Point(x: 2, y: index + 1), Style(.dialogBackground, background: bg))
        }
        var x = max(2, (box.width - DisplayWidth.of(buttonRow)) / 2)
        for (index, button) in buttons.enumerated() {
            let slot: ColorSlot = index == focused ? (destructive ? .error : .buttonFocused) : .button
            let style = Style(slot, background: index == focused ? .buttonFocused : .button)
            x = box.text("[ " + button + " ]", at: Point(x: x, y: box.height - 2), style) + 1
        }
    }
}
