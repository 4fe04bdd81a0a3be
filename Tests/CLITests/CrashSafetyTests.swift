import ChatCore
import Foundation
import TestSupport
import Testing

/// The real binary killed at random moments while it streams replies, and ended by every
/// signal a terminal program meets, then checked: nothing committed lost, the file intact,
/// no reply left `streaming`, interrupted replies marked, the terminal given back.
///
/// `CACHECHAT_CRASH_KILLS` (default 20 for `ask`; the TUI gets a quarter) and
/// `CACHECHAT_CRASH_SEED` replay or lengthen a run; `scripts/crash_soak.sh` runs many.
@Suite("Crash safety: the real binary", .serialized)
struct CrashSafetyTests {
    static let key = "sk-crash-91c4e07a2f-wxyz"
    static let kills = ProcessInfo.processInfo.environment["CACHECHAT_CRASH_KILLS"].flatMap(Int.init) ?? 20
    static let seed = ProcessInfo.processInfo.environment["CACHECHAT_CRASH_SEED"].flatMap(UInt64.init) ?? 20_260_601
    /// Replies of 120 tokens at 300 tokens/s: about 0.4 s of streaming to land in.
    static let serverArguments = ["--reply-tokens", "120", "--speed", "300"]
    static let stoppedReason = "cachechat stopped before the reply finished"

    static func environment(home: URL, server: EmulatorProcess, extra: [String: String] = [:]) -> [String: String] {
        CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": server.baseURL, "DEEPSEEK_API_KEY": key]
            .merging(extra) { $1 })
    }

    /// Every message that is complete now must stay exactly as it is.
    static func committed(_ database: HistoryDatabase) throws -> [Int64: String] {
        Dictionary(uniqueKeysWithValues: try database.messages().filter { $0.state == "complete" }.map { ($0.id, $0.content) })
    }

    static func expectKept(_ committed: [Int64: String], in database: HistoryDatabase, seed: UInt64) throws {
        let now = Dictionary(uniqueKeysWithValues: try database.messages().map { ($0.id, $0) })
        for (id, content) in committed {
            let message = now[id]
            #expect(message?.state == "complete" && message?.content == content, "message \(id) changed or lost (seed \(seed))")
        }
    }

    @Test func askKilledWhileStreamingLosesNothingCommitted() throws {
        let server = try EmulatorProcess(arguments: Self.serverArguments)
        defer { server.stop() }
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let env = Self.environment(home: home, server: server)
        var rng = SplitMix64(seed: Self.seed)
        // A first complete exchange, so that there is something committed to lose.
        #expect(try CachechatProcess.run(["ask", "--model", "deepseek-chat", "Start of the crash conversation"], environment: env).status == 0)

        var committed: [Int64: String] = [:], killedMidReply = 0
        for run in 0..<Self.kills {
            let database = try HistoryDatabase(home: home)
            committed.merge(try Self.committed(database)) { $1 }
            try Self.expectKept(committed, in: database, seed: Self.seed)
            let pid = try Spawn.start(CachechatProcess.binary.path, ["ask", "--continue", "Question \(run) of the crash run"],
                                      environment: env)
            // From before the store is open to after the reply is complete.
            usleep(UInt32.random(in: 20_000...900_000, using: &rng))
            kill(pid, SIGKILL)
            if Spawn.wait(pid) == 128 + SIGKILL { killedMidReply += 1 }
        }
        // The next start (any command that opens the store) marks what was cut off.
        let list = try CachechatProcess.run(["history", "list"], environment: env)
        #expect(list.status == 0)
        let database = try HistoryDatabase(home: home)
        #expect(try database.integrityCheck() == ["ok"])
        try Self.expectKept(committed, in: database, seed: Self.seed)
        let messages = try database.messages()
        #expect(!messages.contains { $0.state == "streaming" }, "a reply left streaming (seed \(Self.seed))")
        let recovered = messages.filter { $0.state == "interrupted" && $0.detail == Self.stoppedReason }
        // Every recovered reply has its ledger row; every reply one row.
        let requests = try database.requests()
        for reply in messages where reply.role == "assistant" {
            #expect(requests.filter { $0.message == reply.id }.count == 1, "reply \(reply.id): ledger rows (seed \(Self.seed))")
        }
        // Ordinals stay dense: a killed run never leaves a gap or a duplicate.
        let conversation = messages.filter { $0.conversation == messages.first?.conversation }
        #expect(conversation.map(\.ordinal) == Array(1...conversation.count))
        print("crash test (ask): \(Self.kills) runs (seed \(Self.seed)), \(killedMidReply) killed, "
              + "\(committed.count) complete messages kept, \(recovered.count) replies recovered as interrupted")
        if Self.kills >= 10 { #expect(recovered.count > 0, "no kill landed inside a reply: the test tested nothing (seed \(Self.seed))") }

        // ask --continue after all that still works, and sends the conversation.
        let after = try CachechatProcess.run(["ask", "--continue", "--json", "Still there?"], environment: env)
        #expect(after.status == 0, "\(after.stderr)")
    }

    @Test(.enabled(if: TmuxSession.available)) func tuiKilledWhileStreamingReopensWithTheReplyMarked() throws {
        let server = try EmulatorProcess(arguments: Self.serverArguments)
        defer { server.stop() }
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let env = Self.environment(home: home, server: server)
        var rng = SplitMix64(seed: Self.seed &+ 1)
        var committed: [Int64: String] = [:]
        let kills = max(3, Self.kills / 4)
        for run in 0..<kills {
            if FileManager.default.fileExists(atPath: HistoryDatabase.path(home: home)) {
                let database = try HistoryDatabase(home: home)
                committed.merge(try Self.committed(database)) { $1 }
                try Self.expectKept(committed, in: database, seed: Self.seed)
            }
            let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: env)
            try tui.waitFor("Enter sends")
            let pid = try tui.programPID()
            try tui.type("TUI question \(run)")
            try tui.send("Enter")
            try tui.waitFor("You ·")
            // Kill while the reply streams (it takes ~0.4 s), sometimes after it ended.
            usleep(UInt32.random(in: 0...600_000, using: &rng))
            kill(pid, SIGKILL)
            _ = try tui.waitForExit()
        }
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"], environment: env)
        let screen = try tui.waitFor("Enter sends")
        let database = try HistoryDatabase(home: home)
        #expect(try database.integrityCheck() == ["ok"])
        try Self.expectKept(committed, in: database, seed: Self.seed)
        let messages = try database.messages()
        #expect(!messages.contains { $0.state == "streaming" })
        let last = try #require(messages.last)
        // The last run was killed right after sending, at most 0.6 s in: the reopened
        // conversation ends with that reply, marked.
        if last.role == "assistant" && last.state == "interrupted" {
            #expect(screen.contains { $0.contains("■ cachechat stopped before this reply finished") }, "the interrupted reply is not marked:\n\(screen.joined(separator: "\n"))")
        }
        #expect(screen.contains { $0.contains("TUI question \(kills - 1)") })
        try tui.send("C-q")
        #expect(try tui.waitForExit().status == 0)
    }

    /// What each ending leaves: the program gone, the normal screen back, termios as it
    /// was, the cursor visible, the reply in flight stored as interrupted (not streaming).
    struct Ending: Sendable, CustomStringConvertible {
        var name: String
        var signal: Int32?
        var statuses: Set<Int>
        var description: String { name }
    }

    static let endings = [
        Ending(name: "SIGTERM", signal: SIGTERM, statuses: [128 + Int(SIGTERM)]),
        Ending(name: "SIGINT", signal: SIGINT, statuses: [128 + Int(SIGINT)]),
        Ending(name: "SIGHUP", signal: SIGHUP, statuses: [128 + Int(SIGHUP)]),
        // Hardening II 14: these end a program by default and used to leave the
        // alternate screen and mouse reporting on (SIGQUIT: the program kept running).
        Ending(name: "SIGUSR1", signal: SIGUSR1, statuses: [128 + Int(SIGUSR1)]),
        Ending(name: "SIGPIPE", signal: SIGPIPE, statuses: [128 + Int(SIGPIPE)]),
        Ending(name: "SIGQUIT", signal: SIGQUIT, statuses: [128 + Int(SIGQUIT)]),
        // fatalError traps (SIGILL on x86-64, SIGTRAP on arm64).
        Ending(name: "Swift runtime trap", signal: nil, statuses: [128 + Int(SIGILL), 128 + Int(SIGTRAP)]),
    ]

    @Test(.enabled(if: TmuxSession.available), arguments: endings)
    func theTerminalIsRestored(_ ending: Ending) throws {
        // A stall keeps the reply in flight while the signal arrives.
        let server = try EmulatorProcess(faults: ["stall=30"], arguments: Self.serverArguments)
        defer { server.stop() }
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"],
                                  environment: Self.environment(home: home, server: server, extra: ["CACHECHAT_TEST_TRAP": "1"]))
        try tui.waitFor("Enter sends")
        #expect(try tui.display("#{alternate_on}") == "1")
        let pid = try tui.programPID()
        if let signal = ending.signal {
            try tui.type("Question before \(ending.name)")
            try tui.send("Enter")
            try tui.waitFor("Esc stop")
            kill(pid, signal)
        } else {
            try tui.type("/crash-test")
            try tui.send("Enter")
        }
        let exit = try tui.waitForExit()
        #expect(ending.statuses.contains(exit.status), "\(ending): exit status \(exit.status)")
        #expect(exit.ttySame, "\(ending): termios not restored")
        #expect(try tui.display("#{alternate_on}") == "0", "\(ending): still on the alternate screen")
        #expect(try tui.display("#{cursor_flag}") == "1", "\(ending): cursor left hidden")
        let history = try tui.history()
        #expect(history.contains("AFTER-PROGRAM"), "\(ending): the shell did not get the terminal back")
        #expect(!history.contains(Self.key) && !history.contains("91c4e07a2f"), "\(ending): the key is on the screen")
        if ending.signal == nil { #expect(history.contains("deliberate crash for tests"), "\(ending): no crash message:\n\(history)") }

        let database = try HistoryDatabase(home: home)
        #expect(try database.integrityCheck() == ["ok"])
        // SIGQUIT ends at once, like a crash: the next start marks the reply (recovery).
        if ending.signal != nil && ending.signal != SIGQUIT {
            let reply = try #require(try database.messages().last)
            #expect(reply.role == "assistant" && reply.state == "interrupted", "\(ending): \(reply)")
            #expect(try database.requests().map(HistoryDatabase.ledger) == ["interrupted stopped"], "\(ending)")
        }
    }
}

