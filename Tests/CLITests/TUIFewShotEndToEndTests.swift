import Foundation
import TestSupport
import Testing

/// Few-shot sets in the real TUI, in tmux: create a set, add shots, ask three questions
/// with it (each question alone after the set), and read the hit tokens rise in the panel.
@Suite("TUI few-shot end to end in tmux")
struct TUIFewShotEndToEndTests {
    @Test(.enabled(if: TmuxSession.available)) func createASetAddShotsAndAskThreeQuestions() throws {
        let home = try CachechatProcess.temporaryHome()
        var environment = CachechatProcess.environment(home: home)
        environment["TERM"] = "tmux-256color"
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: environment)
        try tui.waitFor("Enter sends")
        try tui.enter("/fewshot new reviews")
        try tui.waitFor("Few-shot set: reviews")
        // The system prompt: Enter edits it, Ctrl-U clears the line, then type a long one.
        try tui.send("Enter")
        try tui.waitFor("(editing")
        try tui.send("C-u")
        try tui.type(String(repeating: "Classify each product review as positive, negative or mixed, with a short reason. ", count: 8))
        // Esc goes back to the list; the next keys must wait for that.
        try tui.escape(until: "the list") { $0.contains { $0.contains("(Enter to edit)") } }
        // Add two shots and save.
        try tui.type("a")
        try tui.waitFor("2Q")
        try tui.type("a")
        try tui.waitFor("3Q")
        try tui.send("C-s")
        try tui.waitFor("Saved reviews")
        // Use it, one question at a time.
        try tui.type("o")
        try tui.waitFor("each question is sent as the set plus that question only")
        var hits: [Int] = []
        for (index, question) in ["Review: great battery.", "Review: broke within a week.", "Review: fine, a bit loud."].enumerated() {
            try tui.enter(question)
            let last = try #require(try HistoryDatabase.waitForRequests(index + 1, home: home).last)
            let screen = try tui.waitForScreen("the panel to show request \(index + 1)") { screen in
                TUIEndToEndTests.lastRequestNumbers(screen).map { $0.hit == last.hit && $0.miss == last.miss } ?? false
            }
            hits.append(try #require(TUIEndToEndTests.lastRequestNumbers(screen)?.hit))
        }
        // V4 rules: the second question misses (A+B, A+C) and stores the set's prefix, which
        // the third then hits.
        #expect(hits[0] == 0)
        #expect(hits[2] > hits[0])
        #expect(hits == hits.sorted())
        try tui.send("C-q")
        let exit = try tui.waitForExit()
        #expect(exit.status == 0 && exit.ttySame, "\(exit)")
        // The set is on disk, as saved.
        let set = try String(contentsOf: home.appendingPathComponent("config/cachechat/fewshot/reviews.toml"), encoding: .utf8)
        #expect(set.contains("Classify each product review"))
        #expect(set.components(separatedBy: "[[shots]]").count == 4)
    }

    /// `cachechat --fewshot NAME` with no such set ends before the screen opens, with
    /// `ask --fewshot`'s message and exit status.
    @Test(.enabled(if: TmuxSession.available)) func anUnknownSetIsRefusedBeforeTheScreenOpens() throws {
        let home = try CachechatProcess.temporaryHome()
        let environment = CachechatProcess.environment(home: home)
        let ask = try CachechatProcess.run(["ask", "--fewshot", "nosuch", "Hi"], environment: environment)
        #expect(ask.status == 2)
        let message = try #require(ask.stderr.split(separator: "\n").first { $0.contains("no few-shot set `nosuch`") })

        let tui = try TmuxSession(arguments: ["--fewshot", "nosuch"], environment: environment)
        // Either the program ends, or the chat screen opens (the refusal came too late).
        let screen = try tui.waitForScreen("the program to end or the chat screen to open") { screen in
            screen.contains { $0.contains("AFTER-PROGRAM") || $0.contains("Enter sends") }
        }
        try #require(screen.contains { $0.contains("AFTER-PROGRAM") }, "the chat screen opened:\n\(screen.joined(separator: "\n"))")
        let exit = try tui.waitForExit()
        #expect(exit.status == 2 && exit.ttySame, "\(exit)")
        // Wrapped lines joined, as printed.
        let printed = try tui.tmux(["capture-pane", "-p", "-J", "-t", "main"])
        #expect(printed.contains(message), "\(printed)")
    }
}
