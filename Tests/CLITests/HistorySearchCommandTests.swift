import Foundation
import TestSupport
import Testing

/// `cachechat history search` and `history list --search`, run as the real binary over a
/// history written by `cachechat ask` (against the built-in endpoint).
@Suite("cachechat history search")
struct HistorySearchCommandTests {
    static func ask(_ arguments: [String], _ env: [String: String]) throws {
        let result = try CachechatProcess.run(["ask"] + arguments, environment: env)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func findsTitlesAndMessagesAsTextAndJSON() throws {
        let home = try CachechatProcess.temporaryHome()
        let env = CachechatProcess.environment(home: home)
        try Self.ask(["Where is Zanzibar?"], env)
        try Self.ask(["--continue", "And what do okapis eat?"], env)
        try Self.ask(["Is Zanzibar an island? Answer: key:value \"quoted\""], env)

        // The words are marked only on a terminal; on a pipe the lines are plain.
        let text = try CachechatProcess.run(["history", "search", "OKAPIS"], environment: env)
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(text.stdout)")
        #expect(lines.first?.hasSuffix("Where is Zanzibar?") == true, "the conversation's title: \(text.stdout)")
        #expect(lines.last?.contains("#3 user: And what do okapis eat?") == true, "\(text.stdout)")
        #expect(!text.stdout.contains("\u{1B}"))

        // Title matches first, then the most recent; --limit cuts.
        let both = try CachechatProcess.run(["history", "search", "zanzibar", "--json"], environment: env)
        #expect(both.status == 0, "\(both.stderr)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(both.stdout.utf8)) as? [[String: Any]])
        #expect(results.count == 2)
        #expect(results.map { $0["title"] as? String } == ["Is Zanzibar an island? Answer: key:value \"quoted\"", "Where is Zanzibar?"])
        let first = results[0]
        #expect(first["in_title"] as? Bool == true)
        #expect((first["title_matches"] as? [[String: Int]])?.first == ["offset": 3, "length": 8])
        #expect((first["matching_messages"] as? Int ?? 0) >= 1, "the question, and the reply if it repeats the word")
        let message = try #require(first["message"] as? [String: Any])
        #expect(message["ordinal"] as? Int == 1 && message["role"] as? String == "user" && message["field"] as? String == "content")
        let snippet = try #require(message["snippet"] as? String)
        let mark = try #require((message["matches"] as? [[String: Int]])?.first)
        let scalars = Array(snippet.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[mark["offset"]!..<(mark["offset"]! + mark["length"]!)])) == "Zanzibar")
        #expect(try CachechatProcess.run(["history", "search", "zanzibar", "--limit", "1"], environment: env)
            .stdout.split(separator: "\n").count == 2)

        // Words are ANDed within one message; what is typed is never syntax.
        #expect(try CachechatProcess.run(["history", "search", "okapis", "island"], environment: env).stdout.hasPrefix("No conversation"))
        let quoted = try CachechatProcess.run(["history", "search", "--", "\"quoted\"", "key:value"], environment: env)
        #expect(quoted.status == 0 && quoted.stdout.contains("Is Zanzibar an island?"), "\(quoted.stdout)\(quoted.stderr)")
        #expect(try CachechatProcess.run(["history", "search", "--", "-", "*"], environment: env).status == 0)

        // Nothing found is not an error (as `history list`); nothing asked for is.
        let none = try CachechatProcess.run(["history", "search", "quagga"], environment: env)
        #expect(none.status == 0 && none.stdout == "No conversation contains “quagga”.\n")
        #expect(try CachechatProcess.run(["history", "search", "quagga", "--json"], environment: env).stdout == "[]\n")
        #expect(try CachechatProcess.run(["history", "search", " "], environment: env).status == 2)
        #expect(try CachechatProcess.run(["history", "search"], environment: env).status == 2)

        // `history list --search` finds message text too, not only titles.
        let listed = try CachechatProcess.run(["history", "list", "--search", "okapis"], environment: env)
        #expect(listed.stdout.split(separator: "\n").count == 2 && listed.stdout.contains("Where is Zanzibar?"), "\(listed.stdout)")
        #expect(try CachechatProcess.run(["history", "list", "--search", "quagga"], environment: env).stdout
            == "No conversation contains “quagga”.\n")
    }

    @Test func onATerminalTheWordsAreBoldAndStoredEscapesAreRemoved() throws {
        let deltas = TerminalSafetyCLITests.deltas
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply(deltas), pause: 0.005) }
        defer { server.stop() }
        let home = try CachechatProcess.temporaryHome()
        let env = CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": server.baseURL,
                                                                   "DEEPSEEK_API_KEY": "sk-test-0123456789abcd"])
        try Self.ask(["Be \u{1B}]0;nasty\u{07}nasty"], env)

        let bytes = try TerminalSafetyCLITests.runOnTerminal(["history", "search", "visible2"], environment: env)
        let shown = String(decoding: bytes, as: UTF8.self)
        #expect(shown.contains("\u{1B}[1mvisible2\u{1B}[22m"), "\(shown.debugDescription)")
        let withoutBold = shown.replacingOccurrences(of: "\u{1B}[1m", with: "").replacingOccurrences(of: "\u{1B}[22m", with: "")
        #expect(TerminalSafetyCLITests.forbidden(Array(withoutBold.utf8)) == nil, "\(TerminalSafetyCLITests.forbidden(Array(withoutBold.utf8)) ?? "")")
        #expect(withoutBold.contains("#2 assistant: "))

        // The title (the question) is sanitised and marked too.
        let title = String(decoding: try TerminalSafetyCLITests.runOnTerminal(["history", "search", "nasty"], environment: env), as: UTF8.self)
        // The first "nasty" is inside the title-setting sequence, which goes with it.
        #expect(title.contains("Be \u{1B}[1mnasty\u{1B}[22m\n"), "\(title.debugDescription)")

        // On a pipe: the stored text as it is, no marks (docs/DECISIONS.md 16).
        let piped = try CachechatProcess.run(["history", "search", "visible2"], environment: env)
        #expect(piped.stdout.contains("visible2") && !piped.stdout.contains("\u{1B}[1m"))
        #expect(piped.stdout.contains("\u{1B}[2J"), "the reply's own bytes")
    }
}
