/// Inline Markdown → styled spans: `**bold**`, `*italic*`/`_italic_`, `` `code` ``,
/// `[text](url)` (text as a link, then the URL dim), `<https://…>` autolinks and
/// backslash escapes. An unclosed delimiter stays literal (streaming text shows `**`
/// until the closing one arrives).
public enum MarkdownInline {
    /// Styles inline Markdown, starting from `base`.
    public static func render(_ text: String, base: Style = .plain) -> StyledLine {
        var line = StyledLine()
        render(Array(text), base: base, into: &line)
        return line
    }

    static func render(_ chars: [Character], base: Style, into line: inout StyledLine) {
        var i = 0
        var plain = ""
        func flush() {
            line.append(plain, base)
            plain = ""
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, chars[i + 1].isPunctuation || chars[i + 1].isSymbol {
                plain.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "`" {
                let run = count(chars, from: i, of: "`")
                if let close = find(chars, run: run, of: "`", from: i + run) {
                    flush()
                    var code = text(chars, (i + run)..<close)
                    if code.hasPrefix(" ") && code.hasSuffix(" ") && code.count > 2 { code = String(code.dropFirst().dropLast()) }
                    line.append(code, Style(.inlineCode, attributes: base.attributes))
                    i = close + run
                    continue
                }
                plain += String(repeating: "`", count: run)
                i += run
                continue
            }
            if c == "*" || c == "_" {
                let run = min(count(chars, from: i, of: c), 3)
                let opensWord = i + run < chars.count && !chars[i + run].isWhitespace
                let intraword = c == "_" && i > 0 && (chars[i - 1].isLetter || chars[i - 1].isNumber)
                if opensWord && !intraword, let close = findClosing(chars, run: run, of: c, from: i + run) {
                    flush()
                    var style = base
                    if run >= 2 { style = style.adding(.bold) }
                    if run != 2 { style = style.adding(.italic) }
                    render(Array(chars[(i + run)..<close]), base: style, into: &line)
                    i = close + run
                    continue
                }
                plain += String(repeating: String(c), count: run)
                i += run
                continue
            }
            if c == "[", let (label, url, end) = link(chars, at: i) {
                flush()
                render(Array(label), base: Style(.link, attributes: base.attributes), into: &line)
                if !url.isEmpty && text(chars, label.startIndex..<label.endIndex) != url { line.append(" (" + url + ")", Style(.dimText)) }
                i = end
                continue
            }
            if c == "<", let end = chars[i...].firstIndex(of: ">"), end > i + 1 {
                let inside = text(chars, (i + 1)..<end)
                if inside.hasPrefix("http://") || inside.hasPrefix("https://") {
                    flush()
                    line.append(inside, Style(.link))
                    i = end + 1
                    continue
                }
            }
            plain.append(c)
            i += 1
        }
        flush()
    }

    /// `chars[range]` as a String, one Character at a time: `String(_:)` of an array slice
    /// went through the standard library's unspecialised generic append, whose first use
    /// (a code span in the first frame's welcome) cost 0.2 ms of the start.
    static func text(_ chars: [Character], _ range: Range<Int>) -> String {
        var result = ""
        for index in range { result.append(chars[index]) }
        return result
    }

    static func count(_ chars: [Character], from i: Int, of c: Character) -> Int {
        var n = 0
        while i + n < chars.count && chars[i + n] == c { n += 1 }
        return n
    }

    /// A run of exactly `run` copies of `c` starting at or after `from`.
    static func find(_ chars: [Character], run: Int, of c: Character, from: Int) -> Int? {
        var j = from
        while j < chars.count {
            if chars[j] == c {
                let n = count(chars, from: j, of: c)
                if n == run { return j }
                j += n
            } else {
                j += 1
            }
        }
        return nil
    }

    /// A closing emphasis run: at least `run` delimiters not preceded by whitespace.
    static func findClosing(_ chars: [Character], run: Int, of c: Character, from: Int) -> Int? {
        var j = from
        while j < chars.count {
            if chars[j] == "`", let close = find(chars, run: count(chars, from: j, of: "`"), of: "`", from: j + count(chars, from: j, of: "`")) {
                j = close + count(chars, from: close, of: "`")
                continue
            }
            if chars[j] == c {
                let n = count(chars, from: j, of: c)
                let after = j + n < chars.count ? chars[j + n] : " "
                let closesWord = j > from && !chars[j - 1].isWhitespace
                let wordEnd = c == "*" || !(after.isLetter || after.isNumber)
                if n >= run && closesWord && wordEnd { return j + (n - run) }
                j += n
            } else {
                j += 1
            }
        }
        return nil
    }

    /// `[label](url)` starting at `i` → (label, url, index after).
    static func link(_ chars: [Character], at i: Int) -> (ArraySlice<Character>, String, Int)? {
        var depth = 0, j = i
        while j < chars.count {
            if chars[j] == "[" { depth += 1 }
            if chars[j] == "]" { depth -= 1; if depth == 0 { break } }
            j += 1
        }
        guard j + 1 < chars.count, chars[j + 1] == "(", let close = chars[(j + 2)...].firstIndex(of: ")") else { return nil }
        let url = text(chars, (j + 2)..<close).split(separator: " ").first.map(String.init) ?? ""
        return (chars[(i + 1)..<j], url, close + 1)
    }
}
