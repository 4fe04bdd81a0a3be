import Foundation
import TestSupport
import Testing

/// The real `cachechat` TUI in tmux on the built-in emulator. Every wait is for a state
/// (the screen, the ledger), never for time.
@Suite("TUI end to end in tmux", .serialized)
struct TUIEndToEndTests {
    let home: URL
    let environment: [String: String]

    init() throws {
        home = try CachechatProcess.temporaryHome()
        var environment = CachechatProcess.environment(home: home)
        environment["TERM"] = "tmux-256color"
        self.environment = environment
    }

    /// "hit 256   miss 14" under "Last request" in the panel.
    static func lastRequestNumbers(_ screen: [String]) -> (hit: Int, miss: Int)? {
        guard let index = screen.firstIndex(where: { $0.contains("Last request") }) else { return nil }
        for line in screen[index...].prefix(4) where line.contains("hit ") && line.contains("miss ") {
            let panel = line.components(separatedBy: "│").last ?? line
            let values = panel.split(whereSeparator: { !$0.isNumber && $0 != "," }).compactMap { Int($0.replacingOccurrences(of: ",", with: "")) }
            if values.count >= 2 { return (values[0], values[1]) }
        }
        return nil
    }

    /// Waits until the panel shows the ledger's last request.
    @discardableResult
    func waitForPanel(_ tui: TmuxSession, requests: Int) throws -> [String] {
        let last = try #require(try HistoryDatabase.waitForRequests(requests, home: home).last)
        return try tui.waitForScreen("the panel to show request \(requests)") { screen in
            guard let shown = Self.lastRequestNumbers(screen) else { return false }
            return shown.hit == last.hit && shown.miss == last.miss
        }
    }

    @Test(.enabled(if: TmuxSession.available)) func twoMessagesPanelMarkersResizeCancelAndQuit() throws {
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: environment)
        try tui.waitFor("Enter sends")
        #expect(try tui.capture().contains("local emulator"))
        try tui.enter("/system " + String(repeating: "You explain caching to engineers with short examples. ", count: 12))
        try tui.waitFor("System prompt set")
        try tui.enter("First: why are cache hits cheaper than misses?")
        try waitForPanel(tui, requests: 1)
        try tui.enter("Second: and how do few-shot prompts benefit?")
        let screen = try waitForPanel(tui, requests: 2).joined(separator: "\n")

        // The reply text, the panel's numbers (the server's usage, as the ledger has them),
        // cache marks in the gutter and the horizon.
        #expect(screen.contains("deepseek-chat"))
        #expect((Self.lastRequestNumbers(screen.components(separatedBy: "\n"))?.hit ?? 0) > 0)
        #expect(screen.contains("●") || screen.contains("◐"))
        #expect(screen.contains("cache horizon"))

        // Resize down to narrow (the panel folds away), a burst of tiny sizes, then back.
        try tui.resize(width: 60, height: 20)
        let narrow = try tui.waitForScreen("a narrow screen") { screen in
            !screen.contains { $0.contains("Last request") } && screen.contains { $0.contains("›") }
        }
        #expect(narrow.allSatisfy { $0.count <= 60 })
        for (width, height) in [(12, 4), (1, 1), (30, 6)] { try tui.resize(width: width, height: height) }
        try tui.resize(width: 120, height: 40)
        try tui.waitFor("Last request")

        // Stop a stream with Esc: the partial reply is kept and marked stopped. The built-in
        // endpoint is quick, so catch a reply while it is still being written.
        var stopped = false
        for attempt in 1...4 where !stopped {
            try tui.enter("Please write a very long answer, attempt \(attempt). " + String(repeating: "More detail please. ", count: 8))
            try tui.waitForScreen("the reply to start or end") { screen in
                screen.contains { $0.contains("writing") || $0.contains("thinking") } || screen.last?.contains("prompt tokens from cache") == true
            }
            try tui.send("Escape")
            let after = try tui.waitForScreen("the reply to end") { screen in
                screen.contains { $0.contains("■ stopped") } || screen.last?.contains("prompt tokens from cache") == true
            }
            stopped = after.contains { $0.contains("■ stopped") }
        }
        #expect(stopped, "Esc never caught a reply while it streamed")

        // Quit: the terminal comes back as it was.
        try tui.send("C-q")
        let exit = try tui.waitForExit()
        #expect(exit.status == 0 && exit.ttySame, "\(exit)")
        #expect(try tui.display("#{alternate_on}") == "0")
        #expect(try tui.display("#{cursor_flag}") == "1")
    }

    @Test(.enabled(if: TmuxSession.available)) func helpOverlayThemesAndConversationList() throws {
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat", "--theme", "light"], environment: environment)
        try tui.waitFor("Enter sends")
        try tui.send("F1")
        try tui.waitFor("cachechat keys")
        try tui.escape(until: "the help to close") { !$0.contains { $0.contains("cachechat keys") } }
        try tui.enter("Hello there")
        _ = try HistoryDatabase.waitForRequests(1, home: home)
        try tui.waitFor("Hello there")
        try tui.send("C-o")
        try tui.waitFor("Conversations —")
        try tui.escape(until: "the list to close") { !$0.contains { $0.contains("Conversations —") } }
        try tui.enter("/theme high-contrast")
        try tui.waitFor("Theme: high-contrast")
        try tui.send("C-q")
        let exit = try tui.waitForExit()
        #expect(exit.status == 0 && exit.ttySame, "\(exit)")
    }

    @Test(.enabled(if: TmuxSession.available)) func emojiClustersAreDrawnWholeWithNoStrayJoiners() throws {
        // curses keeps one spacing character per cell: a ZWJ family used to be cut to its
        // first emoji with the joiner left to glue itself onto whatever came next.
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: environment)
        try tui.waitFor("Enter sends")
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
        try tui.enter("Family \(family) flag \u{1F1FA}\u{1F1F8} end")
        _ = try HistoryDatabase.waitForRequests(1, home: home)
        let screen = try tui.waitForScreen("the message and its reply") { screen in
            screen.contains { $0.contains("Family") } && screen.contains { $0.contains("deepseek-chat ·") }
        }
        let line = try #require(screen.first { $0.contains("Family") })
        #expect(line.contains(family), "\(line.unicodeScalars.map { String($0.value, radix: 16) })")
        #expect(line.contains("\u{1F1FA}\u{1F1F8}"))
        #expect(line.contains(" end"))
        // A joiner appears only inside the family, nowhere else on the screen.
        let rest = screen.joined(separator: "\n").replacingOccurrences(of: family, with: "")
        #expect(!rest.unicodeScalars.contains { $0.value == 0x200D }, "\(rest)")
        try tui.send("C-q")
        #expect(try tui.waitForExit().status == 0)
    }

    @Test(.enabled(if: TmuxSession.available)) func copyReachesXclipAndARestartKeepsTheDraftAndTheTheme() throws {
        // A fake xclip on PATH receives what /copy copies; the status bar names it.
        let bin = home.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let copied = home.appendingPathComponent("copied.txt")
        try "#!/bin/sh\n/bin/cat > '\(copied.path)'\n".write(to: bin.appendingPathComponent("xclip"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("xclip").path)
        var environment = self.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["DISPLAY"] = ":99"
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: environment)
        try tui.waitFor("Enter sends")
        try tui.enter("Hello there")
        _ = try HistoryDatabase.waitForRequests(1, home: home)
        try tui.waitFor("deepseek-chat · ")
        try tui.enter("/copy 1")
        try tui.waitFor("with xclip")
        #expect(try String(contentsOf: copied, encoding: .utf8) == "Hello there")
        // F4: mouse reporting goes off so a drag selects; tmux shows the pane's mouse mode.
        #expect(try tui.display("#{mouse_any_flag}#{mouse_standard_flag}") != "00")
        try tui.send("F4")
        try tui.waitFor("Bare mode")
        #expect(try tui.display("#{mouse_any_flag}#{mouse_standard_flag}") == "00")
        try tui.send("F4")
        try tui.waitFor("Bare mode off")
        #expect(try tui.display("#{mouse_standard_flag}") == "1")
        // A theme chosen in the app and an unsent draft survive a restart.
        try tui.enter("/theme light")
        try tui.waitFor("Theme: light")
        try tui.type("an unsent thought")
        try tui.waitFor("an unsent thought")
        try tui.send("C-q")
        let exit = try tui.waitForExit()
        #expect(exit.status == 0)
        #expect(try tui.waitFor("Your unsent draft (17 characters) is kept").isEmpty == false)
        let state = try String(contentsOf: home.appendingPathComponent("state/cachechat/state.json"), encoding: .utf8)
        #expect(state.contains("\"light\""))
        let again = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: environment)
        let screen = try again.waitForScreen("the draft back in the editor") { $0.contains { $0.hasPrefix("› an unsent thought") } }
        #expect(screen.contains { $0.contains("Hello there") })
        try again.send("C-q")
        #expect(try again.waitForExit().status == 0)
    }

    /// An executable shell script in the test's home, for $EDITOR.
    func fakeEditor(_ name: String, _ script: String) throws -> URL {
        let editor = home.appendingPathComponent(name)
        try "#!/bin/sh\n\(script)\n".write(to: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        return editor
    }

    @Test(.enabled(if: TmuxSession.available)) func ctrlXCtrlEWritesTheDraftInTheEditor() throws {
        // A fake $EDITOR that draws on the terminal (as a real one would) and edits the file.
        let editor = try fakeEditor("fake-editor", "printf 'FAKE EDITOR OPEN\\n'\nprintf ' — edited outside' >> \"$1\"")
        var environment = self.environment
        environment["EDITOR"] = editor.path
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: environment)
        try tui.waitFor("Enter sends")
        try tui.type("A draft")
        try tui.waitFor("› A draft")
        try tui.send("C-x")
        try tui.send("C-e")
        // One frame has both (a capture can land while curses is still writing a frame).
        let screen = try tui.waitForScreen("the edited draft and its notice") { screen in
            screen.contains { $0.contains("A draft — edited outside") } && screen.contains { $0.contains("Enter sends it") }
        }
        #expect(!screen.contains { $0.contains("FAKE EDITOR OPEN") }, "the screen is repainted after the editor")
        try tui.send("Enter")
        _ = try HistoryDatabase.waitForRequests(1, home: home)
        try tui.waitFor("deepseek-chat · ")
        try tui.send("C-q")
        let exit = try tui.waitForExit()
        #expect(exit.status == 0 && exit.ttySame, "\(exit)")
    }

    /// With `LC_ALL=C` (which overrides `LC_CTYPE`) the editor still reads the UTF-8 draft
    /// as UTF-8, and the TUI still draws wide characters.
    @Test(.enabled(if: TmuxSession.available)) func theEditorGetsAUTF8LocaleWhenTheUsersIsNot() throws {
        let editor = try fakeEditor("charmap-editor", "printf ' charmap=%s' \"$(locale charmap)\" >> \"$1\"")
        var environment = self.environment
        environment["EDITOR"] = editor.path
        environment["LC_ALL"] = "C"
        environment["LANG"] = nil
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: environment)
        try tui.waitFor("Enter sends")
        try tui.type("日本語 draft")
        try tui.waitFor("› 日本語 draft")
        try tui.send("C-x")
        try tui.send("C-e")
        try tui.waitFor("日本語 draft charmap=UTF-8")
        try tui.send("C-q")
        let exit = try tui.waitForExit()
        #expect(exit.status == 0 && exit.ttySame, "\(exit)")
    }

    @Test(.enabled(if: TmuxSession.available)) func aTerminalThatCannotMoveTheCursorIsRefusedWithAHint() throws {
        var environment = self.environment
        environment["TERM"] = "dumb"
        let tui = try TmuxSession(arguments: [], environment: environment)
        let exit = try tui.waitForExit()
        #expect(exit.status == 2 && exit.ttySame, "\(exit)")
        let screen = try tui.capture().replacingOccurrences(of: "\n", with: "")
        #expect(screen.contains("cannot move the cursor"))
        #expect(screen.contains("cachechat ask"))
    }

    /// The history opens beside the terminal's start (DECISIONS 98): when it cannot, the
    /// session runs in memory, says so on screen, answers, and says it again after quitting.
    @Test(.enabled(if: TmuxSession.available)) func aHistoryThatCannotOpenLeavesTheSessionInMemoryAndSaysSo() throws {
        let data = home.appendingPathComponent("data/cachechat")
        // A folder where the database file should be: SQLite cannot open it.
        try FileManager.default.createDirectory(at: data.appendingPathComponent("history.sqlite"), withIntermediateDirectories: true)
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: environment)
        try tui.waitFor("History is off")
        try tui.enter("Does it still answer?")
        try tui.waitFor("ask a follow-up")
        try tui.waitFor("history off: not saved")
        try tui.send("C-q")
        let exit = try tui.waitForExit()
        #expect(exit.status == 0 && exit.ttySame, "\(exit)")
        let after = try tui.capture().replacingOccurrences(of: "\n", with: "")
        #expect(after.contains("cachechat: History is off for this session (nothing is saved)"))
    }

    @Test(.enabled(if: TmuxSession.available)) func ctrlOFindsAWordInsideAMessageAndOpensThatConversation() throws {
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: environment)
        try tui.waitFor("Enter sends")
        try tui.enter("Tell me about the zebracorn cache")
        _ = try HistoryDatabase.waitForRequests(1, home: home)
        try tui.waitFor("deepseek-chat · ")
        try tui.send("C-n")
        try tui.waitFor("New conversation")
        try tui.enter("Something else entirely")
        _ = try HistoryDatabase.waitForRequests(2, home: home)
        try tui.send("C-o")
        try tui.waitFor("Conversations —")
        try tui.type("zebracorn")
        // The match is shown in context under its conversation's title.
        try tui.waitForScreen("a match in context") { $0.contains { $0.contains("#1 user:") && $0.contains("zebracorn") } }
        try tui.send("Enter")
        try tui.waitForScreen("the conversation open") { screen in
            !screen.contains { $0.contains("Conversations —") } && screen.contains { $0.contains("Tell me about the zebracorn cache") }
        }
        try tui.send("C-q")
        #expect(try tui.waitForExit().status == 0)
    }

    @Test(.enabled(if: TmuxSession.available)) func aBrokenUserThemeIsReportedWithFileAndLine() throws {
        let themes = home.appendingPathComponent("config/cachechat/themes")
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        try "name = \"mine\"\n[slots]\ntext = { fg = \"not-a-colour\" }\n".write(to: themes.appendingPathComponent("mine.toml"), atomically: true, encoding: .utf8)
        let tui = try TmuxSession(arguments: ["--theme", "mine"], environment: environment)
        let screen = try tui.waitFor("mine.toml").joined(separator: "\n")
        #expect(screen.contains("mine.toml:3"))
        try tui.send("C-q")
        #expect(try tui.waitForExit().status == 0)
    }

    @Test(.enabled(if: TmuxSession.available)) func attachAtPathAndEachThroughTheKeys() throws {
        let handbook = home.appendingPathComponent("handbook.md")
        try (1...200).map { "Section \($0): hits are billed at a tenth of a miss after unit \($0 % 9)." }
            .joined(separator: "\n").write(to: handbook, atomically: true, encoding: .utf8)
        let notes = home.appendingPathComponent("notes.md")
        try "Notes: the cache lives for hours.\n".write(to: notes, atomically: true, encoding: .utf8)
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: environment, width: 80, height: 24)
        try tui.waitFor("Enter sends")
        try tui.enter("/attach \(handbook.path)")
        try tui.waitFor("Document 1 · handbook.md")
        try tui.enter("What does @\(notes.path) say?")
        try tui.waitFor("Attach this file?")
        try tui.send("Enter")
        try tui.waitFor("Document 2 · notes.md")
        try HistoryDatabase.waitForRequests(1, home: home)
        try tui.enter("/each")
        try tui.type("Who pays for a miss?")
        try tui.send("M-Enter")
        try tui.type("What is a unit?")
        try tui.send("Enter")
        let screen = try tui.waitFor("/each: 2 of 2 answered").joined(separator: "\n")
        #expect(screen.contains("prompt tokens from cache"))
        let requests = try HistoryDatabase.waitForRequests(3, home: home)
        #expect((requests.last?.hit ?? 0) > 0, "the questions after the warm-up hit the documents")
        try tui.send("C-q")
        #expect(try tui.waitForExit().status == 0)
    }
}
