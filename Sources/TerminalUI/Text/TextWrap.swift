/// Word wrapping and truncation by display width.
///
/// Rules: lines break at spaces (the spaces at a break are dropped), between two CJK
/// characters, or — for a word longer than the width — between any two grapheme clusters.
/// A grapheme cluster is never split and no line is wider than the width. A cluster wider
/// than the whole width (a wide character at width 1) cannot be shown and is skipped.
/// Continuation lines of an indented line or a list item ("- ", "1. ") keep the indentation.
public enum TextWrap {
    /// Wraps plain text (which may contain newlines) to `width` cells.
    public static func wrap(_ text: String, width: Int) -> [String] {
        wrap(StyledLine(text), width: width).map(\.text)
    }

    /// Wraps a styled line (newlines inside spans start new lines) to `width` cells.
    /// Continuation lines are prefixed with spaces matching the paragraph's indentation.
    public static func wrap(_ line: StyledLine, width: Int, keepIndent: Bool = true) -> [StyledLine] {
        guard width > 0 else { return [] }
        var out: [StyledLine] = []
        for paragraph in splitParagraphs(line) {
            let items = paragraph.flatMap { span in span.text.map { (character: $0, style: span.style) } }
            let characters = items.map(\.character)
            let widths = characters.map(DisplayWidth.of)
            var indent = keepIndent ? continuationIndent(characters) : 0
            if indent > width / 2 { indent = 0 }
            let ranges = lineRanges(widths: widths, isSpace: characters.map(isBreakingSpace),
                                    breaksAnywhere: characters.map(DisplayWidth.allowsBreakAnywhere),
                                    firstWidth: width, restWidth: width - indent)
            for (index, range) in ranges.enumerated() {
                var styled = StyledLine()
                if index > 0 && indent > 0 { styled.append(String(repeating: " ", count: indent)) }
                for i in range where widths[i] <= (index == 0 ? width : width - indent) { styled.append(String(items[i].character), items[i].style) }
                out.append(styled)
            }
        }
        return out
    }

    /// The core line breaker: given per-cluster widths, which clusters are breaking
    /// spaces and which allow a break on either side (CJK), returns the cluster index
    /// range of each line. Between consecutive ranges lie only the dropped spaces.
    /// An empty input gives one empty line.
    public static func lineRanges(widths: [Int], isSpace: [Bool], breaksAnywhere: [Bool],
                                  firstWidth: Int, restWidth: Int) -> [Range<Int>] {
        let n = widths.count
        var ranges: [Range<Int>] = []
        var lineStart = 0, column = 0, i = 0
        var lastBreak: (end: Int, next: Int)? = nil
        var limit = max(1, firstWidth)
        func emit(_ range: Range<Int>, next: Int) {
            ranges.append(range)
            lineStart = next
            i = next
            column = 0
            lastBreak = nil
            limit = max(1, restWidth)
        }
        while i < n {
            let w = widths[i]
            if isSpace[i] {
                if column + w > limit {
                    var j = i
                    while j < n && isSpace[j] { j += 1 }
                    emit(lineStart..<i, next: j)
                    continue
                }
                var runStart = i
                while runStart > lineStart && isSpace[runStart - 1] { runStart -= 1 }
                column += w
                i += 1
                if runStart > lineStart { lastBreak = (runStart, i) }
                continue
            }
            if i > lineStart && !isSpace[i - 1] && (breaksAnywhere[i] || breaksAnywhere[i - 1]) {
                lastBreak = (i, i)
            }
            if w > limit && i == lineStart {
                // Wider than a whole line: it gets a line of its own and is not drawn.
                emit(i..<(i + 1), next: i + 1)
                continue
            }
            if column + w > limit {
                if let b = lastBreak, b.end > lineStart {
                    emit(lineStart..<b.end, next: b.next)
                } else {
                    emit(lineStart..<i, next: i)
                }
                continue
            }
            column += w
            i += 1
        }
        if lineStart < n || ranges.isEmpty { ranges.append(lineStart..<n) }
        return ranges
    }

    /// Truncates text to at most `width` cells, ending with "…" when something was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        var out = "", used = 0
        for character in text {
            let w = DisplayWidth.of(character)
            if used + w > width - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// Pads text with spaces (or truncates it) to exactly `width` cells.
    public static func pad(_ text: String, to width: Int) -> String {
        let fitted = truncate(text, to: width)
        return fitted + String(repeating: " ", count: max(0, width - DisplayWidth.of(fitted)))
    }

    static func isBreakingSpace(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\u{3000}"
    }

    /// Width of the leading whitespace plus a list marker ("- ", "* ", "+ ", "12. ", "3) ").
    static func continuationIndent(_ characters: [Character]) -> Int {
        var i = 0
        while i < characters.count && characters[i] == " " { i += 1 }
        let spaces = i
        if i + 1 < characters.count, "-*+•".contains(characters[i]), characters[i + 1] == " " {
            return i + 2
        }
        var j = i
        while j < characters.count && characters[j].isASCII && characters[j].isNumber { j += 1 }
        if j > i, j + 1 < characters.count, characters[j] == "." || characters[j] == ")", characters[j + 1] == " " {
            return j + 2
        }
        return spaces
    }

    /// Splits a styled line at newlines into paragraphs of spans.
    static func splitParagraphs(_ line: StyledLine) -> [[StyledSpan]] {
        var paragraphs: [[StyledSpan]] = [[]]
        for span in line.spans {
            let parts = span.text.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, part) in parts.enumerated() {
                if index > 0 { paragraphs.append([]) }
                if !part.isEmpty { paragraphs[paragraphs.count - 1].append(StyledSpan(String(part), span.style)) }
            }
        }
        return paragraphs
    }
}
