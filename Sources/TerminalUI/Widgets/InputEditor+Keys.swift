extension InputEditor {
    /// Applies one input event. Never draws; returns what changed.
    public mutating func handle(_ event: KeyEvent) -> HandleResult {
        let before = characters
        let beforeCursor = cursor
        let result = apply(event)
        if result == .ignored { return .ignored }
        var out = result
        if characters != before {
            out.insert(.textChanged)
            if historyIndex != nil && !result.contains(.submit) && !isHistoryWalk(event) { historyIndex = nil }
        }
        if characters != before || cursor != beforeCursor { out.formUnion(.changed) }
        return out.union(.handled)
    }

    private func isHistoryWalk(_ event: KeyEvent) -> Bool {
        switch event {
        case .key(.up, []), .key(.down, []), .char("p", [.ctrl]), .char("n", [.ctrl]): true
        default: false
        }
    }

    private mutating func apply(_ event: KeyEvent) -> HandleResult {
        switch event {
        case .paste(let text):
            insert(text)
        case .char(let c, []):
            insert(String(c))
        case .char(let c, [.shift]):
            insert(String(c))
        case .key(.enter, []):
            return .submit
        case .key(.enter, _), .char("j", [.ctrl]):
            insert("\n")
        case .key(.tab, []):
            insert("    ")
        case .key(.backspace, []), .char("h", [.ctrl]):
            if cursor > 0 { delete((cursor - 1)..<cursor, kill: false) }
        case .key(.delete, []), .char("d", [.ctrl]):
            if cursor < characters.count { delete(cursor..<(cursor + 1), kill: false) }
        case .key(.left, []), .char("b", [.ctrl]):
            moveCursor(to: cursor - 1)
        case .key(.right, []), .char("f", [.ctrl]):
            moveCursor(to: cursor + 1)
        case .key(.left, [.ctrl]), .key(.left, [.alt]), .char("b", [.alt]):
            moveCursor(to: wordStart(before: cursor))
        case .key(.right, [.ctrl]), .key(.right, [.alt]), .char("f", [.alt]):
            moveCursor(to: wordEnd(after: cursor))
        case .key(.home, []), .char("a", [.ctrl]):
            moveCursor(to: lineStart(cursor))
        case .key(.end, []), .char("e", [.ctrl]):
            moveCursor(to: lineEnd(cursor))
        case .key(.home, [.ctrl]):
            moveCursor(to: 0)
        case .key(.end, [.ctrl]):
            moveCursor(to: characters.count)
        case .char("k", [.ctrl]):
            let end = lineEnd(cursor)
            delete(cursor..<(end == cursor ? min(end + 1, characters.count) : end), kill: true)
        case .char("u", [.ctrl]):
            delete(lineStart(cursor)..<cursor, kill: true)
        case .char("w", [.ctrl]), .key(.backspace, [.alt]):
            delete(wordStart(before: cursor)..<cursor, kill: true)
        case .char("d", [.alt]):
            delete(cursor..<wordEnd(after: cursor), kill: true)
        case .char("y", [.ctrl]):
            insert(killBuffer)
        case .key(.up, []), .char("p", [.ctrl]):
            if !moveVertically(-1) { return walkHistory(-1) }
        case .key(.down, []), .char("n", [.ctrl]):
            if !moveVertically(1) { return walkHistory(1) }
        default:
            return .ignored
        }
        return .handled
    }

    /// Moves the cursor one visual row up or down; false when already on the first/last row.
    mutating func moveVertically(_ direction: Int) -> Bool {
        let rows = visualRows(width: wrapWidth)
        guard let row = rowOfCursor(rows) else { return false }
        let target = row + direction
        guard target >= 0, target < rows.count else { return false }
        let column = DisplayWidth.of(String(characters[rows[row].lowerBound..<cursor]))
        var index = rows[target].lowerBound, used = 0
        while index < rows[target].upperBound {
            let w = DisplayWidth.of(characters[index])
            if used + w > column { break }
            used += w
            index += 1
        }
        cursor = index
        return true
    }

    /// Up (-1) / Down (+1) through history; the draft is restored past the newest entry.
    mutating func walkHistory(_ direction: Int) -> HandleResult {
        guard !history.isEmpty else { return .handled }
        if direction < 0 {
            if historyIndex == nil {
                savedDraft = text
                historyIndex = history.count - 1
            } else if historyIndex! > 0 {
                historyIndex! -= 1
            } else {
                return .handled
            }
            setText(history[historyIndex!])
        } else {
            guard let index = historyIndex else { return .handled }
            if index + 1 < history.count {
                historyIndex = index + 1
                setText(history[index + 1])
            } else {
                historyIndex = nil
                setText(savedDraft)
            }
        }
        return .handled
    }
}
