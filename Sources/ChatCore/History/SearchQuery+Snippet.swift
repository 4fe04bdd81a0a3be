// Snippets: where the words of a query occur in a text, in whole characters.
//
// Matching runs on the folded UTF-8 of the text (as `SearchQuery.contains` does), which
// is cheap; breaking text into `Character`s is not, so a snippet of a long reply breaks
// only the part around its first match into characters.

extension SearchQuery {
    /// How many characters a snippet shows around the first match.
    public static let snippetWidth = 60

    /// `text` whole, with every occurrence of every word marked (a title).
    public func marked(_ text: String) -> SearchSnippet {
        let folded = FoldedText(text)
        let (characters, marks) = folded.characters(of: text, text.startIndex..<text.endIndex,
                                                    marking: folded.occurrences(of: foldedWords))
        var pieces: [(String, Bool)] = []
        var position = 0
        for mark in marks {
            pieces.append((String(characters[position..<mark.lowerBound]), false))
            pieces.append((String(characters[mark]), true))
            position = mark.upperBound
        }
        pieces.append((String(characters[position...]), false))
        return SearchSnippet(pieces: pieces)
    }

    /// About `width` characters of `text` around the first occurrence of any word, on one
    /// line (runs of whitespace become one space), with "…" where text was left out and
    /// every occurrence inside marked. Nil when no word occurs.
    public func snippet(of text: String, width: Int = SearchQuery.snippetWidth) -> SearchSnippet? {
        let folded = FoldedText(text)
        guard let first = folded.occurrences(of: foldedWords, stoppingAfter: 1).first else { return nil }
        // Characters only around the first match, with room for the window to move.
        let utf8 = text.utf8
        let matchStart = utf8.index(utf8.startIndex, offsetBy: first.lowerBound)
        let matchEnd = utf8.index(utf8.startIndex, offsetBy: first.upperBound)
        let start = text.index(matchStart, offsetBy: -2 * width, limitedBy: text.startIndex) ?? text.startIndex
        let end = text.index(matchEnd, offsetBy: 2 * width, limitedBy: text.endIndex) ?? text.endIndex
        let region = utf8.distance(from: utf8.startIndex, to: start)..<utf8.distance(from: utf8.startIndex, to: end)
        let (characters, marks) = folded.characters(of: text, start..<end, marking: folded.occurrences(of: foldedWords, within: region))
        guard let firstMark = marks.first else { return nil }
        let window = Self.window(around: firstMark, in: characters, width: width, atEnd: end == text.endIndex)
        return Self.excerpt(characters, window, marks: marks,
                            cutBefore: start > text.startIndex || window.lowerBound > 0,
                            cutAfter: end < text.endIndex || window.upperBound < characters.count)
    }

    /// The first `width` characters of `text`, on one line, unmarked.
    public static func opening(of text: String, width: Int = SearchQuery.snippetWidth) -> SearchSnippet {
        let characters = Array(text.prefix(width + 1))
        let window = 0..<min(characters.count, width)
        return excerpt(characters, window, marks: [], cutBefore: false, cutAfter: characters.count > width)
    }

    /// A window of `width` characters with about a quarter of it before the match, moved
    /// to whole words when a space is near, kept full at the end of the text.
    static func window(around match: Range<Int>, in characters: [Character], width: Int, atEnd: Bool) -> Range<Int> {
        let count = characters.count
        let span = max(width, match.count)
        var start = max(0, match.lowerBound - max(0, (width - match.count) / 4))
        var end = min(count, start + span)
        if end == count && atEnd { start = max(0, min(start, count - span)) }
        // A word cut at either edge is left out when a space is near.
        if start > 0, !characters[start - 1].isWhitespace, !characters[start].isWhitespace,
           let space = characters[start..<min(match.lowerBound, start + 10)].firstIndex(where: \.isWhitespace) {
            start = space + 1
        }
        // Never start inside a terminal escape sequence: its rest would be shown as text
        // once the snippet is sanitised. Starting at it, the sanitiser removes it whole.
        if start > 0, let escape = characters[max(0, start - 32)..<start].lastIndex(where: Self.startsSequence) {
            start = escape
        }
        if end < count, !characters[end].isWhitespace, !characters[end - 1].isWhitespace,
           let space = characters[max(match.upperBound, end - 10)..<end].lastIndex(where: \.isWhitespace) {
            end = space
        }
        return start..<end
    }

    /// ESC, and the C1 controls that open a sequence (CSI, OSC, DCS, SOS, PM, APC).
    static func startsSequence(_ character: Character) -> Bool {
        guard let value = character.unicodeScalars.first?.value else { return false }
        return value == 0x1B || value == 0x9B || value == 0x9D || value == 0x90 || value == 0x98 || value == 0x9E || value == 0x9F
    }

    /// `characters[window]` as one line, marked where it meets `marks`, with "…" for cuts.
    static func excerpt(_ characters: [Character], _ window: Range<Int>, marks: [Range<Int>],
                        cutBefore: Bool, cutAfter: Bool) -> SearchSnippet {
        var pieces: [(String, Bool)] = []
        if cutBefore { pieces.append(("…", false)) }
        var current = ""
        var currentIsMatch = false
        var lastWasSpace = true  // no space at the start
        var markIndex = 0
        for index in window {
            while markIndex < marks.count, marks[markIndex].upperBound <= index { markIndex += 1 }
            let isMatch = markIndex < marks.count && marks[markIndex].contains(index)
            var character = characters[index]
            if character.isWhitespace {
                if lastWasSpace && !isMatch { continue }
                character = " "
                lastWasSpace = true
            } else {
                lastWasSpace = false
            }
            if isMatch != currentIsMatch {
                pieces.append((current, currentIsMatch))
                current = ""
                currentIsMatch = isMatch
            }
            current.append(character)
        }
        if !currentIsMatch { while current.last == " " { current.removeLast() } }
        pieces.append((current, currentIsMatch))
        if cutAfter { pieces.append(("…", false)) }
        return SearchSnippet(pieces: pieces)
    }
}

/// A text's folded UTF-8, and where each match found in it is in the text.
struct FoldedText {
    let bytes: [UInt8]
    /// For each folded byte, the UTF-8 offset in the text of the scalar it came from; nil
    /// when folding kept the length of every scalar (nearly always), so offsets are equal.
    let origin: [Int]?
    /// The text's length in UTF-8 bytes.
    let length: Int

    init(_ text: String) {
        let (bytes, sameLength) = SearchFolding.foldedUTF8(text)
        length = text.utf8.count
        if sameLength {
            self.bytes = bytes
            origin = nil
            return
        }
        // A scalar changed length ("İ" is "i̇" in lower case): fold again, noting origins.
        var folded: [UInt8] = []
        var origin: [Int] = []
        var offset = 0
        for scalar in text.unicodeScalars {
            let before = folded.count
            SearchFolding.append(scalar, to: &folded)
            origin.append(contentsOf: repeatElement(offset, count: folded.count - before))
            offset += UTF8.width(scalar)
        }
        self.bytes = folded
        self.origin = origin
    }

    /// Where the (folded) words occur, as UTF-8 ranges of the text sorted by start: every
    /// occurrence starting within `region` (UTF-8 offsets of the text), or the earliest
    /// `stoppingAfter` of each word. A match of valid UTF-8 in valid UTF-8 starts and ends
    /// on scalar boundaries.
    func occurrences(of words: [String], within region: Range<Int>? = nil, stoppingAfter limit: Int = .max) -> [Range<Int>] {
        var found: [Range<Int>] = []
        let startByte = region.map { foldedOffset($0.lowerBound) } ?? 0
        let endByte = region.map { foldedOffset($0.upperBound) } ?? bytes.count
        bytes.withUnsafeBufferPointer { haystack in
            for word in words {
                var word = word
                word.withUTF8 { needle in
                    var from = startByte
                    var taken = 0
                    while taken < limit, let at = ByteSearch.first(needle, in: haystack, from: from, foldingASCII: false),
                          at < endByte {
                        found.append(textRange(at..<(at + needle.count)))
                        from = at + needle.count
                        taken += 1
                    }
                }
            }
        }
        return found.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// The characters of `text[bounds]`, and `occurrences` as merged ranges of indexes into
    /// them, each widened to whole characters.
    func characters(of text: String, _ bounds: Range<String.Index>, marking occurrences: [Range<Int>]) -> ([Character], [Range<Int>]) {
        let slice = text[bounds]
        let utf8 = text.utf8
        var characters: [Character] = []
        var starts: [Int] = []  // the UTF-8 offset each character starts at
        var index = slice.startIndex
        while index < slice.endIndex {
            characters.append(slice[index])
            starts.append(utf8.distance(from: utf8.startIndex, to: index))
            index = slice.index(after: index)
        }
        guard !characters.isEmpty else { return ([], []) }
        let end = utf8.distance(from: utf8.startIndex, to: slice.endIndex)
        func character(atOrBefore offset: Int) -> Int {
            var low = 0, high = starts.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if starts[mid] <= offset { low = mid } else { high = mid - 1 }
            }
            return low
        }
        var ranges: [Range<Int>] = []
        for occurrence in occurrences where occurrence.lowerBound >= starts[0] && occurrence.upperBound <= end {
            let first = character(atOrBefore: occurrence.lowerBound)
            let last = character(atOrBefore: occurrence.upperBound - 1) + 1
            if let previous = ranges.last, previous.upperBound >= first {
                ranges[ranges.count - 1] = previous.lowerBound..<max(previous.upperBound, last)
            } else {
                ranges.append(first..<last)
            }
        }
        return (characters, ranges)
    }

    /// The text's UTF-8 range of folded bytes `range`.
    private func textRange(_ range: Range<Int>) -> Range<Int> {
        guard let origin else { return range }
        // The end is where the next scalar starts (a match may end inside an expansion: "i" of "İ").
        let last = origin[range.upperBound - 1]
        var next = range.upperBound
        while next < origin.count, origin[next] == last { next += 1 }
        return origin[range.lowerBound]..<(next < origin.count ? origin[next] : length)
    }

    /// The first folded byte at or after the text's UTF-8 offset `offset`.
    private func foldedOffset(_ offset: Int) -> Int {
        guard let origin else { return offset }
        var low = 0, high = origin.count
        while low < high {
            let mid = (low + high) / 2
            if origin[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
