/// The multi-line message editor: a grapheme-aware text buffer with a cursor, emacs
/// keys, a kill ring of one, and per-conversation history.
///
/// Keys (``handle(_:)``): Enter submits; Alt-Enter, Shift-Enter and Ctrl-J insert a
/// newline; Ctrl-A/E line start/end; Ctrl-B/F and arrows move; Ctrl-P/N and Up/Down move
/// between lines and, on the first/last line, walk the history (the draft is kept);
/// Ctrl-K/U kill to line end/start; Ctrl-W and Alt-Backspace kill the previous word;
/// Alt-D kills the next word; Ctrl-Y yanks; Ctrl-D/Delete delete forward;
/// Backspace/Ctrl-H delete back; Alt-B/F move by words; Home/End. Paste inserts
/// verbatim with CRLF/CR normalised to LF.
public struct InputEditor: Sendable {
    /// The text as grapheme clusters; the cursor is an index into it.
    public internal(set) var characters: [Character] = []
    /// Cursor position: 0…characters.count.
    public internal(set) var cursor = 0
    /// Last killed text, for Ctrl-Y.
    public internal(set) var killBuffer = ""
    /// Earlier submissions of this conversation, oldest first.
    public var history: [String]
    /// Position in ``history`` while browsing it; nil when editing the draft.
    public internal(set) var historyIndex: Int?
    /// The draft saved when history browsing started.
    public internal(set) var savedDraft = ""
    /// Shown dim when the editor is empty.
    public var placeholder: String
    /// Rows the editor grows to before it scrolls.
    public var maxHeight: Int
    /// Visible text width from the last layout query (for Up/Down across wrapped rows).
    public var wrapWidth: Int = 80

    public init(text: String = "", history: [String] = [], placeholder: String = "", maxHeight: Int = 8) {
        self.history = history
        self.placeholder = placeholder
        self.maxHeight = maxHeight
        setText(text)
    }

    /// The whole text.
    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }

    /// Replaces the text and puts the cursor at the end.
    public mutating func setText(_ text: String) {
        characters = Array(InputEditor.normalizeNewlines(text))
        cursor = characters.count
    }

    /// Empties the editor after a submit and records `text` in history.
    public mutating func commit() {
        let submitted = text
        if !submitted.isEmpty && history.last != submitted { history.append(submitted) }
        characters = []
        cursor = 0
        historyIndex = nil
        savedDraft = ""
    }

    /// Inserts text at the cursor (a grapheme that merges with its neighbour stays one).
    public mutating func insert(_ text: String) {
        let before = String(characters[..<cursor]) + InputEditor.normalizeNewlines(text)
        let after = String(characters[cursor...])
        let combined = Array(before + after)
        cursor = min(before.count, combined.count)
        characters = combined
    }

    /// Moves the cursor to a character index (clamped).
    public mutating func moveCursor(to index: Int) {
        cursor = max(0, min(characters.count, index))
    }

    mutating func delete(_ range: Range<Int>, kill: Bool) {
        let r = max(0, range.lowerBound)..<min(characters.count, range.upperBound)
        guard !r.isEmpty else { return }
        if kill { killBuffer = String(characters[r]) }
        characters.removeSubrange(r)
        if cursor > r.lowerBound { cursor = max(r.lowerBound, cursor - r.count) }
    }

    /// CRLF and lone CR become LF (pastes from Windows and old Mac text).
    static func normalizeNewlines(_ text: String) -> String {
        guard text.unicodeScalars.contains("\r") else { return text }
        var out = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR { previousWasCR = false; continue }
            previousWasCR = scalar == "\r"
            out.unicodeScalars.append(scalar == "\r" ? "\n" : scalar)
        }
        return out
    }

    // MARK: Line geometry (logical lines split at "\n")

    /// Index of the start of the logical line containing `index`.
    func lineStart(_ index: Int) -> Int {
        var i = index
        while i > 0 && characters[i - 1] != "\n" { i -= 1 }
        return i
    }

    /// Index of the end (the "\n" or the end) of the logical line containing `index`.
    func lineEnd(_ index: Int) -> Int {
        var i = index
        while i < characters.count && characters[i] != "\n" { i += 1 }
        return i
    }

    func wordStart(before index: Int) -> Int {
        var i = index
        while i > 0 && !InputEditor.isWord(characters[i - 1]) { i -= 1 }
        while i > 0 && InputEditor.isWord(characters[i - 1]) { i -= 1 }
        return i
    }

    func wordEnd(after index: Int) -> Int {
        var i = index
        while i < characters.count && !InputEditor.isWord(characters[i]) { i += 1 }
        while i < characters.count && InputEditor.isWord(characters[i]) { i += 1 }
        return i
    }

    static func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
}
