/// One block of a Markdown document, as found by ``MarkdownParser``.
public enum MarkdownBlock: Hashable, Sendable {
    case heading(level: Int, text: String)
    case paragraph(String)
    /// A list item; `depth` 0 is top level, `marker` is "-" for bullets or "3." for numbers.
    /// `text` holds the item's first paragraph including continuation lines.
    case listItem(depth: Int, marker: String, text: String)
    /// The quoted lines without their ">" markers (rendered as nested Markdown).
    case quote(String)
    /// A fenced code block; `closed` is false while a streaming reply is still inside it.
    case code(language: String, lines: [String], closed: Bool)
    case rule

    var isListItem: Bool {
        if case .listItem = self { return true }
        return false
    }
}

/// A small, line-oriented Markdown block parser: the subset chat models write
/// (ATX headings, paragraphs, nested bullet/numbered lists, block quotes, fenced code,
/// horizontal rules). Tables and HTML pass through as paragraphs.
///
/// Every block starts from a clean state, so a streaming message only changes its last
/// block as text arrives; ``MarkdownRenderer`` caches the others.
public enum MarkdownParser {
    public static func parse(_ text: String) -> [MarkdownBlock] {
        parse(lines: lines(of: text)).map(\.block)
    }

    /// The text's lines (a trailing `\r` dropped); the last one is what follows the last newline.
    static func lines(of text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
    }

    /// Blocks with the lines each one consumed. A block's extent depends only on its own
    /// lines and the line after it, which is what lets a streaming reply commit finished
    /// blocks and parse only the rest (`StreamingMarkdown`).
    static func parse(lines: [Substring]) -> [(block: MarkdownBlock, lines: Range<Int>)] {
        var blocks: [(block: MarkdownBlock, lines: Range<Int>)] = []
        var i = 0
        while i < lines.count {
            let start = i
            let line = lines[i]
            let trimmed = line.drop { $0 == " " }
            let indent = line.count - trimmed.count
            if trimmed.isEmpty { i += 1; continue }
            if indent < 4, let fence = fenceMarker(trimmed) {
                let language = trimmed.dropFirst(fence.count).trimmingSpaces().split(separator: " ").first.map(String.init) ?? ""
                var code: [String] = []
                var closed = false
                i += 1
                while i < lines.count {
                    let candidate = lines[i].drop { $0 == " " }
                    if candidate.hasPrefix(fence), candidate.dropFirst(fence.count).allSatisfy({ $0 == fence.first! || $0 == " " }) {
                        closed = true
                        i += 1
                        break
                    }
                    code.append(String(lines[i].dropFirst(min(indent, lines[i].prefix { $0 == " " }.count))))
                    i += 1
                }
                blocks.append((.code(language: language.lowercased(), lines: code, closed: closed), start..<i))
                continue
            }
            if let level = headingLevel(trimmed) {
                let text = trimmed.dropFirst(level).trimmingSpaces()
                blocks.append((.heading(level: level, text: String(text.trimmingTrailing("#").trimmingSpaces())), start..<(i + 1)))
                i += 1
                continue
            }
            if isRule(trimmed) {
                blocks.append((.rule, start..<(i + 1)))
                i += 1
                continue
            }
            if trimmed.hasPrefix(">") {
                var quoted: [Substring] = []
                while i < lines.count {
                    let q = lines[i].drop { $0 == " " }
                    guard q.hasPrefix(">") else { break }
                    var rest = q.dropFirst()
                    if rest.hasPrefix(" ") { rest = rest.dropFirst() }
                    quoted.append(rest)
                    i += 1
                }
                blocks.append((.quote(quoted.joined(separator: "\n")), start..<i))
                continue
            }
            if let (marker, content) = listMarker(trimmed) {
                var text = String(content)
                i += 1
                while i < lines.count, let next = continuation(lines[i]) {
                    text += " " + next
                    i += 1
                }
                blocks.append((.listItem(depth: indent / 2, marker: marker, text: text), start..<i))
                continue
            }
            var text = String(trimmed)
            i += 1
            while i < lines.count, let next = continuation(lines[i]) {
                text += " " + next
                i += 1
            }
            blocks.append((.paragraph(text), start..<i))
        }
        return blocks
    }

    /// A line that continues the current paragraph or list item (not blank, not a block start).
    static func continuation(_ line: Substring) -> String? {
        let trimmed = line.drop { $0 == " " }
        if trimmed.isEmpty || fenceMarker(trimmed) != nil || headingLevel(trimmed) != nil || isRule(trimmed)
            || trimmed.hasPrefix(">") || listMarker(trimmed) != nil {
            return nil
        }
        return String(trimmed)
    }

    static func fenceMarker(_ line: Substring) -> String? {
        for fence in ["```", "~~~"] where line.hasPrefix(fence) {
            let run = line.prefix { $0 == fence.first! }
            return String(run)
        }
        return nil
    }

    static func headingLevel(_ line: Substring) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        return rest.isEmpty || rest.first == " " ? hashes : nil
    }

    static func isRule(_ line: Substring) -> Bool {
        let chars = line.filter { $0 != " " }
        guard chars.count >= 3, let first = chars.first, "-*_".contains(first) else { return false }
        return chars.allSatisfy { $0 == first }
    }

    /// "- x", "* x", "+ x", "12. x", "3) x" → (marker, content).
    static func listMarker(_ line: Substring) -> (String, Substring)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return ("-", line.dropFirst(2))
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        let rest = line.dropFirst(digits.count)
        guard let punct = rest.first, punct == "." || punct == ")", rest.dropFirst().first == " " else { return nil }
        return (digits + ".", rest.dropFirst(2))
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self.drop { $0 == " " || $0 == "\t" }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }

    func trimmingTrailing(_ character: Character) -> Substring {
        var s = self
        while s.last == character { s = s.dropLast() }
        return s
    }
}
