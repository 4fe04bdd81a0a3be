extension InputEditor {
    /// Width of the "› " prompt column.
    static let promptWidth = 2

    /// Visual rows for a text width: character index ranges, wrapping logical lines
    /// between clusters (a row leaves room for the cursor after its last cell).
    public func visualRows(width: Int) -> [Range<Int>] {
        let limit = max(1, width)
        var rows: [Range<Int>] = []
        var start = 0, used = 0, i = 0
        while i < characters.count {
            let c = characters[i]
            if c == "\n" {
                rows.append(start..<i)
                start = i + 1
                used = 0
                i += 1
                continue
            }
            let w = DisplayWidth.of(c)
            if used + w > limit - 1 && i > start {
                rows.append(start..<i)
                start = i
                used = 0
                continue
            }
            used += w
            i += 1
        }
        rows.append(start..<characters.count)
        return rows
    }

    func rowOfCursor(_ rows: [Range<Int>]) -> Int? {
        // The cursor belongs to the last row whose range reaches it (end-of-row positions
        // belong to the row, not to the start of the next unless it begins a new line).
        for (index, row) in rows.enumerated() where cursor >= row.lowerBound && cursor <= row.upperBound {
            if cursor == row.upperBound, index + 1 < rows.count, rows[index + 1].lowerBound == cursor { continue }
            return index
        }
        return rows.isEmpty ? nil : rows.count - 1
    }

    /// Rows the editor wants for `width` columns: 1…``maxHeight``.
    public func desiredHeight(width: Int) -> Int {
        min(max(1, maxHeight), max(1, visualRows(width: width - InputEditor.promptWidth).count))
    }

    /// Draws the editor (prompt, text or placeholder) and returns the cursor position in
    /// buffer coordinates, or nil if the painter is empty. Scrolls to keep the cursor visible.
    @discardableResult
    public func draw(_ painter: Painter, focused: Bool = true) -> Point? {
        guard painter.width > 0, painter.height > 0 else { return nil }
        let background = Style(.text, background: .inputBackground)
        painter.fill(nil, background)
        let prompt = painter.width > 4 ? InputEditor.promptWidth : 0
        if prompt > 0 { painter.text("›", at: .zero, Style(.assistantName, background: .inputBackground)) }
        let textWidth = painter.width - prompt
        if characters.isEmpty {
            if !placeholder.isEmpty {
                painter.truncated(placeholder, at: Point(x: prompt, y: 0), width: textWidth,
                                  Style(.placeholder, background: .inputBackground))
            }
            return focused ? Point(x: painter.clip.x + prompt, y: painter.clip.y) : nil
        }
        let rows = visualRows(width: textWidth)
        let cursorRow = rowOfCursor(rows) ?? 0
        let height = painter.height
        let first = max(0, min(cursorRow - height + 1, rows.count - height))
        for (offset, row) in rows[first..<min(rows.count, first + height)].enumerated() {
            painter.text(String(characters[row]), at: Point(x: prompt, y: offset), background)
        }
        if first > 0 && prompt > 0 { painter.text("↑", at: Point(x: 0, y: 0), Style(.dimText, background: .inputBackground)) }
        if first + height < rows.count && prompt > 0 {
            painter.text("↓", at: Point(x: 0, y: height - 1), Style(.dimText, background: .inputBackground))
        }
        let column = DisplayWidth.of(String(characters[rows[cursorRow].lowerBound..<cursor]))
        let point = Point(x: painter.clip.x + min(prompt + column, painter.width - 1), y: painter.clip.y + cursorRow - first)
        return focused ? point : nil
    }
}
