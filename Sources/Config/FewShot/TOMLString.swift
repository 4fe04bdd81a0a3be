/// Writes TOML strings that read back to exactly the same text.
enum TOMLString {
    /// A basic string (`"…"`) for single-line text, a multi-line basic string otherwise.
    static func quoted(_ text: String) -> String {
        text.contains("\n") ? multiLine(text) : "\"" + escaped(text, multiLine: false) + "\""
    }

    /// `"""` + newline (which TOML drops) + the text + `"""`. Newlines and tabs stay raw so the
    /// file reads like the text; everything TOML forbids or that would be invisible is escaped.
    static func multiLine(_ text: String) -> String {
        "\"\"\"\n" + escaped(text, multiLine: true) + "\"\"\""
    }

    static func escaped(_ text: String, multiLine: Bool) -> String {
        var out = ""
        var quoteRun = 0
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\"" {
                // A raw quote is fine unless it would make `"""` or touch the closing delimiter.
                let last = index == scalars.count - 1
                if multiLine && quoteRun < 2 && !last {
                    out.unicodeScalars.append(scalar)
                    quoteRun += 1
                } else {
                    out += "\\\""
                    quoteRun = 0
                }
                continue
            }
            quoteRun = 0
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += multiLine ? "\n" : "\\n"
            case "\t": out += "\t"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || invisible.contains(scalar.value) {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Characters that look like nothing or like a space: written as `\uXXXX` so a reader sees them.
    static let invisible: Set<UInt32> = [0x00A0, 0x00AD, 0x2007, 0x200B, 0x200C, 0x200D, 0x2028, 0x2029, 0x202F, 0x2060, 0xFEFF]

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
