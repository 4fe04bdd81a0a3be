import Foundation
import TestSupport
import Testing

/// Few-shot sets in the real TUI, in tmux: create a set, add shots, ask three questions
/// with it (each question alone after the set), and read the hit tokens rise in the panel.
@Suite("TUI few-shot end to end in tmux")
struct TUIFewShotEndToEndTests {
    @Test func createASetAddShotsAndAskThreeQuestions() throws {
        let home = try CachechatProcess.temporaryHome()
        var environment = CachechatProcess.environment(home: home)
        environment["TERM"] = "tmux-256color"
        let tui = try TmuxTerminal(command: [CachechatProcess.binary.path, "--model", "deepseek-chat"], environment: environment)
        try tui.wait(for: "Enter sends")
        try tui.type("/fewshot new reviews")
        try tui.wait(for: "Few-shot set: reviews")
        // The system prompt: Enter edits it, Ctrl-U clears the line, then type a long one.
        try tui.send("Enter")
        try tui.send("C-u")
        try tui.send(String(repeating: "Classify each product review as positive, negative or mixed, with a short reason. ", count: 8), literal: true)
        try tui.send("Escape")
        Thread.sleep(forTimeInterval: 0.2)
        // Add two shots and save.
        try tui.send("a", literal: true)
        try tui.send("a", literal: true)
        try tui.wait(for: "3Q")
        try tui.send("C-s")
        try tui.wait(for: "Saved reviews")
        // Use it, one question at a time.
        try tui.send("o", literal: true)
        try tui.wait(for: "each question is sent as the set plus that question only")
        var hits: [Int] = []
        for (index, question) in ["Review: great battery.", "Review: broke within a week.", "Review: fine, a bit loud."].enumerated() {
            try tui.type(question)
            try waitForRequests(index + 1, environment: environment)
            Thread.sleep(forTimeInterval: 0.3)
            let screen = try tui.capture()
            hits.append(try #require(lastRequestHit(screen), "no numbers in the panel:\n\(screen)"))
        }
        // V4 rules: the second question misses (A+B, A+C) and stores the set's prefix, which
        // the third then hits.
        #expect(hits[0] == 0)
        #expect(hits[2] > hits[0])
        #expect(hits == hits.sorted())
        try tui.send("C-q")
        #expect(try tui.wait(for: "EXITED").contains("EXITED 0 TTY same"))
        // The set is on disk, as saved.
        let set = try String(contentsOf: home.appendingPathComponent("config/cachechat/fewshot/reviews.toml"), encoding: .utf8)
        #expect(set.contains("Classify each product review"))
        #expect(set.components(separatedBy: "[[shots]]").count == 4)
    }

    func waitForRequests(_ count: Int, environment: [String: String]) throws {
        let start = Date()
        while Date().timeIntervalSince(start) < 30 {
            let stats = try CachechatProcess.run(["stats", "--json"], environment: environment)
            if let object = try? JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any],
               (object["requests"] as? Int ?? 0) >= count { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("the ledger never reached \(count) requests")
    }

    func lastRequestHit(_ screen: String) -> Int? {
        let lines = screen.components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.contains("Last request") }) else { return nil }
        for line in lines[index...].prefix(4) where line.contains("hit ") && line.contains("miss ") {
            let panel = line.components(separatedBy: "│").last ?? line
            let words = panel.split(separator: " ")
            if let at = words.firstIndex(of: "hit"), at + 1 < words.count {
                return Int(words[at + 1].replacingOccurrences(of: ",", with: ""))
            }
        }
        return nil
    }
}
