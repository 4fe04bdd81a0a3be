/// Line-by-line syntax colouring for fenced code: keywords, strings, comments and
/// numbers. Deliberately simple (no parsing): good enough to read code in a chat, fast
/// enough to run on every streamed chunk. Block comments (`/* … */`) and Python
/// triple-quoted strings carry over lines through ``State``.
public struct SyntaxHighlighter: Sendable {
    /// What the previous line left open.
    public enum State: Hashable, Sendable {
        case normal
        case blockComment
        case tripleString(Character)
    }

    public let language: CodeLanguage?

    /// A highlighter for a fence's info string ("swift", "py", "tsx", …); unknown
    /// languages get plain code colouring.
    public init(language: String) {
        self.language = CodeLanguage(fenceName: language)
    }

    /// Colours one line, updating `state` for the next line. All spans are on the
    /// ``ColorSlot/codeBackground`` background.
    public func highlight(_ line: String, state: inout State) -> StyledLine {
        var out = StyledLine()
        let bg = ColorSlot.codeBackground
        guard let language else {
            out.append(line, Style(.codeText, background: bg))
            return out
        }
        let chars = Array(line)
        var i = 0
        func emit(_ range: Range<Int>, _ slot: ColorSlot) {
            out.append(String(chars[range]), Style(slot, background: bg))
        }
        while i < chars.count {
            switch state {
            case .blockComment:
                let end = indexOf(chars, "*/", from: i).map { $0 + 2 } ?? chars.count
                emit(i..<end, .codeComment)
                if end <= chars.count, indexOf(chars, "*/", from: i) != nil { state = .normal }
                i = end
                continue
            case .tripleString(let quote):
                let marker = String(repeating: String(quote), count: 3)
                let end = indexOf(chars, marker, from: i).map { $0 + 3 } ?? chars.count
                if indexOf(chars, marker, from: i) != nil { state = .normal }
                emit(i..<end, .codeString)
                i = end
                continue
            case .normal:
                break
            }
            let c = chars[i]
            if let prefix = language.lineComment.first(where: { starts(chars, $0, at: i) }), !prefix.isEmpty {
                emit(i..<chars.count, .codeComment)
                break
            }
            if language.blockComments && starts(chars, "/*", at: i) {
                state = .blockComment
                let end = indexOf(chars, "*/", from: i + 2).map { $0 + 2 }
                if end != nil { state = .normal }
                emit(i..<(end ?? chars.count), .codeComment)
                i = end ?? chars.count
                continue
            }
            if language.tripleQuotes, c == "\"" || c == "'", starts(chars, String(repeating: String(c), count: 3), at: i) {
                let marker = String(repeating: String(c), count: 3)
                if let close = indexOf(chars, marker, from: i + 3) {
                    emit(i..<(close + 3), .codeString)
                    i = close + 3
                } else {
                    state = .tripleString(c)
                    emit(i..<chars.count, .codeString)
                    i = chars.count
                }
                continue
            }
            if language.quotes.contains(c) {
                var j = i + 1
                while j < chars.count && chars[j] != c {
                    j += chars[j] == "\\" ? 2 : 1
                }
                let end = min(j + 1, chars.count)
                emit(i..<end, .codeString)
                i = end
                continue
            }
            if c.isNumber && c.isASCII, i == 0 || !isIdentifier(chars[i - 1]) {
                var j = i + 1
                while j < chars.count && (isIdentifier(chars[j]) || chars[j] == ".") { j += 1 }
                emit(i..<j, .codeNumber)
                i = j
                continue
            }
            if isIdentifier(c) {
                var j = i + 1
                while j < chars.count && (isIdentifier(chars[j]) || (language.dashInWords && chars[j] == "-")) { j += 1 }
                let word = String(chars[i..<j])
                emit(i..<j, language.keywords.contains(word) ? .codeKeyword : .codeText)
                i = j
                continue
            }
            emit(i..<(i + 1), .codeText)
            i += 1
        }
        return out
    }

    private func isIdentifier(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber || c == "$" || c == "@" }

    private func starts(_ chars: [Character], _ text: String, at i: Int) -> Bool {
        var j = i
        for t in text {
            guard j < chars.count, chars[j] == t else { return false }
            j += 1
        }
        return true
    }

    private func indexOf(_ chars: [Character], _ text: String, from: Int) -> Int? {
        guard from <= chars.count else { return nil }
        return (from..<chars.count).first { starts(chars, text, at: $0) }
    }
}
