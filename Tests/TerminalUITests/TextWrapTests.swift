import ChatCore
import Testing
@testable import TerminalUI

@Suite struct TextWrapTests {
    @Test func wrapsAtSpaces() {
        #expect(TextWrap.wrap("the quick brown fox jumps", width: 10) == ["the quick", "brown fox", "jumps"])
    }

    @Test func splitsLongWords() {
        #expect(TextWrap.wrap("abcdefghijkl xy", width: 5) == ["abcde", "fghij", "kl xy"])
    }

    @Test func cjkBreaksAnywhere() {
        #expect(TextWrap.wrap("缓存命中是指请求的前缀", width: 8) == ["缓存命中", "是指请求", "的前缀"])
        #expect(TextWrap.wrap("日本語 text です", width: 7) == ["日本語", "text で", "す"])
    }

    @Test func neverSplitsClustersOrExceedsWidth() {
        let lines = TextWrap.wrap("👩‍👩‍👧‍👦👍🏽e\u{301}e\u{301}中", width: 3)
        #expect(lines == ["👩‍👩‍👧‍👦", "👍🏽e\u{301}", "e\u{301}中"])
        for line in lines { #expect(DisplayWidth.of(line) <= 3) }
    }

    @Test func keepsListIndentation() {
        #expect(TextWrap.wrap("  - one two three four", width: 12) == ["  - one two", "    three", "    four"])
        #expect(TextWrap.wrap("12. alpha beta gamma", width: 11) == ["12. alpha", "    beta", "    gamma"])
    }

    @Test func keepsNewlinesAndEmptyLines() {
        #expect(TextWrap.wrap("a\n\nb", width: 5) == ["a", "", "b"])
        #expect(TextWrap.wrap("", width: 5) == [""])
    }

    @Test func truncateAddsEllipsis() {
        #expect(TextWrap.truncate("hello world", to: 6) == "hello…")
        #expect(TextWrap.truncate("中文中文", to: 5) == "中文…")
        #expect(TextWrap.truncate("ok", to: 5) == "ok")
    }

    /// Random text from a seeded generator: no line exceeds the width, and the lines plus
    /// the dropped spaces between them give back the input exactly.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomTextProperties(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let alphabet: [String] = ["a", "b", "c", "hello", " ", " ", "  ", "中", "文", "日本", "👩‍👩‍👧‍👦", "👍🏽",
                                  "e\u{301}", "ß", "x", "longwordwithoutspaces", "\u{3000}", "🇯🇵"]
        for _ in 0..<40 {
            let text = (0..<Int(rng.next() % 40)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
            let width = 2 + Int(rng.next() % 18)
            let chars = Array(text)
            let widths = chars.map(DisplayWidth.of)
            let ranges = TextWrap.lineRanges(widths: widths, isSpace: chars.map(TextWrap.isBreakingSpace),
                                             breaksAnywhere: chars.map(DisplayWidth.allowsBreakAnywhere),
                                             firstWidth: width, restWidth: width)
            var rebuilt = ""
            var previousEnd = 0
            for range in ranges {
                let gap = chars[previousEnd..<range.lowerBound]
                #expect(gap.allSatisfy(TextWrap.isBreakingSpace), "only spaces are dropped")
                rebuilt += String(gap) + String(chars[range])
                previousEnd = range.upperBound
                #expect(range.map { widths[$0] }.reduce(0, +) <= width, "line too wide in \(text.debugDescription) at \(width)")
            }
            rebuilt += String(chars[previousEnd...])
            #expect(rebuilt == text)
            for line in TextWrap.wrap(text, width: width) { #expect(DisplayWidth.of(line) <= width) }
        }
    }
}



@Suite("Find highlighting")
struct HighlightTests {
    @Test func everyOccurrenceAnyCaseIsMarkedAndTheRestKeepsItsStyle() {
        var line = StyledLine("Cache hits ", Style(.text))
        line.append("CACHE", Style(.emphasis))
        line.append(" 缓存 cache", Style(.text))
        let marked = line.highlighting("cache")
        #expect(marked.text == line.text)
        let match = Style(.text, background: .selection, attributes: [.reverse, .bold])
        #expect(marked.spans.filter { $0.style == match }.map(\.text) == ["Cache", "CACHE", "cache"])
        #expect(marked.spans.contains { $0.text == " hits " && $0.style == Style(.text) })
        #expect(line.highlighting("absent") == line)
        #expect(line.highlighting("缓存").spans.contains { $0.text == "缓存" && $0.style == match })
    }
}
