import Foundation
import TestSupport
import Testing

/// After a whole session with a key — ask streamed and `--json`, a 401, a TUI conversation
/// with exports and a crash, history exports, stats — not one file under HOME (database,
/// WAL, journals, exports, the emulator's cache files) and not one captured output holds
/// the key or its unique middle part.
@Suite("Secrets: the API key goes nowhere", .serialized)
struct SecretLeakTests {
    static let middle = "3b7f1e8d42c6a9"
    static let key = "sk-secret-\(middle)-lmno"

    @Test(.enabled(if: TmuxSession.available)) func noOutputAndNoFileHoldsTheKey() throws {
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let emulatorData = home.appendingPathComponent("emulator-data")
        let server = try EmulatorProcess(arguments: ["--reply-tokens", "24"], dataDirectory: emulatorData)
        defer { server.stop() }
        let env = CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": Self.key,
                                                                   "CACHECHAT_TEST_TRAP": "1"])
        var outputs: [(String, String)] = []
        func run(_ arguments: [String], status: Int32 = 0) throws -> CachechatProcess.Result {
            let result = try CachechatProcess.run(arguments, environment: env)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            outputs.append(("\(arguments) stdout", result.stdout))
            outputs.append(("\(arguments) stderr", result.stderr))
            return result
        }

        try server.setFaults(["status=401"])
        let rejected = try run(["ask", "Hello"], status: 3)
        #expect(rejected.stderr.contains("sk-…lmno"), "the 401 message should name the key masked: \(rejected.stderr)")
        _ = try run(["ask", "--json", "Hello"], status: 3)
        try server.setFaults([])
        _ = try run(["ask", "--model", "deepseek-chat", "A streamed question"])
        _ = try run(["ask", "--continue", "--json", "And a JSON follow-up"])
        _ = try run(["ask", "--model", "deepseek-reasoner", "--show-reasoning", "--json", "Think about it"])
        _ = try run(["ask", "--no-stream", "A whole reply"])

        // The TUI: a conversation, a 401, exports from inside, then a crash.
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: env)
        try tui.waitFor("Enter sends")
        try tui.send("C-n")
        try tui.type("A TUI question")
        try tui.send("Enter")
        try tui.waitFor("prompt tokens from cache")
        try server.setFaults(["status=401"])
        try tui.type("This one is rejected")
        try tui.send("Enter")
        try tui.waitFor("⚠ Failed: The server rejected the API key sk-…lmno")
        try server.setFaults([])
        for format in ["md", "json"] {
            try tui.type("/export \(format) \(home.appendingPathComponent("tui-export.\(format)").path)")
            try tui.send("Enter")
            try tui.waitFor("Exported to")
        }
        try tui.type("/crash-test")
        try tui.send("Enter")
        let exit = try tui.waitForExit()
        #expect(exit.status > 128, "the trap should end cachechat by a signal: \(exit)")
        let pane = try tui.history()
        #expect(pane.contains("deliberate crash for tests"))
        outputs.append(("TUI screen and crash output", pane))

        let list = try run(["history", "list"])
        for id in list.stdout.split(separator: "\n").dropFirst().compactMap({ $0.split(separator: " ").first.map(String.init) }) {
            _ = try run(["history", "show", id])
            for format in ["md", "json"] {
                let exported = try run(["history", "export", id, "--format", format])
                try exported.stdout.write(to: home.appendingPathComponent("export-\(id).\(format)"), atomically: true, encoding: .utf8)
            }
        }
        _ = try run(["stats", "--json"])
        _ = try run(["stats", "--csv"])
        _ = try run(["stats", "--by", "model"])

        for (name, text) in outputs {
            #expect(!text.contains(Self.key) && !text.contains(Self.middle), "the key is in \(name)")
        }
        // Every file under HOME, byte for byte (the server's journals are in HOME too).
        server.stop()
        var scanned: [String] = []
        let needles = [Self.key, Self.middle].map { Data($0.utf8) }
        let files = FileManager.default.enumerator(at: home, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in files where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            let bytes = try Data(contentsOf: url)
            scanned.append(url.path.replacingOccurrences(of: home.path + "/", with: ""))
            for needle in needles { #expect(bytes.range(of: needle) == nil, "the key is in \(url.path)") }
        }
        #expect(scanned.contains("data/cachechat/history.sqlite"), "\(scanned)")
        #expect(scanned.contains { $0.hasPrefix("emulator-data/") }, "the emulator kept no files: \(scanned)")
        #expect(scanned.contains("tui-export.md") && scanned.contains("tui-export.json") && scanned.contains { $0.hasPrefix("export-") })
        print("secrets: \(outputs.count) outputs and \(scanned.count) files scanned: \(scanned.sorted().joined(separator: ", "))")
    }

    /// A config file with a key that others can read gets a warning, in `ask` and in the TUI.
    @Test(.enabled(if: TmuxSession.available)) func aConfigKeyReadableByOthersIsWarnedAbout() throws {
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let server = try EmulatorProcess(arguments: ["--reply-tokens", "8"])
        defer { server.stop() }
        let folder = home.appendingPathComponent("config/cachechat")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("config.toml")
        try """
            profile = "local"

            [profiles.local]
            base_url = "\(server.baseURL)"
            api_key = "\(Self.key)"
            """.write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: config.path)
        let env = CachechatProcess.environment(home: home)

        let ask = try CachechatProcess.run(["ask", "Hello"], environment: env)
        #expect(ask.status == 0, "\(ask.stderr)")
        #expect(ask.stderr.contains("warning: \(config.path) holds an API key and is readable by others (mode 644)"), "\(ask.stderr)")
        #expect(ask.stderr.contains("chmod 600"))
        #expect(!ask.stderr.contains(Self.key) && !ask.stderr.contains(Self.middle))

        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: env, width: 240)
        // In the status bar (stderr's copy is hidden behind the TUI's screen until it quits).
        let screen = try tui.waitForScreen("the warning in the status bar") { screen in
            screen.contains { $0.contains("Enter sends") } && screen.last?.hasPrefix(" ! \(config.path) holds an API key and is readable by others") == true
        }
        #expect(!screen.joined().contains(Self.middle))
        try tui.send("C-q")
        #expect(try tui.waitForExit().status == 0)
        #expect(!(try tui.history()).contains(Self.middle))

        // Fixed: no warning.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config.path)
        let quiet = try CachechatProcess.run(["ask", "Hello"], environment: env)
        #expect(quiet.status == 0 && !quiet.stderr.contains("warning"), "\(quiet.stderr)")
    }
}
