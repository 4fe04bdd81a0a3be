import ChatCore
import Testing

/// What a search looks for, and the snippets it shows: pure functions, no history.
@Suite("Search words and snippets")
struct SearchSnippetTests {
    @Test func wordsAreSplitOnAnyWhitespaceAndKeptOnce() {
        let query = SearchQuery("  Cache\tcache\nPREFIX\u{3000}前缀 nul\u{0}x ")
        #expect(query.words == ["Cache", "PREFIX", "前缀", "nul\u{FFFD}x"])
        #expect(query.foldedWords == ["cache", "prefix", "前缀", "nul\u{FFFD}x"])
        #expect(SearchQuery(" \n ").isEmpty && !SearchQuery("x").isEmpty)
        #expect(query.description == "Cache PREFIX 前缀 nul\u{FFFD}x")
    }

    @Test func containsFoldsCaseInEveryScript() {
        #expect(SearchQuery.contains("Prefix CACHING", folded: "cach"))
        #expect(!SearchQuery.contains("Prefix caching", folded: "über"), "a non-ASCII word is in no ASCII text")
        #expect(SearchQuery.contains("ÜBERBLICK", folded: "über"))
        #expect(SearchQuery.contains("ΛΌΓΟΣ", folded: SearchQuery.fold("λόγος")), "final sigma is sigma")
        #expect(SearchQuery.contains("5 \u{212A}elvin", folded: "kelvin"))
        #expect(!SearchQuery.contains("İstanbul", folded: "istanbul"), "İ is not folded, as in SQLite")
        #expect(SearchQuery.contains("anything", folded: ""))
        #expect(SearchQuery("cache prefix").matches("The PREFIX cache"))
        #expect(!SearchQuery("cache prefix").matches("The cache"))
        #expect(SearchQuery("cache prefix").matches(anyOf: ["The cache", nil, "a prefix"]))
        #expect(!SearchQuery("").matches("anything"), "an empty query matches nothing")
    }

    @Test func aShortTextIsShownWholeWithEveryMatchMarked() throws {
        let snippet = try #require(SearchQuery("cache").snippet(of: "The cache, and the Cache again."))
        #expect(snippet.text == "The cache, and the Cache again.")
        #expect(snippet.matches == [4..<9, 19..<24])
        #expect(snippet.matchedTexts == ["cache", "Cache"])
        #expect(snippet.pieces.map(\.isMatch) == [false, true, false, true, false])
        #expect(SearchQuery("absent").snippet(of: "The cache") == nil)
    }

    @Test func aLongTextIsCutAroundTheFirstMatchOnOneLine() throws {
        let before = String(repeating: "lorem ipsum ", count: 30)
        let after = String(repeating: " dolor sit amet", count: 30)
        let text = before + "first match of\n\n\tthe cache" + after + " cache at the end"
        let snippet = try #require(SearchQuery("cache").snippet(of: text))
        #expect(snippet.text.hasPrefix("…") && snippet.text.hasSuffix("…"))
        #expect(snippet.text.count <= SearchQuery.snippetWidth + 2)
        #expect(snippet.text.hasPrefix("…of the cache dolor"), "a cut word left out, whitespace runs as one space: \(snippet.text)")
        #expect(snippet.matchedTexts == ["cache"], "only what is inside the window")
        let start = try #require(snippet.matches.first?.lowerBound)
        #expect(start > 5 && start < SearchQuery.snippetWidth / 2, "about a quarter of the window comes before")
        #expect(!snippet.text.contains("  "))

        // At the end of a long text the window stays full, ending with the text.
        let last = try #require(SearchQuery("end").snippet(of: String(repeating: "x ", count: 5_000) + "the very end"))
        #expect(last.text.hasSuffix("the very end") && last.text.hasPrefix("…"))
        #expect(last.text.count >= SearchQuery.snippetWidth - 10)
    }

    @Test func marksCoverWholeCharacters() throws {
        let thumbs = try #require(SearchQuery("👍").snippet(of: "thumbs 👍🏽 up"))
        #expect(thumbs.matchedTexts == ["👍🏽"])
        let accent = try #require(SearchQuery("e").snippet(of: "x e\u{301}x"))
        #expect(accent.matchedTexts == ["e\u{301}"])
        // Folding that changes a character's length: the Kelvin sign, capital sharp s.
        let kelvin = try #require(SearchQuery("kelvin").snippet(of: "5 \u{212A}elvin, ẞtraße"))
        #expect(kelvin.matchedTexts == ["\u{212A}elvin"])
        let street = try #require(SearchQuery("ßtr").snippet(of: "5 \u{212A}elvin, ẞtraße"))
        #expect(street.matchedTexts == ["ẞtr"])
        let chinese = try #require(SearchQuery("缓存").snippet(of: "前缀缓存很有用，硬盘缓存"))
        #expect(chinese.matchedTexts == ["缓存", "缓存"])
    }

    @Test func aTitleIsMarkedWhole() {
        let title = SearchQuery("cach pre").marked("Prefix caching: precache")
        #expect(title.text == "Prefix caching: precache")
        #expect(title.matchedTexts == ["Pre", "cach", "precach"])
        #expect(SearchQuery("zebra").marked("Prefix").matches.isEmpty)
    }

    @Test func aSnippetNeverStartsInsideAnEscapeSequence() throws {
        let text = String(repeating: "padding ", count: 20) + "\u{1B}]0;secret title\u{07}" + "and then the needle is here"
        let snippet = try #require(SearchQuery("needle").snippet(of: text))
        #expect(snippet.text.contains("\u{1B}]0;"), "the window starts at the sequence, so it is removed whole")
        let shown = snippet.sanitized()
        #expect(!shown.text.contains("secret") && !shown.text.contains("\u{1B}"))
        #expect(shown.matchedTexts == ["needle"])
    }

    @Test func sanitisingMovesTheMarksWithTheText() {
        let snippet = SearchSnippet(pieces: [("a\u{1B}[31mb ", false), ("cache", true), (" \u{202E}x", false), ("cache", true)])
        #expect(snippet.matches == [8..<13, 16..<21])
        let shown = snippet.sanitized()
        #expect(shown.text == "ab cache xcache")
        #expect(shown.matchedTexts == ["cache", "cache"])
        #expect(shown.matches == [3..<8, 10..<15])
        // A mark inside a sequence goes with it.
        #expect(SearchSnippet(pieces: [("\u{1B}]0;", false), ("word", true), ("\u{07}rest", false)]).sanitized().text == "rest")
    }

    @Test func offsetsForJSONReadersAreInUnicodeScalars() {
        let snippet = SearchSnippet(pieces: [("前缀 👍🏽 ", false), ("cache", true)])
        #expect(snippet.scalarMatches.map(\.offset) == [6] && snippet.scalarMatches.map(\.length) == [5])
        #expect(SearchQuery.opening(of: String(repeating: "ab ", count: 40)).text.hasSuffix("…"))
        #expect(SearchQuery.opening(of: "short\ntext").text == "short text")
    }
}
