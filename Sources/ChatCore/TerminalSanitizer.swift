/// Makes untrusted text (model output, file contents) safe to write to a terminal.
///
/// Escape sequences (CSI, OSC such as OSC 52 clipboard writes and title changes, DCS, …),
/// C0 controls other than newline and tab, C1 controls, and bidirectional overrides are
/// removed, so a reply can never move the cursor, recolour the screen, change the
/// window title, write the clipboard or reorder what the user reads.
///
/// It is a streaming state machine: an escape sequence split across two deltas is still
/// removed whole.
public struct TerminalSanitizer: Sendable {
    private enum State { case text, escape, csi, string, stringEscape }
    private var state = State.text

    public init() {}

    public mutating func clean(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch state {
            case .text:
                if value == 0x1B { state = .escape; continue }
                if value == 0x9B { state = .csi; continue }
                if value == 0x9D || value == 0x90 || value == 0x98 || value == 0x9E || value == 0x9F { state = .string; continue }
                if Self.isDisallowed(value) { continue }
                output.append(scalar)
            case .escape:
                switch value {
                case 0x5B: state = .csi  // ESC [
                case 0x5D, 0x50, 0x58, 0x5E, 0x5F: state = .string  // OSC, DCS, SOS, PM, APC
                case 0x20...0x2F: continue  // intermediate bytes: the sequence goes on
                default: state = .text  // a two-byte escape: dropped
                }
            case .csi:
                if (0x40...0x7E).contains(value) { state = .text }
                else if value == 0x1B { state = .escape }
            case .string:
                if value == 0x07 || value == 0x9C { state = .text }
                else if value == 0x1B { state = .stringEscape }
            case .stringEscape:
                state = value == 0x5C ? .text : .string  // ESC \ ends the string
            }
        }
        return String(output)
    }

    /// One-shot form for complete texts.
    public static func clean(_ text: String) -> String {
        var sanitizer = TerminalSanitizer()
        return sanitizer.clean(text)
    }

    static func isDisallowed(_ value: UInt32) -> Bool {
        switch value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F, 0x80...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides, isolates
        default: return false
        }
    }
}
