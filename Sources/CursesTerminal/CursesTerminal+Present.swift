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
        var overlays: [(x: Int, y: Int, plan: GlyphPlan)] = []
        if screen.width > 0 && screen.height > 0 {
            // Neighbouring cells mostly share a style: its look is kept for the next cell.
            var last: (style: Style, look: (attributes: UInt32, pair: Int32))?
            for span in buffer.diff(from: previous) where span.row < screen.height {
                for x in span.columns where x < screen.width {
                    let cell = buffer[x, span.row]
                    if cell.isContinuation { continue }
                    let look: (attributes: UInt32, pair: Int32)
                    if let last, last.style == cell.style {
                        look = last.look
                    } else {
                        look = cursesLook(cell.style)
                        last = (cell.style, look)
                    }
                    // Printable ASCII, most cells of most frames: no plan, no arrays.
                    if cell.width == 1, let byte = Self.printableASCII(cell.text) {
                        var character = wchar_t(byte)
                        _ = ccs_put_cell(Int32(span.row), Int32(x), &character, 1, look.attributes, look.pair)
                        continue
                    }
                    let plan = draw(cell, x: x, y: span.row, screenWidth: screen.width, look: look)
                    if plan.overlay { overlays.append((x, span.row, plan)) }
                }
            }
            placeCursor(cursor, screen: screen)
        }
        _ = ccs_wnoutrefresh()
        _ = ccs_doupdate()
        if !overlays.isEmpty { writeOverlays(overlays, buffer: buffer, screenWidth: screen.width) }
        // What the terminal now shows: the written rows copied into the kept frame, which has
        // storage of its own, so the next frame's first write to `buffer` copies nothing (a
        // copy sharing storage made that write copy all 4,800 cells, every frame).
        if let previous, previous.size == buffer.size {
            previous.copyRows(buffer.dirtyRows, from: buffer)
        } else {
            previous = buffer.detachedCopy()
        }
        buffer.markClean()
    }

    /// The byte of a one-character text in printable ASCII (what `GlyphPlan` would give
    /// as its only scalar, with no padding).
    static func printableASCII(_ text: String) -> UInt8? {
        let utf8 = text.utf8
        guard utf8.count == 1, let byte = utf8.first, byte >= 0x20, byte < 0x7F else { return nil }
        return byte
    }

    private func draw(_ cell: Cell, x: Int, y: Int, screenWidth: Int, look: (attributes: UInt32, pair: Int32)) -> GlyphPlan {
        let width = Int(cell.width)
        let plan = x + width > screenWidth
            ? GlyphPlan(scalars: [0x20], padding: screenWidth - x - 1)  // a wide cell cut by the edge
            : GlyphPlan(text: cell.text, cellWidth: width, maxScalars: Int(ccs_ccharw_max())) { Int(ccs_wcwidth(wchar_t(bitPattern: $0))) }
        put(plan.scalars, x: x, y: y, look: look)
        for offset in 0..<max(0, plan.padding) { put([0x20], x: x + 1 + offset, y: y, look: look) }
        return plan
    }

    /// Clusters curses cannot hold (ZWJ sequences, skin tones, flags, keycaps) are written
    /// whole at their cells once curses has drawn the blanks under them: cursor saved,
    /// each cluster placed by an absolute move in its style, the cells a terminal that
    /// draws the parts side by side would cover written again, cursor and attributes
    /// restored. curses' model stays true (it drew those cells' width in blanks), so
    /// nothing is left stale, and no joiner is ever emitted on its own.
    private func writeOverlays(_ overlays: [(x: Int, y: Int, plan: GlyphPlan)], buffer: ScreenBuffer, screenWidth: Int) {
        var out = "\u{1B}7"
        for overlay in overlays {
            let cell = buffer[overlay.x, overlay.y]
            out += OverlayText.cell(cell.text, x: overlay.x, y: overlay.y, sgr: sgr(cell.style))
            var x = overlay.x + Int(cell.width)
            let end = min(screenWidth, x + overlay.plan.overflow)
            while x < end {
                let next = buffer[x, overlay.y]
                if next.isContinuation { x += 1; continue }
                // A repaired cell must fit on the row; one that is itself an overlay is
                // written whole (it is also in the list, and drawn again in its turn).
                let text = next.text.isEmpty ? " " : next.text
                if x + Int(next.width) > screenWidth { break }
                out += OverlayText.cell(text, x: x, y: overlay.y, sgr: sgr(next.style))
                x += max(1, Int(next.width))
            }
        }
        out += "\u{1B}[0m\u{1B}8"
        writeToTerminal(out)
    }

    /// The SGR sequence for a style, as curses would set it.
    private func sgr(_ style: Style) -> String {
        let cellStyle = mapping.cellStyle(palette.resolve(style))
        return OverlayText.sgr(attributes: cellStyle.attributes, foreground: cellStyle.foreground, background: cellStyle.background)
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
