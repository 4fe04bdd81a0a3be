import ChatCore
import Testing

@Suite("TerminalSanitizer")
struct TerminalSanitizerTests {
    @Test(arguments: [
        ("a\u{1B}]52;c;SGVsbG8=\u{07}b", "ab"),                 // OSC 52 clipboard write, BEL-terminated
        ("a\u{1B}]0;pwned\u{1B}\\b", "ab"),                     // title change, ST-terminated
        ("\u{1B}[2J\u{1B}[Hclear", "clear"),                     // CSI
        ("\u{9B}31mred", "red"),                                 // 8-bit CSI
        ("\u{9D}0;t\u{9C}x", "x"),                               // 8-bit OSC and ST
        ("\u{1B}cR\u{1B}7S", "RS"),                              // two-byte escapes (reset, save cursor)
        ("a\u{202E}b\u{2066}c\u{200F}d\u{061C}e", "abcde"),      // bidi override, isolate, marks
        ("zero\u{200B}width\u{FEFF}\u{2060}", "zerowidth"),       // invisible characters
        ("👨\u{200D}👩\u{200D}👧", "👨\u{200D}👩\u{200D}👧"),        // ZWJ stays: emoji sequences need it
        ("\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}", "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}"),
        ("hid\u{E0068}\u{E0069}den", "hidden"),                  // tag characters outside an emoji: smuggled text
        ("a\u{0}b\u{7}c\rd\u{8}e\u{7F}f\tg\nh", "abcdef\tg\nh"),
        ("unterminated \u{1B}]0;title\nnext line", "unterminated \nnext line"),  // a broken OSC ends at the line
        ("\u{1B}[中文", "中文"),                                  // text cuts a CSI off
        ("a\u{1B}]0;x\u{18}b", "ab"),                            // CAN cancels
        ("line\u{2028}sep", "line\nsep"),
    ])
    func cleans(input: String, expected: String) {
        #expect(TerminalSanitizer.clean(input) == expected)
    }

    @Test func aSequenceSplitAcrossDeltasIsRemovedWhole() {
        var sanitizer = TerminalSanitizer()
        let pieces = ["split\u{1B}", "]0;", "half-title", "\u{07} end", "\u{1F3F4}", "\u{E0067}\u{E007F}"]
        #expect(pieces.map { sanitizer.clean($0) }.joined() == "split end\u{1F3F4}\u{E0067}\u{E007F}")
    }

    @Test func plainTextComesBackAsTheSameString() {
        let reply = String(repeating: "A plain line of a long reply, with tabs\tand newlines.\n", count: 2_000)
        var sanitizer = TerminalSanitizer()
        let cleaned = sanitizer.clean(reply)
        #expect(cleaned == reply)
        let storage = { (text: String) in text.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil }
        #expect(storage(cleaned) != nil && storage(cleaned) == storage(reply), "copied instead of shared")
        // Plain text after an open sequence is still part of that sequence.
        #expect(["x\u{1B}]0;", "plain title", "\u{07}after"].map { sanitizer.clean($0) }.joined() == "xafter")
        // Plain text ends an emoji tag sequence: a tag after it is smuggled text.
        #expect(["\u{1F3F4}", "x", "\u{E0067}y"].map { sanitizer.clean($0) }.joined() == "\u{1F3F4}xy")
    }
}
