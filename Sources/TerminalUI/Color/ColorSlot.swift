/// A semantic colour: drawing code names *what* it draws, the ``Palette`` decides how it
/// looks. Themes override slots by their ``name`` (kebab-case, e.g. `user-name`).
public enum ColorSlot: String, CaseIterable, Hashable, Sendable {
    case text, dimText
    case userName, assistantName, systemName, timestamp
    case reasoning, interrupted
    case heading, emphasis, quote, link, listBullet, rule
    case inlineCode, codeBackground, codeText, codeKeyword, codeString, codeComment, codeNumber
    case cacheHit, cachePartial, cacheMiss, cacheHorizon
    case panelBackground, panelBorder, panelTitle, panelLabel, panelValue
    case statusBar, statusBarAccent
    case inputBackground, placeholder, cursor, selection
    case error, warning, success, spinner, sparkline
    case dialogBackground, dialogTitle, button, buttonFocused
    case helpKey, helpText

    /// The name used in theme files: the case name in kebab-case (`cacheHit` → `cache-hit`).
    public var name: String {
        var out = ""
        for ch in rawValue {
            if ch.isUppercase { out += "-" + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }

    /// Looks a slot up by its theme-file name. Accepts kebab-case, snake_case and camelCase.
    public init?(name: String) {
        let key = ColorSlot.normalized(name)
        guard let slot = ColorSlot.byNormalizedName[key] else { return nil }
        self = slot
    }

    private static func normalized(_ name: String) -> String {
        String(name.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " })
    }

    private static let byNormalizedName: [String: ColorSlot] = {
        var table: [String: ColorSlot] = [:]
        for slot in allCases { table[normalized(slot.rawValue)] = slot }
        return table
    }()

    /// One character per slot for style snapshots (``VirtualTerminal/styleSnapshot()``).
    /// `.` is plain ``text``; the letters are stable so golden files stay readable.
    public var snapshotCode: Character {
        switch self {
        case .text: "."
        case .dimText: "d"
        case .userName: "U"
        case .assistantName: "A"
        case .systemName: "S"
        case .timestamp: "t"
        case .reasoning: "r"
        case .interrupted: "!"
        case .heading: "H"
        case .emphasis: "e"
        case .quote: "q"
        case .link: "l"
        case .listBullet: "*"
        case .rule: "-"
        case .inlineCode: "`"
        case .codeBackground: "c"
        case .codeText: "C"
        case .codeKeyword: "K"
        case .codeString: "\""
        case .codeComment: "#"
        case .codeNumber: "0"
        case .cacheHit: "h"
        case .cachePartial: "p"
        case .cacheMiss: "m"
        case .cacheHorizon: "~"
        case .panelBackground: " "
        case .panelBorder: "|"
        case .panelTitle: "T"
        case .panelLabel: "L"
        case .panelValue: "V"
        case .statusBar: "s"
        case .statusBarAccent: "$"
        case .inputBackground: "i"
        case .placeholder: "?"
        case .cursor: "_"
        case .selection: "="
        case .error: "E"
        case .warning: "W"
        case .success: "+"
        case .spinner: "@"
        case .sparkline: "^"
        case .dialogBackground: "D"
        case .dialogTitle: "G"
        case .button: "b"
        case .buttonFocused: "B"
        case .helpKey: "k"
        case .helpText: "x"
        }
    }
}
