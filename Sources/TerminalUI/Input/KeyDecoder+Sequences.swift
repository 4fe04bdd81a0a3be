extension KeyDecoder {
    /// Parses `1;5` style parameters; empty fields are nil.
    static func parameters(_ bytes: [UInt8]) -> [Int?] {
        bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).map { field in
            field.isEmpty ? nil : Int(String(decoding: field.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
        }
    }

    mutating func dispatchCSI(_ bytes: [UInt8], final: UInt8, into events: inout [KeyEvent]) {
        if bytes.first == UInt8(ascii: "<") {
            if let mouse = KeyDecoder.sgrMouse(Array(bytes.dropFirst()), final: final) { events.append(.mouse(mouse)) }
            return
        }
        // Private markers (?, >, =) and intermediates mean terminal replies: ignore.
        if let first = bytes.first, first >= 0x3C { return }
        if bytes.contains(where: { $0 < 0x30 }) { return }
        let params = KeyDecoder.parameters(bytes)
        let modifiers = Modifiers(xtermParameter: params.count > 1 ? (params[1] ?? 1) : 1)
        switch final {
        case UInt8(ascii: "A"): events.append(.key(.up, modifiers))
        case UInt8(ascii: "B"): events.append(.key(.down, modifiers))
        case UInt8(ascii: "C"): events.append(.key(.right, modifiers))
        case UInt8(ascii: "D"): events.append(.key(.left, modifiers))
        case UInt8(ascii: "H"): events.append(.key(.home, modifiers))
        case UInt8(ascii: "F"): events.append(.key(.end, modifiers))
        case UInt8(ascii: "P"): events.append(.key(.function(1), modifiers))
        case UInt8(ascii: "Q"): events.append(.key(.function(2), modifiers))
        case UInt8(ascii: "R"): events.append(.key(.function(3), modifiers))
        case UInt8(ascii: "S"): events.append(.key(.function(4), modifiers))
        case UInt8(ascii: "Z"): events.append(.key(.tab, [.shift]))
        case UInt8(ascii: "M") where bytes.isEmpty: state = .x10(remaining: 3)
        case UInt8(ascii: "~"): tilde(params, modifiers: modifiers, into: &events)
        case UInt8(ascii: "u"):
            if let code = params.first ?? nil, let event = KeyDecoder.keyFromCode(code, modifiers) { events.append(event) }
        default: break  // focus (I/O), cursor reports and anything unknown
        }
    }

    mutating func tilde(_ params: [Int?], modifiers: Modifiers, into events: inout [KeyEvent]) {
        guard let code = params.first ?? nil else { return }
        let key: Key?
        switch code {
        case 1, 7: key = .home
        case 2: key = .insert
        case 3: key = .delete
        case 4, 8: key = .end
        case 5: key = .pageUp
        case 6: key = .pageDown
        case 11...15: key = .function(code - 10)
        case 17...21: key = .function(code - 11)
        case 23, 24: key = .function(code - 12)
        case 200:
            state = .paste(matched: 0)
            pasteBytes.removeAll()
            return
        case 27:
            // xterm modifyOtherKeys: CSI 27 ; modifiers ; code ~
            if params.count >= 3, let code = params[2] ?? nil,
               let event = KeyDecoder.keyFromCode(code, Modifiers(xtermParameter: params[1] ?? 1)) {
                events.append(event)
            }
            return
        default: key = nil
        }
        if let key { events.append(.key(key, modifiers)) }
    }

    mutating func dispatchSS3(_ bytes: [UInt8], final: UInt8, into events: inout [KeyEvent]) {
        let params = KeyDecoder.parameters(bytes)
        let modifiers = Modifiers(xtermParameter: params.last.flatMap { $0 } ?? 1)
        let key: Key?
        switch final {
        case UInt8(ascii: "A"): key = .up
        case UInt8(ascii: "B"): key = .down
        case UInt8(ascii: "C"): key = .right
        case UInt8(ascii: "D"): key = .left
        case UInt8(ascii: "H"): key = .home
        case UInt8(ascii: "F"): key = .end
        case UInt8(ascii: "M"): key = .enter
        case UInt8(ascii: "P"): key = .function(1)
        case UInt8(ascii: "Q"): key = .function(2)
        case UInt8(ascii: "R"): key = .function(3)
        case UInt8(ascii: "S"): key = .function(4)
        default: key = nil
        }
        if let key { events.append(.key(key, modifiers)) }
    }

    /// A key from a Unicode code point plus modifiers (CSI-u and modifyOtherKeys).
    static func keyFromCode(_ code: Int, _ modifiers: Modifiers) -> KeyEvent? {
        switch code {
        case 13: return .key(.enter, modifiers)
        case 9: return .key(.tab, modifiers)
        case 127, 8: return .key(.backspace, modifiers)
        case 27: return .key(.escape, modifiers)
        default:
            // Digits come from the terminal (or a paste without bracketing): a code past
            // UInt32 must not trap, and a C1 control must not become a character.
            guard code >= 0x20, !(0x7F...0x9F).contains(code), let value = UInt32(exactly: code),
                  let scalar = Unicode.Scalar(value) else { return nil }
            var mods = modifiers
            var character = Character(scalar)
            // Shift is already in the character's case for letters.
            if mods.contains(.ctrl), character.isLetter, let lower = character.lowercased().first {
                character = lower
                mods.remove(.shift)
            }
            if !mods.contains(.ctrl) && !mods.contains(.alt) { mods.remove(.shift) }
            return .char(character, mods)
        }
    }

    /// `CSI < b ; x ; y M|m`: button bits (0–2 button, 4 shift, 8 alt, 16 ctrl, 32 motion,
    /// 64 wheel), 1-based column and row; `m` is a release.
    static func sgrMouse(_ bytes: [UInt8], final: UInt8) -> MouseEvent? {
        guard final == UInt8(ascii: "M") || final == UInt8(ascii: "m") else { return nil }
        let params = parameters(bytes)
        guard params.count == 3, let b = params[0] ?? nil, let x = params[1] ?? nil, let y = params[2] ?? nil else { return nil }
        var modifiers: Modifiers = []
        if b & 4 != 0 { modifiers.insert(.shift) }
        if b & 8 != 0 { modifiers.insert(.alt) }
        if b & 16 != 0 { modifiers.insert(.ctrl) }
        let position = Point(x: max(0, x - 1), y: max(0, y - 1))
        let button = b & 3
        let kind: MouseEvent.Kind
        if b & 64 != 0 {
            guard final == UInt8(ascii: "M") else { return nil }
            switch button {
            case 0: kind = .wheelUp
            case 1: kind = .wheelDown
            default: return nil  // horizontal wheel: ignored
            }
        } else if final == UInt8(ascii: "m") {
            kind = .release(button: button)
        } else if b & 32 != 0 {
            guard button != 3 else { return nil }  // plain motion without a button
            kind = .drag(button: button)
        } else {
            guard button != 3 else { return nil }
            kind = .press(button: button)
        }
        return MouseEvent(kind, at: position, modifiers: modifiers)
    }
}
