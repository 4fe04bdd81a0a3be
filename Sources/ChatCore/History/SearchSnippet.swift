/// A short piece of text around what a search found, with the found words marked, so a
/// list or a terminal can show the match in context and highlight it.
///
/// `text` is raw stored text (sanitise it with ``sanitized()`` before it reaches a
/// terminal); `matches` are ranges of `Character` offsets into `text`, in order, never
/// overlapping, always on whole characters.
public struct SearchSnippet: Sendable, Equatable {
    public let text: String
    public let matches: [Range<Int>]

    /// Text without marks.
    public init(_ text: String) {
        self.text = text
        matches = []
    }

    /// Joins `pieces`, marking those that are matches (empty pieces are dropped).
    public init(pieces: [(text: String, isMatch: Bool)]) {
        var text = ""
        var count = 0
        var matches: [Range<Int>] = []
        for piece in pieces where !piece.text.isEmpty {
            text += piece.text
            // Counted on the joined text: a piece can join the character before it.
            let end = text.count
            if piece.isMatch {
                let start = min(count, end)
                if let last = matches.last, last.upperBound >= start {
                    matches[matches.count - 1] = last.lowerBound..<end
                } else if start < end {
                    matches.append(start..<end)
                }
            }
            count = end
        }
        self.text = text
        self.matches = matches
    }

    /// The text cut at the marks, in order.
    public var pieces: [(text: String, isMatch: Bool)] {
        guard !matches.isEmpty else { return text.isEmpty ? [] : [(text, false)] }
        let characters = Array(text)
        var pieces: [(String, Bool)] = []
        var position = 0
        for match in matches {
            if match.lowerBound > position { pieces.append((String(characters[position..<match.lowerBound]), false)) }
            pieces.append((String(characters[match]), true))
            position = match.upperBound
        }
        if position < characters.count { pieces.append((String(characters[position...]), false)) }
        return pieces
    }

    /// The marked words, as they appear in the text.
    public var matchedTexts: [String] { pieces.filter(\.isMatch).map(\.text) }

    /// The snippet as it may be shown on a terminal: every piece cleaned by one
    /// `TerminalSanitizer` in order (so a sequence cut by a mark is still removed whole),
    /// with the marks moved along with the text.
    public func sanitized() -> SearchSnippet {
        var sanitizer = TerminalSanitizer()
        return SearchSnippet(pieces: pieces.map { (sanitizer.clean($0.text), $0.isMatch) })
    }

    /// `matches` as offsets and lengths in Unicode scalars (code points), the unit most
    /// JSON readers index strings by (Python, jq).
    public var scalarMatches: [(offset: Int, length: Int)] {
        var result: [(Int, Int)] = []
        var offset = 0
        for piece in pieces {
            let length = piece.text.unicodeScalars.count
            if piece.isMatch { result.append((offset, length)) }
            offset += length
        }
        return result
    }
}
