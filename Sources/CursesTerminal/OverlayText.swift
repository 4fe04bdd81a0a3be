import TerminalUI

/// The bytes that write one cell directly to the terminal, bypassing curses (for grapheme
/// clusters curses cannot hold). Pure, so it is tested without a terminal.
enum OverlayText {
    /// Moves to (x, y) (0-based), sets the style and writes `text`.
    static func cell(_ text: String, x: Int, y: Int, sgr: String) -> String {
        "\u{1B}[\(y + 1);\(x + 1)H" + sgr + text
    }

    /// SGR for curses colour numbers: -1 is the terminal default, 0–15 the ANSI colours,
    /// 16–255 the 256-colour cube, above that 24-bit RGB (ncurses' direct colour).
    static func sgr(attributes: TextAttributes, foreground: Int32, background: Int32) -> String {
        var codes = ["0"]
        if attributes.contains(.bold) { codes.append("1") }
        if attributes.contains(.dim) { codes.append("2") }
        if attributes.contains(.italic) { codes.append("3") }
        if attributes.contains(.underline) { codes.append("4") }
        if attributes.contains(.reverse) { codes.append("7") }
        codes.append(color(foreground, base: 30, bright: 90, extended: 38))
        codes.append(color(background, base: 40, bright: 100, extended: 48))
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    private static func color(_ n: Int32, base: Int, bright: Int, extended: Int) -> String {
        switch n {
        case ..<0: "\(base + 9)"
        case 0..<8: "\(base + Int(n))"
        case 8..<16: "\(bright + Int(n) - 8)"
        case 16..<256: "\(extended);5;\(n)"
        default: "\(extended);2;\((n >> 16) & 0xFF);\((n >> 8) & 0xFF);\(n & 0xFF)"
        }
    }
}
