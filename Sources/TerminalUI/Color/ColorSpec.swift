/// The raw, unvalidated look of one slot as written in a theme file: colour strings and
/// attribute names. ``Theme/init(name:overrides:)`` validates it.
///
/// Colour strings: `"#RRGGBB"`, `"#RGB"`, `"color0"`…`"color255"`, the ANSI names
/// `black red green yellow blue magenta cyan white`, their `bright-` forms
/// (`"bright-blue"`), and `"default"` (the terminal's own colour).
/// Attribute names: `bold dim italic underline reverse`; an empty list clears the base's.
public struct ColorSpec: Hashable, Sendable {
    public var foreground: String?
    public var background: String?
    public var attributes: [String]?
    /// Attributes used instead when the terminal is monochrome (`NO_COLOR`).
    public var monochrome: [String]?

    public init(fg: String? = nil, bg: String? = nil, attributes: [String]? = nil, monochrome: [String]? = nil) {
        self.foreground = fg
        self.background = bg
        self.attributes = attributes
        self.monochrome = monochrome
    }

    /// Parses one colour string; the error says what is wrong with it.
    public static func parseColor(_ text: String) -> Result<Color, ThemeError.Problem> {
        let s = trimmed(text).lowercased()
        if s == "default" || s == "none" { return .success(.default) }
        if s.hasPrefix("#") {
            var hex = String(s.dropFirst())
            if hex.count == 3 { hex = hex.map { "\($0)\($0)" }.joined() }
            guard hex.count == 6, let value = UInt32(hex, radix: 16) else {
                return .failure(.badColor(text, "expected #RRGGBB or #RGB with hex digits"))
            }
            return .success(.rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)))
        }
        if s.hasPrefix("color") {
            guard let n = Int(s.dropFirst(5)), (0...255).contains(n) else {
                return .failure(.badColor(text, "expected color0 … color255"))
            }
            return .success(n < 16 ? .ansi(UInt8(n)) : .indexed(UInt8(n)))
        }
        let bright = s.hasPrefix("bright-") || s.hasPrefix("bright_")
        let base = bright ? String(s.dropFirst(7)) : s
        if let index = Color.ansiNames.firstIndex(of: base) {
            return .success(.ansi(UInt8(index + (bright ? 8 : 0))))
        }
        return .failure(.badColor(text, "expected #RRGGBB, colorN, a colour name like \"red\" or \"bright-blue\", or \"default\""))
    }

    /// Parses attribute names into a set; the error names the first unknown one.
    public static func parseAttributes(_ names: [String]) -> Result<TextAttributes, ThemeError.Problem> {
        var set: TextAttributes = []
        for name in names {
            let key = trimmed(name).lowercased()
            guard let match = TextAttributes.names.first(where: { $0.0 == key }) else {
                return .failure(.badAttribute(name))
            }
            set.insert(match.1)
        }
        return .success(set)
    }
}

/// `text` without spaces and tabs around it (by scalars: reversing Characters made parsing
/// the shipped themes a third of the TUI's theme loading).
private func trimmed(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
          let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
    if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
    return String(scalars[first...last])
}
