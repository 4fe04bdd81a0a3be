import Testing
@testable import TerminalUI

@Suite struct ScreenBufferTests {
    @Test func diffFindsChangedSpans() {
        let buffer = ScreenBuffer(size: Size(width: 20, height: 3))
        let terminal = VirtualTerminal(size: buffer.size)
        terminal.present(buffer, cursor: nil)
        Painter(buffer).text("hello", at: Point(x: 2, y: 1))
        Painter(buffer).text("x", at: Point(x: 15, y: 1))
        #expect(buffer.dirtyRows == [1])
        terminal.present(buffer, cursor: nil)
        #expect(terminal.lastWrittenRows == [1])
        #expect(terminal.lastWrittenCells == 6)
        #expect(terminal.textSnapshot() == "\n  hello        x\n")
    }

    @Test func unchangedFrameWritesNothing() {
        let buffer = ScreenBuffer(size: Size(width: 10, height: 2))
        let terminal = VirtualTerminal(size: buffer.size)
        Painter(buffer).text("abc", at: .zero)
        terminal.present(buffer, cursor: nil)
        buffer.clear()
        Painter(buffer).text("abc", at: .zero)
        terminal.present(buffer, cursor: nil)
        #expect(terminal.lastWrittenCells == 0)
    }

    @Test func wideCellsStayWhole() {
        let buffer = ScreenBuffer(size: Size(width: 6, height: 1))
        let terminal = VirtualTerminal(size: buffer.size)
        Painter(buffer).text("中文中", at: .zero)
        terminal.present(buffer, cursor: nil)
        #expect(terminal.textSnapshot() == "中文中")
        // Overwrite the right half of the middle character: the left half is blanked.
        Painter(buffer).text("x", at: Point(x: 3, y: 0))
        let spans = buffer.diff(from: terminal.presentCount > 0 ? nil : nil)
        #expect(!spans.isEmpty)
        terminal.present(buffer, cursor: nil)
        #expect(terminal.textSnapshot() == "中 x中")
        // A wide char that does not fit at the clip edge is replaced by a blank.
        Painter(buffer: buffer, clip: Rect(x: 0, y: 0, width: 5, height: 1)).text("abcd中", at: .zero)
        terminal.present(buffer, cursor: nil)
        #expect(terminal.textSnapshot() == "abcd")
        #expect(buffer[5, 0].text == " ")
    }

    @Test func diffSpansCoverWideCells() {
        let old = ScreenBuffer(size: Size(width: 8, height: 1))
        Painter(old).text("ab中cd", at: .zero)
        let new = old.copy()
        new.markClean()
        Painter(new).text("ab文cd", at: .zero)
        #expect(new.diff(from: old) == [RowSpan(row: 0, columns: 2..<4)])
    }

    @Test func resizePresentsEverything() {
        let terminal = VirtualTerminal(size: Size(width: 4, height: 2))
        let buffer = ScreenBuffer(size: Size(width: 4, height: 2))
        Painter(buffer).text("ab", at: .zero)
        terminal.present(buffer, cursor: nil)
        buffer.resize(to: Size(width: 3, height: 3))
        Painter(buffer).text("xyz", at: Point(x: 0, y: 2))
        terminal.present(buffer, cursor: Point(x: 1, y: 1))
        #expect(terminal.size == Size(width: 3, height: 3))
        #expect(terminal.textSnapshot() == "\n\nxyz")
    }

    @Test func painterClipsToItsRect() {
        let buffer = ScreenBuffer(size: Size(width: 10, height: 3))
        let painter = Painter(buffer).sub(Rect(x: 2, y: 1, width: 4, height: 1))
        painter.text("abcdefgh", at: Point(x: -1, y: 0))
        painter.text("zzz", at: Point(x: 0, y: 1))
        #expect(buffer.text(ofRow: 1) == "  bcde    ")
        #expect(buffer.text(ofRow: 2) == String(repeating: " ", count: 10))
    }

    /// The frame a terminal keeps: a detached copy brought up to date row by row equals the
    /// buffer, and writing to either afterwards leaves the other alone.
    @Test func aDetachedCopyFollowsTheRowsCopiedIntoIt() {
        let buffer = ScreenBuffer(size: Size(width: 8, height: 3))
        _ = buffer.put("a", width: 1, style: .plain, x: 0, y: 0)
        let kept = buffer.detachedCopy()
        buffer.markClean()
        _ = buffer.put("b", width: 1, style: .plain, x: 1, y: 1)
        _ = buffer.put("中", width: 2, style: .plain, x: 4, y: 2)
        #expect(kept[1, 1].text == " ")
        kept.copyRows(buffer.dirtyRows, from: buffer)
        for y in 0..<3 { #expect(kept.row(y) == buffer.row(y)) }
        _ = kept.put("c", width: 1, style: .plain, x: 0, y: 0)
        #expect(buffer[0, 0].text == "a")
        #expect(buffer.diff(from: kept).map(\.row) == [])
    }
}

