/// Turns raw terminal input bytes into ``KeyEvent``s. A pure state machine: feed it bytes
/// as they arrive, in any split; it keeps partial UTF-8 characters, escape sequences and
/// bracketed pastes between feeds.
///
/// A lone ESC is ambiguous (Escape key, or the start of a sequence / an Alt prefix), so it
/// stays pending: when ``hasPendingEscape`` is true after a feed, the caller waits ~25 ms
/// for more input and calls ``flushPending()`` if none came.
///
/// Unknown or malformed sequences are swallowed, never leaked as text. Focus reports
/// (`CSI I`/`CSI O`) and legacy X10 mouse reports are ignored.
public struct KeyDecoder: Sendable {
    enum State: Sendable, Equatable {
        case ground
        /// After ESC.
        case escape
        /// After ESC [ (or ESC ESC [ for Alt), collecting parameter/intermediate bytes.
        case csi([UInt8])
        /// After ESC O, collecting digits until the final byte.
        case ss3([UInt8])
        /// Swallowing the three payload bytes of a legacy X10 mouse report.
        case x10(remaining: Int)
        /// Inside a bracketed paste; `matched` bytes of the end marker seen so far.
        case paste(matched: Int)
    }

    var state: State = .ground
    /// Bytes of a partial UTF-8 character.
    var utf8: [UInt8] = []
    var utf8Alt = false
    var pasteBytes: [UInt8] = []
    static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)
    static let maxSequenceLength = 64

    public init() {}

    /// True when the decoder holds an ESC-started sequence that may be a lone Escape key
    /// press; call ``flushPending()`` after a short timeout without input.
    public var hasPendingEscape: Bool {
        switch state {
        case .escape, .csi, .ss3: true
        default: false
        }
    }

    /// True while inside a bracketed paste (no timeout should cut it).
    public var isInPaste: Bool {
        if case .paste = state { return true }
        return false
    }

    /// Resolves a pending escape after the timeout: a lone ESC is the Escape key, `ESC [`
    /// and `ESC O` are Alt-[ and Alt-O; a cut-off longer sequence is dropped.
    public mutating func flushPending() -> [KeyEvent] {
        guard hasPendingEscape else { return [] }  // a paste or partial UTF-8 keeps waiting
        defer { state = .ground }
        switch state {
        case .escape: return [.key(.escape)]
        case .csi(let bytes) where bytes.isEmpty: return [.alt("[")]
        case .ss3(let bytes) where bytes.isEmpty: return [.alt("O")]
        default: return []
        }
    }

    /// Decodes a chunk of input.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [KeyEvent] where Bytes.Element == UInt8 {
        var events: [KeyEvent] = []
        for byte in bytes { step(byte, into: &events) }
        return events
    }

    /// Decodes a string's UTF-8 bytes (handy in tests).
    public mutating func feed(_ text: String) -> [KeyEvent] { feed(Array(text.utf8)) }

    mutating func step(_ byte: UInt8, into events: inout [KeyEvent]) {
        switch state {
        case .ground: ground(byte, alt: false, into: &events)
        case .escape: afterEscape(byte, into: &events)
        case .csi(var bytes):
            if byte >= 0x40 && byte <= 0x7E {
                state = .ground
                dispatchCSI(bytes, final: byte, into: &events)
            } else if byte >= 0x20 && byte <= 0x3F {
                bytes.append(byte)
                state = bytes.count > KeyDecoder.maxSequenceLength ? .ground : .csi(bytes)
            } else {
                // A control byte (or ESC) cuts the sequence off: drop it, handle the byte.
                state = .ground
                ground(byte, alt: false, into: &events)
            }
        case .ss3(var bytes):
            if byte >= 0x30 && byte <= 0x3B {
                bytes.append(byte)
                state = bytes.count > 8 ? .ground : .ss3(bytes)
            } else if byte >= 0x40 && byte <= 0x7E {
                state = .ground
                dispatchSS3(bytes, final: byte, into: &events)
            } else {
                state = .ground
                ground(byte, alt: false, into: &events)
            }
        case .x10(let remaining):
            state = remaining > 1 ? .x10(remaining: remaining - 1) : .ground
        case .paste(let matched):
            pasteStep(byte, matched: matched, into: &events)
        }
    }

    mutating func ground(_ byte: UInt8, alt: Bool, into events: inout [KeyEvent]) {
        if !utf8.isEmpty {
            if byte & 0xC0 == 0x80 {
                utf8.append(byte)
                completeUTF8IfReady(into: &events)
                return
            }
            utf8.removeAll()  // invalid: the character was cut off; drop it
        }
        let mods: Modifiers = alt ? [.alt] : []
        switch byte {
        case 0x1B: state = .escape
        case 0x0D: events.append(.key(.enter, mods))
        case 0x09: events.append(.key(.tab, mods))
        case 0x7F, 0x08: events.append(.key(.backspace, mods))
        case 0x00: events.append(.char(" ", mods.union(.ctrl)))
        case 0x01...0x1A: events.append(.char(Character(Unicode.Scalar(byte + 0x60)), mods.union(.ctrl)))
        case 0x1C...0x1F: events.append(.char(Character(Unicode.Scalar(byte + 0x40)), mods.union(.ctrl)))
        case 0x20...0x7E: events.append(.char(Character(Unicode.Scalar(byte)), mods))
        case 0xC2...0xF4:
            utf8 = [byte]
            utf8Alt = alt
        default: break  // stray continuation or invalid byte
        }
    }

    mutating func completeUTF8IfReady(into events: inout [KeyEvent]) {
        let lead = utf8[0]
        let needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        guard utf8.count == needed else { return }
        var value: UInt32 = UInt32(lead) & (needed == 2 ? 0x1F : needed == 3 ? 0x0F : 0x07)
        for byte in utf8.dropFirst() { value = value << 6 | UInt32(byte & 0x3F) }
        utf8.removeAll()
        guard let scalar = Unicode.Scalar(value), value >= 0xA0 else { return }  // C1 controls dropped
        events.append(.char(Character(scalar), utf8Alt ? [.alt] : []))
    }

    mutating func afterEscape(_ byte: UInt8, into events: inout [KeyEvent]) {
        switch byte {
        case UInt8(ascii: "["): state = .csi([])
        case UInt8(ascii: "O"): state = .ss3([])
        case 0x1B:
            events.append(.key(.escape))
            state = .escape
        default:
            state = .ground
            ground(byte, alt: true, into: &events)
        }
    }

    mutating func pasteStep(_ byte: UInt8, matched: Int, into events: inout [KeyEvent]) {
        let end = KeyDecoder.pasteEnd
        if byte == end[matched] {
            if matched + 1 == end.count {
                events.append(.paste(String(decoding: pasteBytes, as: UTF8.self)))
                pasteBytes.removeAll()
                state = .ground
            } else {
                state = .paste(matched: matched + 1)
            }
            return
        }
        // Not the end marker after all: the matched bytes were content.
        pasteBytes.append(contentsOf: end[0..<matched])
        if byte == end[0] {
            state = .paste(matched: 1)
        } else {
            pasteBytes.append(byte)
            state = .paste(matched: 0)
        }
    }
}
