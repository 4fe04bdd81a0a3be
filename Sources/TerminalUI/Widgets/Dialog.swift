/// A modal message box with buttons ("Delete conversation?" [Delete] [Cancel]).
///
/// Left/Right/Tab move between buttons; Enter confirms the focused button (read
/// ``focused``); Esc cancels; `y`/`n` pick the first/last button directly.
///
/// Typing that is not an answer (any other character: someone typing on without looking
/// at the screen) turns the letters and the next Enter off: typed ahead, the `y` of a path
/// would have replaced a file, its `n` closed the dialog and sent the rest of the line as a
/// question. The Enter that ends such a line is swallowed; then Enter, `y` and `n` answer
/// again (an arrow or Tab at once).
public struct Dialog: Hashable, Sendable {
    public var title: String
    public var message: String
    public var buttons: [String]
    public var focused: Int
    /// Draw the title and focused button in the error colours (destructive actions).
    public var destructive: Bool
    /// A character that is no answer came in: `y`, `n` and the next Enter are not answers.
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
            if typedOn {
                typedOn = false
                return .handled
            }
            return [.handled, .confirm]
        case .key(.escape, _), .char("c", [.ctrl]): return [.handled, .cancel]
        case .char(let character, let modifiers) where typedOn || !"yYnN".contains(character) || !modifiers.isEmpty:
            if modifiers.isSubset(of: [.shift]) { typedOn = true }
            return .handled
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
        let lines = TextWrap.wrap(message, width: textWidth)
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
