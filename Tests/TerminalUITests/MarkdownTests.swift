import TestSupport
import Testing
@testable import TerminalUI

@Suite struct MarkdownTests {
    static let document = """
        # Cache hits

        DeepSeek bills **cached** prefixes at a *fraction* of the price; see [the docs](https://api-docs.deepseek.com) or <https://example.com>.
        Use `prompt_cache_hit_tokens` to check.

        ## Lists
        - first item with enough words to wrap onto the next line
        - second
          - nested *italic*
            - deeper
        1. one
        2. two

        > A quote that is **important**
        > and continues.

        ---

        ```python
        def hit_ratio(hit, miss):  # comment
            return hit / (hit + miss) if hit else 0.0
        s = "string"
        ```

        ```json
        {"hit": 1024, "ok": true}
        ```

        ### 中文标题
        中文段落：缓存命中可以节省费用。👍🏽
        """

    /// Renders lines as text plus a style grid, for golden files.
    static func dump(_ lines: [StyledLine], width: Int) -> String {
        let buffer = ScreenBuffer(size: Size(width: width, height: lines.count))
        let painter = Painter(buffer)
        for (y, line) in lines.enumerated() { painter.line(line, at: Point(x: 0, y: y)) }
        let terminal = VirtualTerminal(size: buffer.size)
        terminal.present(buffer, cursor: nil)
        return Fixtures.dump(terminal)
    }

    @Test(arguments: [60, 32])
    func documentSnapshot(width: Int) {
        let lines = MarkdownRenderer.renderUncached(Self.document, width: width)
        for line in lines { #expect(line.width <= width) }
        Snapshot.assertMatches(Self.dump(lines, width: width), named: "document-\(width)")
    }

    @Test func codeLanguagesSnapshot() {
        let samples = [
            ("swift", "func f() -> Int { return 42 } // c"),
            ("js", "const s = `t`; /* block */ let n = 3.5"),
            ("rust", "fn main() { let mut x = \"s\"; }"),
            ("go", "func main() { fmt.Println(\"hi\", 7) }"),
            ("c", "int main(void) { return 0; /* x"),
            ("c", "   still comment */ int y = 1;"),
            ("shell", "echo \"$HOME\" --flag # note"),
            ("ts", "interface A { x: number }"),
        ]
        var lines: [StyledLine] = []
        for (language, code) in samples {
            lines += MarkdownRenderer.renderUncached("```\(language)\n\(code)\n```", width: 44)
        }
        Snapshot.assertMatches(Self.dump(lines, width: 44), named: "languages")
    }

    @Test func unclosedFenceRendersAsCode() {
        let blocks = MarkdownParser.parse("Text\n\n```swift\nlet a = 1\nlet b")
        #expect(blocks.last == .code(language: "swift", lines: ["let a = 1", "let b"], closed: false))
        let lines = MarkdownRenderer.renderUncached("```\nlet a", width: 20)
        #expect(lines.allSatisfy { $0.fill == .codeBackground })
    }

    @Test func inlineStyles() {
        let line = MarkdownInline.render("a **b** *c* `d` [e](http://f) **unclosed")
        #expect(line.text == "a b c d e (http://f) **unclosed")
        #expect(line.spans.first { $0.text == "b" }?.style.attributes == .bold)
        #expect(line.spans.first { $0.text == "c" }?.style.attributes == .italic)
        #expect(line.spans.first { $0.text == "d" }?.style.foreground == .inlineCode)
        #expect(line.spans.first { $0.text == "e" }?.style.foreground == .link)
        #expect(line.spans.first { $0.text == " (http://f)" }?.style.foreground == .dimText)
        #expect(MarkdownInline.render("snake_case_name").text == "snake_case_name")
    }

    @Test func streamingReRendersOnlyTheLastBlock() {
        let renderer = MarkdownRenderer()
        var text = "# Title\n\nFirst paragraph.\n\n```swift\n"
        _ = renderer.render(text, width: 40)
        let before = renderer.blocksRendered
        for chunk in ["let a", " = 1\n", "print(a)\n", "```\n\nDone."] {
            text += chunk
            _ = renderer.render(text, width: 40)
        }
        // 4 chunks: the code block re-rendered each time (+1 for "Done." paragraph); the
        // heading and first paragraph never again.
        #expect(renderer.blocksRendered - before == 5)
        #expect(renderer.render(text, width: 40) == MarkdownRenderer.renderUncached(text, width: 40))
    }
}
