import Testing
@testable import TerminalUI

@Suite struct InputEditorTests {
    func type(_ editor: inout InputEditor, _ text: String) {
        for c in text { _ = editor.handle(.char(c)) }
    }

    @Test func typingAndEmacsKeys() {
        var e = InputEditor()
        type(&e, "hello world")
        #expect(e.handle(.ctrl("w")).contains(.textChanged))
        #expect(e.text == "hello ")
        _ = e.handle(.ctrl("y"))
        #expect(e.text == "hello world")
        _ = e.handle(.ctrl("a"))
        _ = e.handle(.alt("f"))
        #expect(e.cursor == 5)
        _ = e.handle(.ctrl("k"))
        #expect(e.text == "hello")
        _ = e.handle(.ctrl("u"))
        #expect(e.text == "")
        type(&e, "ab cd")
        _ = e.handle(.alt("b"))
        _ = e.handle(.alt("d"))
        #expect(e.text == "ab ")
        _ = e.handle(.key(.backspace, [.alt]))
        #expect(e.text == "")
        type(&e, "xyz")
        _ = e.handle(.ctrl("b"))
        _ = e.handle(.ctrl("h"))
        _ = e.handle(.ctrl("d"))
        #expect(e.text == "x")
        _ = e.handle(.ctrl("f"))
        _ = e.handle(.ctrl("e"))
        #expect(e.cursor == 1)
    }

    @Test func graphemeAwareCursor() {
        var e = InputEditor(text: "a👩‍👩‍👧‍👦e")
        _ = e.handle(.char("\u{301}"))  // combining accent joins the "e"
        #expect(e.characters.count == 3)
        _ = e.handle(.key(.left))
        _ = e.handle(.key(.backspace))
        #expect(e.text == "ae\u{301}")
    }

    @Test func enterSubmitsAndModifiedEnterInsertsNewline() {
        var e = InputEditor(text: "a")
        #expect(e.handle(.key(.enter, [.alt])).contains(.textChanged))
        _ = e.handle(.key(.enter, [.shift]))
        _ = e.handle(.ctrl("j"))
        #expect(e.text == "a\n\n\n")
        #expect(e.handle(.key(.enter)).contains(.submit))
        e.commit()
        #expect(e.text == "" && e.history == ["a\n\n\n"])
    }

    @Test func pasteNormalisesNewlines() {
        var e = InputEditor()
        _ = e.handle(.paste("one\r\ntwo\rthree\n\u{1B}x"))
        #expect(e.text == "one\ntwo\nthree\n\u{1B}x")
    }

    @Test func historyKeepsTheDraft() {
        var e = InputEditor(history: ["first", "second\nline"])
        type(&e, "draft")
        _ = e.handle(.key(.up))
        #expect(e.text == "second\nline")
        _ = e.handle(.key(.up))  // cursor at end (2nd line): moves to the first line
        #expect(e.text == "second\nline")
        _ = e.handle(.key(.up))
        #expect(e.text == "first")
        _ = e.handle(.key(.up))
        #expect(e.text == "first")
        _ = e.handle(.key(.down))
        #expect(e.text == "second\nline")
        _ = e.handle(.ctrl("n"))
        _ = e.handle(.ctrl("n"))
        #expect(e.text == "draft")
    }

    @Test func verticalMovementKeepsColumn() {
        var e = InputEditor(text: "abcdef\nxy\n中文中文")
        e.moveCursor(to: 4)
        _ = e.handle(.key(.down))
        #expect(e.cursor == 9)  // end of "xy"
        _ = e.handle(.key(.down))
        #expect(e.cursor == 11)  // column 2 in "中文中文" is after "中"
    }

    @Test func unknownKeysAreIgnored() {
        var e = InputEditor()
        #expect(e.handle(.key(.function(5))) == .ignored)
        #expect(e.handle(.key(.left)) == .handled)  // nothing moved: handled, no redraw
    }

    @Test func growsThenScrolls() {
        var e = InputEditor(maxHeight: 3)
        #expect(e.desiredHeight(width: 20) == 1)
        e.setText("1\n2\n3\n4\n5")
        #expect(e.desiredHeight(width: 20) == 3)
        let terminal = Fixtures.screen(Size(width: 12, height: 3)) { e.draw($0) }
        #expect(terminal.textSnapshot() == "↑ 3\n  4\n  5")
        #expect(terminal.cursor == Point(x: 3, y: 2))
    }
}

@Suite("Dialog keys")
struct DialogKeyTests {
    @Test func yesAndNoAnswerAtOnce() {
        var dialog = Dialog(title: "Replace?", message: "m", buttons: ["Replace", "Cancel"], focused: 1)
        #expect(dialog.handle(.char("y", [])).contains(.confirm))
        #expect(dialog.focused == 0)
        dialog = Dialog(title: "Replace?", message: "m", buttons: ["Replace", "Cancel"], focused: 0)
        #expect(dialog.handle(.char("n", [])).contains(.confirm))
        #expect(dialog.focused == 1)
    }

    @Test func typingOnTurnsTheLettersAndTheNextEnterOff() {
        var dialog = Dialog(title: "Replace?", message: "m", buttons: ["Replace", "Cancel"], focused: 1)
        for character in "/tmp/x/y.json" {
            #expect(!dialog.handle(.char(character, [])).contains(.confirm), "\(character) answered")
        }
        #expect(dialog.focused == 1 && dialog.typedOn)
        #expect(!dialog.handle(.key(.enter, [])).contains(.confirm), "the Enter that ends the typed line")
        for character in "yes" { #expect(!dialog.handle(.char(character, [])).contains(.confirm), "a second line's \(character)") }
        #expect(!dialog.handle(.key(.enter, [])).contains(.confirm), "nor its Enter")
        _ = dialog.handle(.key(.right, []))  // seen: an arrow
        #expect(dialog.handle(.key(.enter, [])).contains(.confirm), "now Enter answers")
        #expect(dialog.focused == 1)
        // A paste is typing too.
        var pasted = Dialog(title: "Quit?", message: "m", buttons: ["Quit", "Stay"])
        _ = pasted.handle(.paste("hello pasted"))
        #expect(!pasted.handle(.key(.enter, [])).contains(.confirm))
        // An arrow is an answer's first step: the letters work again.
        var other = Dialog(title: "Quit?", message: "m", buttons: ["Quit", "Stay"])
        _ = other.handle(.char("x", []))
        #expect(!other.handle(.char("y", [])).contains(.confirm))
        _ = other.handle(.key(.right, []))
        #expect(other.handle(.char("y", [])).contains(.confirm))
        #expect(other.handle(.key(.escape, [])).contains(.cancel), "Esc always cancels")
    }
}
