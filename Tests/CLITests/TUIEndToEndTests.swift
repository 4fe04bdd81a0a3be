import Foundation
import TestSupport
import Testing

/// The real `cachechat` TUI in tmux on the built-in emulator.
@Suite("TUI end to end in tmux", .serialized)
struct TUIEndToEndTests {
    let home: URL
    let environment: [String: String]

    init() throws {
        home = try CachechatProcess.temporaryHome()
        var environment = CachechatProcess.environment(home: home)
        environment["TERM"] = "tmux-256color"
        environment["LC_ALL"] = "C.UTF-8"
        self.environment = environment
    }

    /// "hit 256   miss 14" under "Last request" in the panel.
    func lastRequestNumbers(_ screen: String) -> (hit: Int, miss: Int)? {
        let lines = screen.components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.contains("Last request") }) else { return nil }
        for line in lines[index...].prefix(4) where line.contains("hit ") && line.contains("miss ") {
            let panel = line.components(separatedBy: "│").last ?? line
            let numbers = panel.split(whereSeparator: { !$0.isNumber && $0 != "," }).map { Int($0.replacingOccurrences(of: ",", with: "")) }
            let values = numbers.compactMap { $0 }
            if values.count >= 2 { return (values[0], values[1]) }
        }
        return nil
    }

    /// Waits until the ledger holds `count` requests: the reply is complete and stored.
    func waitForRequests(_ count: Int, timeout: Double = 30) throws {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            let stats = try CachechatProcess.run(["stats", "--json"], environment: environment)
            if let object = try? JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any],
               (object["requests"] as? Int ?? 0) >= count { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("the ledger never reached \(count) requests")
    }

    /// Esc alone: tmux sends it at once, so pause before the next key or it reads as Alt-.
    func escape(_ tui: TmuxTerminal) throws {
        try tui.send("Escape")
        Thread.sleep(forTimeInterval: 0.15)
    }

    @Test func twoMessagesPanelMarkersResizeCancelAndQuit() throws {
        let tui = try TmuxTerminal(command: [CachechatProcess.binary.path, "--model", "deepseek-chat"], environment: environment)
        try tui.wait(for: "Enter sends")
        #expect(try tui.capture().contains("local emulator"))
        try tui.type("/system " + String(repeating: "You explain caching to engineers with short examples. ", count: 12))
        try tui.type("First: why are cache hits cheaper than misses?")
        try waitForRequests(1)
        try tui.type("Second: and how do few-shot prompts benefit?")
        try waitForRequests(2)
        Thread.sleep(forTimeInterval: 0.3)
        let screen = try tui.capture()

        // The reply text and the panel's numbers, which must be the server's usage.
        #expect(screen.contains("deepseek-chat"))
        let shown = try #require(lastRequestNumbers(screen), "no numbers in the panel:\n\(screen)")
        #expect(shown.hit > 0)
        // Cache markers in the gutter: reused (●/│), partly reused (◐) or not (○), and the horizon.
        #expect(screen.contains("●") || screen.contains("◐"))
        #expect(screen.contains("cache horizon"))

        // Resize down to narrow (the panel folds away) and tiny, then back.
        try tui.resize(width: 60, height: 20)
        let narrow = try tui.wait { !$0.contains("Last request") && $0.contains("›") }
        #expect(narrow.components(separatedBy: "\n").allSatisfy { $0.count <= 60 })
        try tui.resize(width: 12, height: 4)
        Thread.sleep(forTimeInterval: 0.3)
        try tui.resize(width: 120, height: 40)
        try tui.wait { $0.contains("Last request") }

        // Cancel a stream with Esc: the partial reply is kept and marked interrupted.
        try tui.type(String(repeating: "Please write a very long answer. ", count: 3))
        Thread.sleep(forTimeInterval: 0.15)
        try escape(tui)
        try tui.wait { $0.contains("interrupted") || $0.contains("Stopped") }

        // Quit: the terminal comes back as it was.
        try tui.send("C-q")
        let after = try tui.wait(for: "EXITED")
        #expect(after.contains("EXITED 0 TTY same"))
        #expect(try tui.display("#{alternate_on}") == "0")
        #expect(try tui.display("#{cursor_flag}") == "1")

        // The panel showed exactly what the ledger recorded from the server.
        let list = try CachechatProcess.run(["history", "list"], environment: environment)
        let id = try #require(list.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init))
        let export = try CachechatProcess.run(["history", "export", id, "--format", "json"], environment: environment)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
        let messages = try #require(object["messages"] as? [[String: Any]])
        let replies = messages.filter { $0["role"] as? String == "assistant" }
        let usage = try #require(replies[1]["usage"] as? [String: Any])
        #expect(usage["prompt_cache_hit_tokens"] as? Int == shown.hit)
        #expect(usage["prompt_cache_miss_tokens"] as? Int == shown.miss)
    }

    @Test func helpOverlayThemesAndConversationList() throws {
        let tui = try TmuxTerminal(command: [CachechatProcess.binary.path, "--model", "deepseek-chat", "--theme", "light"],
                                   environment: environment)
        try tui.wait(for: "Enter sends")
        try tui.send("F1")
        try tui.wait(for: "cachechat keys")
        try escape(tui)
        try tui.type("Hello there")
        try waitForRequests(1)
        try tui.wait(for: "Hello there")
        try tui.send("C-o")
        try tui.wait(for: "Conversations")
        try escape(tui)
        try tui.type("/theme high-contrast")
        try tui.wait(for: "Theme: high-contrast")
        try tui.send("C-q")
        #expect(try tui.wait(for: "EXITED").contains("EXITED 0 TTY same"))
    }

    @Test func aBrokenUserThemeIsReportedWithFileAndLine() throws {
        let themes = home.appendingPathComponent("config/cachechat/themes")
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        try "name = \"mine\"\n[slots]\ntext = { fg = \"not-a-colour\" }\n".write(to: themes.appendingPathComponent("mine.toml"), atomically: true, encoding: .utf8)
        let tui = try TmuxTerminal(command: [CachechatProcess.binary.path, "--theme", "mine"], environment: environment)
        let screen = try tui.wait(for: "mine.toml")
        #expect(screen.contains("mine.toml:3"))
        try tui.send("C-q")
        #expect(try tui.wait(for: "EXITED").contains("EXITED 0"))
    }
}
