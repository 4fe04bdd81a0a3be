import App
import ChatCore
import Config
import Emulator
import Foundation
import TerminalUI
import TestSupport
import Testing

/// Copy that says what it did, bare mode that lets the terminal select, and what survives
/// a restart: drafts, the theme, thinking mode and model chosen in the app.
@Suite("Copy, bare mode and state that stays")
struct StateThatStaysTests {
    // MARK: - Copy

    /// A folder with fake clipboard tools that write what they read to `copied-by-NAME`.
    static func fakeTools(_ folder: TemporaryFolder, _ tools: [String: Int32]) throws -> String {
        let bin = folder.url.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for (name, status) in tools {
            let script = "#!/bin/sh\n/bin/cat > \"\(folder.url.path)/copied-by-\(name)\"\nexit \(status)\n"
            let path = bin.appendingPathComponent(name).path
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return bin.path
    }

    @Test func autoPicksTheFittestToolAndSaysWhichOne() throws {
        let folder = try TemporaryFolder()
        let bin = try Self.fakeTools(folder, ["xclip": 0, "wl-copy": 0])
        // X11 only: wl-copy is there but there is no Wayland display.
        let x11 = SystemClipboard(environment: ["PATH": bin, "DISPLAY": ":0"])
        #expect(x11.candidates() == [.xclip, .osc52])
        var controls: [String] = []
        let outcome = x11.copy("héllo", what: "message 3") { controls.append($0) }
        #expect(outcome.confirmed && outcome.method == .xclip)
        #expect(outcome.message == "Copied message 3 (5 characters) with xclip.")
        #expect(try String(contentsOfFile: folder.url.path + "/copied-by-xclip", encoding: .utf8) == "héllo")
        #expect(controls.isEmpty)
        let wayland = SystemClipboard(environment: ["PATH": bin, "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"])
        #expect(wayland.candidates() == [.wlCopy, .xclip, .osc52])
    }

    @Test func aFailingToolFallsBackToOSC52AndNeverClaimsSuccess() throws {
        let folder = try TemporaryFolder()
        let bin = try Self.fakeTools(folder, ["xclip": 1])
        let clipboard = SystemClipboard(environment: ["PATH": bin, "DISPLAY": ":0"])
        var controls: [String] = []
        let outcome = clipboard.copy("abc", what: "the last reply") { controls.append($0) }
        #expect(!outcome.confirmed && outcome.fellBack)
        #expect(outcome.message.hasPrefix("xclip failed: exit status 1. Sent the last reply (3 characters) to the terminal as OSC 52"))
        #expect(outcome.message.contains("nothing confirms it"))
        #expect(controls == ["\u{1B}]52;c;YWJj\u{07}"])
        // No display, no tools: OSC 52 only, and inside tmux wrapped for passthrough.
        let tmux = SystemClipboard(environment: ["PATH": folder.url.path, "TMUX": "/tmp/tmux-1/default,1,0"])
        #expect(tmux.candidates() == [.osc52])
        #expect(tmux.osc52("abc") == "\u{1B}Ptmux;\u{1B}\u{1B}]52;c;YWJj\u{07}\u{1B}\\")
        // A named method that is not installed says so.
        let named = SystemClipboard(method: .xsel, environment: ["PATH": folder.url.path])
        #expect(named.copy("x", what: "it") { _ in }.message.hasPrefix("xsel failed: not found on PATH."))
    }

    @Test func copyReportsTheClipboardsOwnWords() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("Hello")
        harness.send("/copy")
        #expect(harness.clipboard.copies == [harness.messages.last?.content])
        #expect(harness.state.notice?.text.hasPrefix("Copied the last reply") == true)
    }

    // MARK: - Bare mode

    @Test func f4TurnsMouseReportingOffAndBackOn() throws {
        let harness = try AppHarness(width: 80, height: 24)
        harness.start()
        harness.send("Hello")
        harness.press(.f4)
        #expect(harness.device.controls.last == "\u{1B}[?1006l\u{1B}[?1000l")
        #expect(!harness.text.contains("last "), "no strip in bare mode")
        #expect(!harness.text.contains("○"), "no marks in bare mode")
        harness.press(.f4)
        #expect(harness.device.controls.last == "\u{1B}[?1000h\u{1B}[?1006h")
        #expect(harness.text.contains("last "))
    }

    // MARK: - Drafts

    @Test func eachConversationKeepsItsDraftAndQuittingKeepsItForTheNextStart() throws {
        let store = InMemoryRememberedStateStore()
        let history = InMemoryHistory()
        let first = try AppHarness(history: history, remembered: store)
        first.start()
        first.send("Conversation A")
        let a = try #require(first.state.conversation.id)
        let long = String(repeating: "A long unsent thought. ", count: 450)  // ~10 KB
        first.session.press(Array("\u{1B}[200~\(long)\u{1B}[201~".utf8))
        first.session.settle()
        first.press(.ctrlN)
        #expect(first.state.editor.isEmpty, "a new conversation starts with its own (empty) draft")
        first.type("draft for B")
        first.press(.ctrlO)
        first.press(.enter)
        #expect(first.state.editor.text == long)
        first.press(.ctrlQ)
        #expect(first.state.isFinished)
        #expect(first.state.farewell?.contains("10,350 characters") == true, "\(String(describing: first.state.farewell))")
        #expect(store.state.drafts[String(a.rawValue)] == long)
        #expect(store.state.drafts["new"] == "draft for B")

        let second = try AppHarness(history: history, remembered: store)
        second.start()
        #expect(second.state.conversation.id == a)
        #expect(second.state.editor.text == long)
    }

    @Test func marksHorizonAndReusedPrefixesAreRebuiltOnReopening() throws {
        let history = InMemoryHistory()
        let configuration = EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0, replyTokens: 40)
        let first = try AppHarness(configuration: configuration, history: history)
        first.start()
        first.send("/system " + String(repeating: "You answer questions about prompt caching precisely. ", count: 8))
        first.send(AppHarness.context + " What is a cache hit?")
        first.send("And a miss?")
        first.send("Which one is cheaper?")
        let marks = first.messages.map { first.mark($0.id) }
        let panel = try #require(first.panel)
        #expect(!panel.reusedPrefixes.isEmpty)
        #expect(marks.contains(.reused))

        let second = try AppHarness(configuration: configuration, history: history)
        second.start()
        #expect(second.messages.map { second.mark($0.id) } == marks)
        #expect(second.mark(.pinned(0)) == first.mark(.pinned(0)))
        #expect(second.screenModel?.transcript.horizon == first.screenModel?.transcript.horizon)
        #expect(second.panel?.reusedPrefixes == panel.reusedPrefixes)
        #expect(second.panel?.lastRequest == panel.lastRequest)
    }

    // MARK: - Choices

    @Test func themeThinkingAndModelChosenInTheAppAreRemembered() throws {
        let store = InMemoryRememberedStateStore()
        let harness = try AppHarness(remembered: store, themesEnvironment: ["HOME": "/nonexistent"])
        harness.start()
        harness.send("/theme light")
        #expect(store.state.theme?.value == "light")
        harness.send("/thinking on")
        #expect(store.state.thinking?.value == true)
        harness.send("/model deepseek-v4-pro")
        #expect(store.state.model?.value == "deepseek-v4-pro")
        #expect(harness.state.notice?.text.contains("Model: deepseek-v4-pro") == true)
    }

    @Test func theNewerOfConfigAndTheAppsChoiceWins() {
        let early = Date(timeIntervalSince1970: 1_000), late = Date(timeIntervalSince1970: 2_000)
        #expect(RememberedState.newer(config: "dark", changed: late, remembered: .init("light", changed: early)) == "dark")
        #expect(RememberedState.newer(config: "dark", changed: early, remembered: .init("light", changed: late)) == "light")
        #expect(RememberedState.newer(config: nil, changed: nil, remembered: .init("light", changed: late)) == "light")
        #expect(RememberedState.newer(config: "dark", changed: late, remembered: nil as RememberedState.Stamped<String>?) == "dark")
    }

    @Test func theStateFileRoundTripsAndABrokenOneIsReportedNotFatal() throws {
        let folder = try TemporaryFolder()
        let store = FileRememberedStateStore(environment: ["HOME": folder.url.path])
        var state = RememberedState()
        state.theme = .init("light", changed: Date(timeIntervalSince1970: 1_700_000_000))
        state.drafts["3"] = "unsent 👍🏽"
        #expect(store.save(state) == nil)
        #expect(store.load().state == state)
        let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try "{ not json".write(toFile: store.path, atomically: true, encoding: .utf8)
        let (empty, problem) = store.load()
        #expect(empty == RememberedState())
        #expect(problem?.contains("state.json could not be read") == true)
    }

    // MARK: - Themes

    @Test func aBrokenThemeIsReportedOnlyWhenItIsUsed() throws {
        let folder = try TemporaryFolder()
        let themes = folder.url.appendingPathComponent("cachechat/themes")
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        try "name = \"mine\"\n[slots]\ntext = { fg = \"not-a-colour\" }\n".write(to: themes.appendingPathComponent("mine.toml"), atomically: true, encoding: .utf8)
        let environment = ["HOME": folder.url.path, "XDG_CONFIG_HOME": folder.url.path]
        #expect(ThemeCatalog.load(environment: environment, preferred: nil).problems.isEmpty)
        #expect(ThemeCatalog.load(environment: environment, preferred: "light").problems.isEmpty)
        let asked = ThemeCatalog.load(environment: environment, preferred: "mine")
        #expect(asked.problems.count == 1)
        #expect(asked.problems[0].contains("mine.toml:3"))
        #expect(asked.defaultName == "dark")
    }

    @Test func configTakesThemeModelAndClipboard() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("config.toml").path
        try "theme = \"light\"\nmodel = \"deepseek-v4-pro\"\nclipboard = \"osc52\"\nthinking = false\n".write(toFile: path, atomically: true, encoding: .utf8)
        let config = try ConfigFile.load(path: path)
        #expect(config.theme == "light" && config.model == "deepseek-v4-pro" && config.clipboard == "osc52" && config.thinking == false)
        #expect(config.warnings.isEmpty)
        try "clipboard = \"carrier-pigeon\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: FileProblem.self) { try ConfigFile.load(path: path) }
    }
}

/// Ctrl-X Ctrl-E: the draft goes to `$EDITOR` and comes back.
@Suite("Compose in your editor")
struct ExternalEditorTests {
    /// A fake editor: a shell script run with the draft's path as `$1`.
    static func editor(_ folder: TemporaryFolder, _ body: String) throws -> String {
        let path = folder.url.appendingPathComponent("fake-editor").path
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// Hardening II 14: Ctrl-Z stops the program like other full-screen programs: the
    /// terminal handed back first, the screen drawn again after, the draft kept.
    @Test func ctrlZSuspendsAndRedraws() throws {
        let harness = try AppHarness()
        harness.start()
        harness.type("Half a thought")
        harness.press([26])  // Ctrl-Z
        #expect(harness.device.suspensions == 1)
        #expect(harness.device.stops == 1)
        #expect(harness.state.editor.text == "Half a thought")
        #expect(harness.text.contains("Half a thought"))
    }

    @Test func theDraftRoundTripsThroughTheEditor() throws {
        let folder = try TemporaryFolder()
        let editor = try Self.editor(folder, "printf ' and more\\nsecond line\\n' >> \"$1\"")
        let harness = try AppHarness(editorCommand: editor)
        harness.start()
        harness.type("First idea")
        harness.press([24, 5])  // Ctrl-X Ctrl-E
        #expect(harness.device.suspensions == 1)
        #expect(harness.state.editor.text == "First idea and more\nsecond line")
        #expect(harness.state.notice?.text.hasPrefix("The draft is back from the editor") == true)
        #expect(harness.state.draft != nil || harness.state.predictionDue != nil, "the new draft is predicted")
    }

    @Test func aFailedOrEmptiedEditLeavesTheDraftAlone() throws {
        let folder = try TemporaryFolder()
        for (body, words) in [("exit 3", "exited with status 3"), (": > \"$1\"", "left the file empty")] {
            let harness = try AppHarness(editorCommand: try Self.editor(folder, body))
            harness.start()
            harness.type("Keep me")
            harness.press([24, 5])
            #expect(harness.state.editor.text == "Keep me")
            #expect(harness.state.notice?.text.contains(words) == true, "\(String(describing: harness.state.notice))")
        }
        // Ctrl-X followed by anything else is that key.
        let harness = try AppHarness(editorCommand: try Self.editor(folder, "exit 0"))
        harness.start()
        harness.press([24])
        harness.type("a")
        #expect(harness.state.editor.text == "a")
        #expect(harness.device.suspensions == 0)
    }
}

/// Problems a reviewer found using the program (each failed before its fix).
@Suite("Review findings, state and modes")
struct ReviewFindingTests {
    @Test func aNewConversationsDraftComesBackAfterARestart() throws {
        let store = InMemoryRememberedStateStore()
        let history = InMemoryHistory()
        let first = try AppHarness(history: history, remembered: store)
        first.start()
        first.type("a draft in a brand new conversation")
        first.press(.ctrlQ)
        #expect(first.state.farewell?.contains("next new conversation") == true)
        #expect(store.state.drafts["new"] == "a draft in a brand new conversation")
        let second = try AppHarness(history: history, remembered: store)
        second.start()
        #expect(second.state.editor.text == "a draft in a brand new conversation")
    }

    @Test func f3LeavingBareModeTurnsTheMouseBackOn() throws {
        let harness = try AppHarness()
        harness.start()
        harness.press(.f4)
        #expect(harness.device.controls.last == "\u{1B}[?1006l\u{1B}[?1000l")
        harness.press(.f3)
        #expect(!harness.state.view.bare)
        #expect(harness.device.controls.last == "\u{1B}[?1000h\u{1B}[?1006h")
    }

    @Test func titlesAreOneLineAndTildeIsHome() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("Hello")
        harness.session.press(Array("/rename Evil\u{1B}[200~Title\nline2\tTab\u{1B}[201~".utf8))
        harness.press(.enter)
        let title = try #require(harness.state.conversation.record?.title)
        #expect(title.hasPrefix("Evil") && !title.contains { $0.isNewline || $0 == "\t" || $0 == "\u{1B}" }, "\(title.debugDescription)")
        #expect(Paths.expandingTilde("~/notes/x.md", environment: ["HOME": "/home/elsewhere"]) == "/home/elsewhere/notes/x.md")
        #expect(Paths.expandingTilde("~", environment: ["HOME": "/h"]) == "/h")
        #expect(Paths.expandingTilde("~user/x", environment: ["HOME": "/h"]) == "~user/x")
    }
}

/// Hardening II 15: two cachechat windows (or a window and `ask --continue`) on one
/// conversation: the one that read it first finds it changed and refuses, instead of
/// interleaving both histories.
@Suite("A conversation with another writer")
struct ConcurrentWriterTests {
    @Test func aQuestionAfterAnotherWriterIsRefusedAndTheDraftKept() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("First question")
        let conversation = try #require(harness.state.conversation.id)
        #expect(harness.messages.count == 2)
        let sent = harness.engine.cacheEntryCount(apiKey: "sk-app-test-key")

        // Another cachechat appends a turn to the same conversation.
        try harness.history.appendMessage(to: conversation, role: .user, content: "Asked elsewhere")
        harness.send("Second question")
        #expect(harness.state.notice?.text.contains("changed by another cachechat") == true,
                "\(String(describing: harness.state.notice))")
        #expect(harness.state.editor.text == "Second question")
        #expect(harness.state.turn == nil)
        #expect(try harness.history.messages(in: conversation).map(\.content).suffix(1) == ["Asked elsewhere"])
        #expect(harness.engine.cacheEntryCount(apiKey: "sk-app-test-key") == sent)
    }

    @Test func theStoreChecksTheLastMessageInTheSameTransaction() throws {
        let history = InMemoryHistory()
        let conversation = try history.createConversation(ConversationSettings(
            title: "Shared", model: "deepseek-chat", endpointName: "test", thinking: false))
        let first = try history.appendQuestion("one", to: conversation.id, after: nil)
        #expect(throws: ConversationChanged(conversation: conversation.id)) {
            try history.appendQuestion("stale", to: conversation.id, after: nil)
        }
        let second = try history.appendQuestion("two", to: conversation.id, after: first.id)
        #expect(try history.messages(in: conversation.id).map(\.id) == [first.id, second.id])
    }
}
