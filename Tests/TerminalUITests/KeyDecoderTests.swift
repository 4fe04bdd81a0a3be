import Testing
@testable import TerminalUI

@Suite struct KeyDecoderTests {
    static let esc = "\u{1B}"

    /// (input, expected events) for every sequence the decoder knows.
    static let cases: [(String, [KeyEvent])] = [
        ("a", [.char("a")]),
        ("中", [.char("中")]),
        ("👍", [.char("👍")]),
        ("\u{1}", [.ctrl("a")]),
        ("\u{5}", [.ctrl("e")]),
        ("\u{17}", [.ctrl("w")]),
        ("\r", [.key(.enter)]),
        ("\t", [.key(.tab)]),
        ("\u{7F}", [.key(.backspace)]),
        ("\u{8}", [.key(.backspace)]),
        ("\n", [.ctrl("j")]),
        (esc + "b", [.alt("b")]),
        (esc + "\r", [.key(.enter, [.alt])]),
        (esc + "\u{7F}", [.key(.backspace, [.alt])]),
        (esc + "[13;2u", [.key(.enter, [.shift])]),
        (esc + "[27;2;13~", [.key(.enter, [.shift])]),
        (esc + "[97;5u", [.ctrl("a")]),
        (esc + "[A", [.key(.up)]),
        (esc + "[B", [.key(.down)]),
        (esc + "[C", [.key(.right)]),
        (esc + "[D", [.key(.left)]),
        (esc + "OA", [.key(.up)]),
        (esc + "[1;5C", [.key(.right, [.ctrl])]),
        (esc + "[1;3D", [.key(.left, [.alt])]),
        (esc + "[1;2A", [.key(.up, [.shift])]),
        (esc + "[H", [.key(.home)]),
        (esc + "[F", [.key(.end)]),
        (esc + "OH", [.key(.home)]),
        (esc + "OF", [.key(.end)]),
        (esc + "[1~", [.key(.home)]),
        (esc + "[4~", [.key(.end)]),
        (esc + "[2~", [.key(.insert)]),
        (esc + "[3~", [.key(.delete)]),
        (esc + "[3;5~", [.key(.delete, [.ctrl])]),
        (esc + "[5~", [.key(.pageUp)]),
        (esc + "[6~", [.key(.pageDown)]),
        (esc + "OP", [.key(.function(1))]),
        (esc + "OS", [.key(.function(4))]),
        (esc + "[15~", [.key(.function(5))]),
        (esc + "[17~", [.key(.function(6))]),
        (esc + "[21~", [.key(.function(10))]),
        (esc + "[24~", [.key(.function(12))]),
        (esc + "[1;2P", [.key(.function(1), [.shift])]),
        (esc + "[Z", [.key(.tab, [.shift])]),
        (esc + "[200~hello\nworld\r" + esc + "x" + esc + "[201~", [.paste("hello\nworld\r\u{1B}x")]),
        (esc + "[200~" + esc + "[20" + esc + "[201~", [.paste("\u{1B}[20")]),
        (esc + "[<64;10;5M", [.mouse(MouseEvent(.wheelUp, at: Point(x: 9, y: 4)))]),
        (esc + "[<65;1;1M", [.mouse(MouseEvent(.wheelDown, at: Point(x: 0, y: 0)))]),
        (esc + "[<0;3;4M", [.mouse(MouseEvent(.press(button: 0), at: Point(x: 2, y: 3)))]),
        (esc + "[<0;3;4m", [.mouse(MouseEvent(.release(button: 0), at: Point(x: 2, y: 3)))]),
        (esc + "[I", []),
        (esc + "[O", []),
        (esc + "[?1;2c", []),
        (esc + "[99;99X", []),
        (esc + "[Mabc", []),
        ("x" + esc + "[Ay", [.char("x"), .key(.up), .char("y")]),
    ]

    @Test func wholeSequences() {
        for (input, expected) in Self.cases {
            var decoder = KeyDecoder()
            #expect(decoder.feed(input) == expected, "input \(input.debugDescription)")
            #expect(!decoder.hasPendingEscape, "pending after \(input.debugDescription)")
        }
    }

    /// Every sequence split at every byte boundary (and byte by byte) decodes the same.
    @Test func splitAtEveryByteBoundary() {
        for (input, expected) in Self.cases {
            let bytes = Array(input.utf8)
            for cut in 0...bytes.count {
                var decoder = KeyDecoder()
                let events = decoder.feed(bytes[..<cut]) + decoder.feed(bytes[cut...])
                #expect(events == expected, "input \(input.debugDescription) cut at \(cut)")
            }
            var decoder = KeyDecoder()
            let oneByOne = bytes.flatMap { decoder.feed([$0]) }
            #expect(oneByOne == expected, "input \(input.debugDescription) byte by byte")
        }
    }

    @Test func allCasesConcatenated() {
        var decoder = KeyDecoder()
        let all = Self.cases.map(\.0).joined()
        #expect(decoder.feed(all) == Self.cases.flatMap(\.1))
    }

    @Test func loneEscapeNeedsFlush() {
        var decoder = KeyDecoder()
        #expect(decoder.feed("\u{1B}").isEmpty)
        #expect(decoder.hasPendingEscape)
        #expect(decoder.flushPending() == [.key(.escape)])
        #expect(!decoder.hasPendingEscape)
        #expect(decoder.feed("a") == [.char("a")])
    }

    @Test func escapeEscape() {
        var decoder = KeyDecoder()
        #expect(decoder.feed("\u{1B}\u{1B}") == [.key(.escape)])
        #expect(decoder.flushPending() == [.key(.escape)])
        #expect(decoder.feed("\u{1B}[") == [])
        #expect(decoder.flushPending() == [.alt("[")])
    }

    @Test func pasteDoesNotTimeOut() {
        var decoder = KeyDecoder()
        #expect(decoder.feed("\u{1B}[200~abc").isEmpty)
        #expect(decoder.isInPaste)
        #expect(!decoder.hasPendingEscape)
        #expect(decoder.flushPending().isEmpty)
        #expect(decoder.feed("\u{1B}[201~") == [.paste("abc")])
    }

    @Test func utf8SplitAcrossFeeds() {
        var decoder = KeyDecoder()
        let bytes = Array("é中👩‍👩‍👧".utf8)
        var events: [KeyEvent] = []
        for byte in bytes { events += decoder.feed([byte]) }
        #expect(events.map { if case .char(let c, _) = $0 { String(c) } else { "?" } }.joined() == "é中👩‍👩‍👧")
    }

    @Test func invalidBytesAreDropped() {
        var decoder = KeyDecoder()
        #expect(decoder.feed([0xFF, 0x80, 0x61, 0xE4, 0x62]) == [.char("a"), .char("b")])
    }
}
