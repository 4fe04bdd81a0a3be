import ChatCore
import Testing
import TerminalUI

@Suite("Fuzz: Markdown, wrapping, terminal sanitizer")
struct TextFuzzTests {
    static let markdownSeeds: [[UInt8]] = [
        "# Title\n\nSome *emphasis* and **bold** and `code` with a [link](http://x).\n\n- item one\n- item two that is long enough to wrap\n  1. nested\n\n> quote\n\n```swift\nlet x = \"中文\" // 👨‍👩‍👧\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n",
        "中文文本没有空格也必须换行中文文本没有空格也必须换行 🇫🇷🇫🇷🇫🇷 e\u{301}e\u{301} \u{3000}\u{3000} wordwithoutanyspaceswhatsoeverlongerthanthewidth\t\ttabs",
        "    indented code\n1) item\n* star\n+ plus\n\u{1B}[31mred\u{1B}[0m \u{202E}abc \u{200B}",
    ].map { Array($0.utf8) }

    @Test func noLineIsWiderThanTheWidth() {
        let renderer = MarkdownRenderer()
        Fuzz.run("markdown-wrap", seeds: Self.markdownSeeds) { input, rng in
            let text = input.text
            let width = rng.chance(30) ? 1 + rng.below(8) : 1 + rng.below(200)
            for line in renderer.render(text, width: width) {
                try Fuzz.check(line.width <= width, "markdown line \(line.text.debugDescription) is \(line.width) wide at \(width)")
            }
            for line in TextWrap.wrap(text, width: width) {
                try Fuzz.check(DisplayWidth.of(line) <= width, "wrapped line \(line.debugDescription) is wider than \(width)")
            }
            let truncated = TextWrap.truncate(text, to: width)
            try Fuzz.check(DisplayWidth.of(truncated) <= width, "truncate gave \(truncated.debugDescription)")
        }
    }

    @Test func sanitizedTextHasNoControlsAndIsStable() {
        let seeds = Self.markdownSeeds + [
            "a\u{1B}]52;c;SGVsbG8=\u{07}b\u{1B}]0;pwned\u{1B}\\c\u{1B}[2J\u{1B}[Hd\u{9B}31me\u{202E}f\u{200B}g\u{0}h\u{7}i\rj\u{8}k\u{9D}x\u{9C}l\u{1B}Pq\u{1B}\\m",
        ].map { Array($0.utf8) }
        Fuzz.run("sanitizer", seeds: seeds) { input, rng in
            let text = input.text
            let clean = TerminalSanitizer.clean(text)
            let bad = clean.unicodeScalars.first { !TerminalSanitizer.isAllowedOnScreen($0) }
            try Fuzz.check(bad == nil, "U+\(String(bad?.value ?? 0, radix: 16)) survived in \(clean.debugDescription)")
            try Fuzz.check(TerminalSanitizer.clean(clean) == clean, "not idempotent: \(clean.debugDescription)")
            // Streaming: the deltas of a reply, cleaned one by one, give the whole text cleaned.
            var streaming = TerminalSanitizer()
            let pieces = Fuzz.randomSplit(input, &rng).map { $0.text }
            if pieces.joined() == text {
                let streamed = pieces.map { streaming.clean($0) }.joined()
                try Fuzz.check(streamed == clean, "streamed \(streamed.debugDescription) != whole \(clean.debugDescription)")
            }
        }
    }
}
