import CCursesShim
import TerminalUI

extension CursesTerminal {
    /// Writes the rows that changed since the last frame (``ScreenBuffer/diff(from:)``)
    /// into curses and flushes with one `doupdate`. A buffer of another size than the
    /// last frame is drawn in full; cells beyond the screen are clipped.
    public func present(_ buffer: ScreenBuffer, cursor: Point?) {
        guard isStarted else { return }
        let screen = size
        if previous?.size != buffer.size { previous = nil }
        if previous == nil {
            // Cells the buffer does not cover must not keep old content.
            _ = ccs_erase()
            if needsClear { _ = ccs_clearok(1) }
            needsClear = false
        }
        if screen.width > 0 && screen.height > 0 {
            for span in buffer.diff(from: previous) where span.row < screen.height {
                for x in span.columns where x < screen.width {
                    let cell = buffer[x, span.row]
                    if cell.isContinuation { continue }
                    draw(cell, x: x, y: span.row, screenWidth: screen.width)
                }
            }
            placeCursor(cursor, screen: screen)
        }
        _ = ccs_wnoutrefresh()
        _ = ccs_doupdate()
        buffer.markClean()
        previous = buffer.copy()
    }

    private func draw(_ cell: Cell, x: Int, y: Int, screenWidth: Int) {
        let look = cursesLook(cell.style)
        let width = Int(cell.width)
        let plan = x + width > screenWidth
            ? GlyphPlan(scalars: [0x20], padding: screenWidth - x - 1)  // a wide cell cut by the edge
            : GlyphPlan(text: cell.text, cellWidth: width, maxScalars: Int(ccs_ccharw_max())) { Int(ccs_wcwidth(wchar_t(bitPattern: $0))) }
        put(plan.scalars, x: x, y: y, look: look)
        for offset in 0..<max(0, plan.padding) { put([0x20], x: x + 1 + offset, y: y, look: look) }
    }

    private func put(_ scalars: [UInt32], x: Int, y: Int, look: (attributes: UInt32, pair: Int32)) {
        let characters = scalars.map { wchar_t(bitPattern: $0) }
        _ = characters.withUnsafeBufferPointer {
            ccs_put_cell(Int32(y), Int32(x), $0.baseAddress, Int32($0.count), look.attributes, look.pair)
        }
    }

    /// Attributes and colour pair of a style, allocating the pair on first use.
    func cursesLook(_ style: Style) -> (attributes: UInt32, pair: Int32) {
        if let cached = styleCache[style] { return cached }
        let cellStyle = mapping.cellStyle(palette.resolve(style))
        let (pair, isNew) = pairs.pair(foreground: cellStyle.foreground, background: cellStyle.background)
        if isNew { _ = ccs_init_pair(pair, cellStyle.foreground, cellStyle.background) }
        let look = (attributes: attributeBits.bits(cellStyle.attributes), pair: pair)
        styleCache[style] = look
        return look
    }

    private func placeCursor(_ cursor: Point?, screen: Size) {
        if let cursor, cursor.x >= 0, cursor.y >= 0, cursor.x < screen.width, cursor.y < screen.height {
            _ = ccs_leaveok(0)
            _ = ccs_move(Int32(cursor.y), Int32(cursor.x))
            setCursorVisible(true)
        } else {
            _ = ccs_leaveok(1)
            setCursorVisible(false)
        }
    }

    private func setCursorVisible(_ visible: Bool) {
        guard cursorVisible != visible else { return }
        cursorVisible = visible
        _ = ccs_curs_set(visible ? 1 : 0)
    }
}
