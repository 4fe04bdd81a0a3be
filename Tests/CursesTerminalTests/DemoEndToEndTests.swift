import Foundation
import TerminalUI
import TestSupport
import Testing

/// curses-demo under tmux: what a person would see, and the terminal given back intact
/// after every way the program can end.
@Suite("CursesTerminal end to end (tmux)", .serialized)
struct DemoEndToEndTests {
    static let tmuxAvailable = TmuxSession.available

    /// curses-demo in tmux (`arguments`, `environment` over the driver's defaults).
    func demo(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> TmuxSession {
        try TmuxSession(program: try Self.demoBinary(), arguments: arguments, environment: environment)
    }

    /// `curses-demo`, built next to the test bundle (walking up from the test binary).
    static func demoBinary() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("curses-demo")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw TmuxSession.Failure(description: "curses-demo not found near \(CommandLine.arguments[0]); build it (swift build --product curses-demo)")
    }

    /// Waits for the demo's first frame at `width` columns.
    func started(_ session: TmuxSession, width: Int) throws -> [String] {
        // The whole frame: a capture can land while the rows below the size line are painted.
        try session.waitForScreen("the demo's first frame") { screen in
            screen.count > 2 && screen[1].contains("size: \(width)x") && screen.last?.hasPrefix("└") == true
        }
    }

    /// The state every ending must leave behind: demo gone with `status`, normal screen
    /// back with what was there before, termios, cursor, mouse and bracketed paste off.
    func expectRestored(_ session: TmuxSession, statuses: Set<Int>, extra: (([String]) -> Void)? = nil) throws {
        // With history: a crash's backtrace scrolls the start off the visible screen.
        let screen = try session.waitForScreen("the demo to exit", history: true) { $0.contains { $0.hasPrefix("AFTER-PROGRAM") } }
        let after = try #require(screen.first { $0.hasPrefix("AFTER-PROGRAM") })
        let status = Int(after.split(separator: " ")[1].dropFirst("status=".count)) ?? -1
        #expect(statuses.contains(status), "exit status: \(after)")
        #expect(after.hasSuffix("tty=same"), "termios not restored: \(after)")
        #expect(screen.first == "BEFORE-PROGRAM", "normal screen not back:\n\(screen.joined(separator: "\n"))")
        #expect(!screen.contains { $0.contains("curses-demo ─") || $0.contains("CJK:") }, "demo frame left on screen")
        #expect(try session.display("#{alternate_on}") == "0", "still on the alternate screen")
        #expect(try session.display("#{cursor_flag}") == "1", "cursor left hidden")
        #expect(try session.display("#{mouse_sgr_flag}#{mouse_standard_flag}#{mouse_any_flag}") == "000", "mouse reporting left on")
        try session.paste("pasted")
        try session.send("Enter")
        let pasted = try session.waitForScreen("the paste probe") { $0.contains { $0.hasPrefix("PASTE-") } }
        #expect(pasted.contains("PASTE-PLAIN pasted"), "bracketed paste left on:\n\(pasted.joined(separator: "\n"))")
        extra?(screen)
    }

    @Test(.enabled(if: tmuxAvailable)) func drawsWideCharactersInTheirCellsAndEchoesKeys() throws {
        let session = try demo()
        let screen = try started(session, width: 120)
        #expect(screen.count == 40)
        #expect(screen[0].hasPrefix("┌ curses-demo ─") && screen[0].hasSuffix("┐") && Frame.displayWidth(screen[0]) == 120)
        // The "|" right after each text and the right border prove every CJK and emoji
        // cluster took exactly two cells on the real screen.
        #expect(screen[2] == Frame.row(" CJK: 中文字符|", width: 120))
        #expect(screen[3] == Frame.row(" Emoji: 🎉🚀 ok|", width: 120))
        #expect(screen[4] == Frame.row(" Mixed: a中b🎉cé|", width: 120))
        #expect(screen[39].hasPrefix("└") && screen[39].hasSuffix("┘"))
        #expect(try session.display("#{alternate_on} #{cursor_flag} #{mouse_sgr_flag}") == "1 1 1")

        try session.send("a", "中", "Escape", "Up", "C-a", "M-x")
        let keys = try session.waitForScreen("echoed keys") { $0.count > 6 && $0[6].contains("M-x") }
        #expect(keys[6] == Frame.row(" keys: a 中 escape up C-a M-x", width: 120))

        try session.send("q")
        try expectRestored(session, statuses: [0]) { screen in
            #expect(screen.contains { $0.hasPrefix("curses-demo: bye after") })
        }
    }

    @Test(.enabled(if: tmuxAvailable)) func redrawsCleanlyAfterResizeIncludingTinySizes() throws {
        let session = try demo()
        _ = try started(session, width: 120)
        try session.resize(width: 60, height: 20)
        // Wait for the whole frame: capture-pane may run while the redraw is being written.
        let small = try session.waitForScreen("a 60x20 frame") {
            $0.count == 20 && $0[1].contains("size: 60x20") && $0[19].hasPrefix("└")
        }
        #expect(small.count == 20)
        for (index, line) in small.enumerated() {
            #expect(Frame.displayWidth(line) == 60, "row \(index) is \(Frame.displayWidth(line)) wide: \(line)")
        }
        #expect(small[0] == "┌ curses-demo " + String(repeating: "─", count: 45) + "┐")
        #expect(small[2] == Frame.row(" CJK: 中文字符|", width: 60))
        #expect(small[3] == Frame.row(" Emoji: 🎉🚀 ok|", width: 60))
        for row in 8...17 { #expect(small[row] == Frame.row("", width: 60), "garbage in row \(row): \(small[row])") }
        #expect(small[18] == Frame.row(" status bar ", width: 60))
        #expect(small[19] == "└" + String(repeating: "─", count: 58) + "┘")

        // Down to nothing and back, in a burst of resizes: the demo must survive and draw a
        // sane frame at the end.
        for (w, h) in [(1, 1), (2, 2), (3, 1), (1, 5), (10, 3)] { try session.resize(width: w, height: h) }
        try session.resize(width: 40, height: 12)
        let back = try session.waitForScreen("a 40x12 frame") {
            $0.count == 12 && $0[1].contains("size: 40x12") && $0[11].hasPrefix("└")
        }
        #expect(back[0] == "┌ curses-demo " + String(repeating: "─", count: 25) + "┐")
        #expect(back[2] == Frame.row(" CJK: 中文字符|", width: 40))
        #expect(back[9] == Frame.row("", width: 40))
        #expect(back[10] == Frame.row(" status bar ", width: 40))
        #expect(back[11] == "└" + String(repeating: "─", count: 38) + "┘")
        try session.send("q")
        try expectRestored(session, statuses: [0])
    }

    @Test(.enabled(if: tmuxAvailable), arguments: [(SIGTERM, "TERM"), (SIGHUP, "HUP"), (SIGINT, "INT")])
    func signalShutsDownCleanly(signal: Int32, name: String) throws {
        let session = try demo()
        _ = try started(session, width: 120)
        let pid = try session.programPID()
        #expect(kill(pid, signal) == 0)
        try expectRestored(session, statuses: [128 + Int(signal)])
    }

    @Test(.enabled(if: tmuxAvailable)) func hardSignalRestoresFromTheHandler() throws {
        let session = try demo(["--hard-signals"])
        _ = try started(session, width: 120)
        #expect(kill(try session.programPID(), SIGTERM) == 0)
        try expectRestored(session, statuses: [128 + Int(SIGTERM)])
    }

    @Test(.enabled(if: tmuxAvailable)) func fatalErrorRestoresTheTerminalAndShowsTheMessage() throws {
        let session = try demo()
        _ = try started(session, width: 120)
        try session.send("C-t")
        // A Swift trap is SIGILL on x86_64 and SIGTRAP on arm64.
        try expectRestored(session, statuses: [128 + Int(SIGILL), 128 + Int(SIGTRAP)]) { screen in
            #expect(screen.contains { $0.contains("Fatal error: curses-demo: deliberate crash (Ctrl-T)") },
                    "the captured stderr was not replayed:\n\(screen.joined(separator: "\n"))")
        }
    }

    @Test(.enabled(if: tmuxAvailable)) func noColorRunsMonochrome() throws {
        let session = try demo(environment: ["NO_COLOR": "1"])
        let screen = try started(session, width: 120)
        #expect(screen[1].contains("depth: monochrome"))
        try session.send("q")
        try expectRestored(session, statuses: [0])
    }
}

/// Expected rows of the demo's bordered screen.
enum Frame {
    /// A row of the box: `│`, `content` padded with blanks to the inner width, `│`.
    static func row(_ content: String, width: Int) -> String {
        let pad = width - 2 - DisplayWidth.of(content)
        return "│" + content + String(repeating: " ", count: max(0, pad)) + "│"
    }

    static func displayWidth(_ line: String) -> Int { DisplayWidth.of(line) }
}
