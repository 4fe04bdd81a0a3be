/// Modifier keys held with a key or mouse event.
public struct Modifiers: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let shift = Modifiers(rawValue: 1 << 0)
    public static let alt = Modifiers(rawValue: 1 << 1)
    public static let ctrl = Modifiers(rawValue: 1 << 2)
    public static let meta = Modifiers(rawValue: 1 << 3)

    /// From the xterm modifier parameter (`1 + bits`, bits: 1 shift, 2 alt, 4 ctrl, 8 meta).
    init(xtermParameter p: Int) {
        let bits = max(0, p - 1)
        var m: Modifiers = []
        if bits & 1 != 0 { m.insert(.shift) }
        if bits & 2 != 0 { m.insert(.alt) }
        if bits & 4 != 0 { m.insert(.ctrl) }
        if bits & 8 != 0 { m.insert(.meta) }
        self = m
    }
}

/// A named (non-text) key.
public enum Key: Hashable, Sendable {
    case enter, tab, backspace, escape
    case up, down, left, right
    case home, end, pageUp, pageDown, insert, delete
    /// F1…F12.
    case function(Int)
}

/// A mouse report (SGR protocol). Columns and rows are zero-based.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A button went down: 0 left, 1 middle, 2 right.
        case press(button: Int)
        case release(button: Int)
        /// Motion with a button held.
        case drag(button: Int)
        case wheelUp, wheelDown
    }

    public var kind: Kind
    public var position: Point
    public var modifiers: Modifiers

    public init(_ kind: Kind, at position: Point, modifiers: Modifiers = []) {
        self.kind = kind
        self.position = position
        self.modifiers = modifiers
    }
}

/// One decoded input event.
public enum KeyEvent: Hashable, Sendable, CustomStringConvertible {
    /// A character, one Unicode scalar per event (the editor's String joins clusters).
    /// Ctrl-letters arrive as `.char("a", [.ctrl])`; Alt-x as `.char("x", [.alt])`.
    case char(Character, Modifiers)
    /// A named key with modifiers (Shift-Enter is `.key(.enter, [.shift])`).
    case key(Key, Modifiers)
    /// Bracketed paste: the pasted text verbatim (newlines and ESC included).
    case paste(String)
    case mouse(MouseEvent)

    /// A plain character without modifiers.
    public static func char(_ c: Character) -> KeyEvent { .char(c, []) }
    /// A named key without modifiers.
    public static func key(_ k: Key) -> KeyEvent { .key(k, []) }
    /// A Ctrl-letter, e.g. `.ctrl("a")`.
    public static func ctrl(_ c: Character) -> KeyEvent { .char(c, [.ctrl]) }
    /// An Alt-character, e.g. `.alt("b")`.
    public static func alt(_ c: Character) -> KeyEvent { .char(c, [.alt]) }

    /// The same key without Alt, for an Alt-key (Esc then the key typed at once); nil
    /// for any other event.
    public var withoutAlt: KeyEvent? {
        switch self {
        case .char(let c, let m) where m.contains(.alt): .char(c, m.subtracting(.alt))
        case .key(let k, let m) where m.contains(.alt): .key(k, m.subtracting(.alt))
        default: nil
        }
    }

    public var description: String {
        func prefix(_ m: Modifiers) -> String {
            (m.contains(.ctrl) ? "C-" : "") + (m.contains(.alt) ? "M-" : "") + (m.contains(.shift) ? "S-" : "")
                + (m.contains(.meta) ? "Meta-" : "")
        }
        switch self {
        case .char(let c, let m): return prefix(m) + (c == " " ? "Space" : String(c).unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())
        case .key(let k, let m): return prefix(m) + "\(k)"
        case .paste(let s): return "paste(\(s.debugDescription))"
        case .mouse(let e): return "mouse(\(e.kind) \(e.position)\(e.modifiers.isEmpty ? "" : " " + prefix(e.modifiers)))"
        }
    }
}
