/// Makes untrusted text (model output, file contents) safe to write to a terminal.
///
/// Removed: escape sequences (CSI, OSC such as OSC 52 clipboard writes and title changes,
/// DCS, SOS, PM, APC, and two-byte escapes), C0 controls other than newline and tab, DEL,
/// C1 controls (including the 8-bit CSI U+009B and OSC U+009D), bidirectional controls
/// (embeddings, overrides, isolates and the LRM/RLM/ALM marks), invisible characters
/// that only hide text (zero-width space, word joiner, invisible operators, BOM, Mongolian
/// vowel separator, language tag) and Unicode tag characters except inside an emoji tag
/// sequence (🏴 + tags, the flags of England, Scotland and Wales). ZWJ and ZWNJ stay:
/// emoji sequences and several scripts need them. Line and paragraph separators become
/// newlines. So a reply can never move the cursor, recolour the screen, change the window
/// title, write the clipboard, reorder what the user reads or hide text in plain sight
/// (docs/DECISIONS.md 14).
///
/// It is a streaming state machine: an escape sequence split across two deltas is still
/// removed whole, and cleaning the deltas one by one gives the same text as cleaning the
/// whole reply. A sequence ends where a terminal would end it, or earlier at a byte that
/// cannot belong to it (CAN, SUB, a newline in a string, text in a CSI), so a broken
/// sequence never swallows the rest of a reply. Cleaning is idempotent.
public struct TerminalSanitizer: Sendable {
    private enum State: Sendable { case text, escape, csi, string, stringEscape }
    private var state = State.text
    /// True after U+1F3F4 or a kept tag character: the next tag belongs to an emoji.
    private var inTagSequence = false

    public init() {}

    /// Cleans the next piece of a text, continuing any sequence the last piece left open.
    public mutating func clean(_ text: String) -> String {
        // Printable ASCII, newlines and tabs outside a sequence pass as they are: the same
        // string comes back, sharing its storage (a long reply is not copied for the
        // screen), after one pass over its bytes.
        if state == .text, text.utf8.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x0A || $0 == 0x09 }) {
            if !text.isEmpty { inTagSequence = false }
            return text
        }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if let kept = step(scalar) { output.append(kept) }
        }
        return String(output)
    }

    /// One-shot form for complete texts.
    public static func clean(_ text: String) -> String {
        var sanitizer = TerminalSanitizer()
        return sanitizer.clean(text)
    }

    private mutating func step(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        switch state {
        case .text:
            return text(scalar)
        case .escape:
            switch value {
            case 0x5B: state = .csi  // ESC [
            case 0x5D, 0x50, 0x58, 0x5E, 0x5F: state = .string  // OSC, DCS, SOS, PM, APC
            case 0x20...0x2F: break  // intermediate bytes: the sequence goes on
            case 0x30...0x7E: state = .text  // the final byte of a two-byte escape
            default:
                state = .text  // not an escape after all: the character is text
                return text(scalar)
            }
        case .csi:
            switch value {
            case 0x20...0x3F: break  // parameters and intermediates
            case 0x40...0x7E: state = .text  // the final byte
            default:
                state = .text  // cut off (CAN, SUB, a newline, text): the character is text
                return text(scalar)
            }
        case .string:
            switch value {
            case 0x07, 0x9C, 0x18, 0x1A: state = .text  // BEL or ST end it; CAN, SUB cancel it
            case 0x1B: state = .stringEscape
            case 0x0A:
                state = .text  // never let a broken string hide the following lines
                return scalar
            default: break
            }
        case .stringEscape:
            if value == 0x5C {
                state = .text  // ESC \ ends the string
            } else {
                state = .escape  // a terminal ends the string here and starts a new escape
                return step(scalar)
            }
        }
        return nil
    }

    private mutating func text(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        switch value {
        case 0x1B: state = .escape
        case 0x9B: state = .csi
        case 0x90, 0x98, 0x9D, 0x9E, 0x9F: state = .string
        case 0x2028, 0x2029:
            inTagSequence = false
            return "\n"
        case 0xE0020...0xE007F where inTagSequence:
            inTagSequence = value != 0xE007F  // CANCEL TAG ends the emoji
            return scalar
        default:
            guard Self.isAllowedOnScreen(scalar), !(0xE0000...0xE007F).contains(value) else { return nil }
            inTagSequence = value == 0x1F3F4
            return scalar
        }
        inTagSequence = false
        return nil
    }

    /// Whether a character may reach the screen as it is. Unicode tag characters
    /// (U+E0020–E007F) pass only inside an emoji tag sequence, which needs context.
    public static func isAllowedOnScreen(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        switch value {
        case 0x0A, 0x09: return true
        case 0x00...0x1F, 0x7F...0x9F: return false
        case 0x2028, 0x2029: return false
        case 0x200B, 0x2060...0x2064, 0xFEFF, 0x180E, 0xE0001: return false  // invisible, hide text
        default: return !isBidiControl(value)
        }
    }

    /// Bidirectional embeddings, overrides, isolates and marks (LRM, RLM, ALM).
    public static func isBidiControl(_ value: UInt32) -> Bool {
        switch value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }
}
