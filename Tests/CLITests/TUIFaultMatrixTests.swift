import Foundation
import TestSupport
import Testing

/// The TUI through every case of `FaultMatrix`, in one session in tmux: one
/// `cachechat serve` whose fault plans are switched between cases (`--fault-file`), a new
/// conversation per case, the server stopped for the last case (connection refused).
@Suite("Fault matrix: the TUI in tmux", .serialized)
struct TUIFaultMatrixTests {
    static let key = FaultMatrixTests.key

    @Test(.enabled(if: TmuxSession.available)) func theTUIShowsWhatTheTableSays() throws {
        let full = try FaultMatrixTests.fullReply.get()
        let server = try EmulatorProcess(arguments: FaultMatrix.serverArguments)
        defer { server.stop() }
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let tui = try TmuxSession(arguments: ["--model", "deepseek-chat"],
                                  environment: FaultMatrixTests.environment(home: home, baseURL: server.baseURL))
        try tui.waitFor("Enter sends")
        let refusedLast = FaultMatrix.cases.firstIndex { $0.plan == nil }
        #expect(refusedLast == FaultMatrix.cases.count - 1, "connection refused must be the last case: it stops the server")

        for (index, item) in FaultMatrix.cases.enumerated() {
            if let plan = item.plan { try server.setFaults([plan]) } else { server.stop() }
            try tui.send("C-n")
            try tui.waitForScreen("a new conversation (\(item))") { screen in
                screen.last?.contains("New conversation") == true && !screen.contains { $0.contains("You ·") }
            }
            try tui.type(FaultMatrix.question)
            try tui.send("Enter")
            try tui.waitFor("You ·")
            // Typed while the request is in flight (or just after it failed): it must survive.
            let draft = "draft for case \(index)"
            try tui.type(draft)

            var sawRetry = false
            let screen = try tui.waitForScreen("the end of \(item)", timeout: 30) { screen in
                let status = screen.last ?? ""
                if let notice = item.tuiRetryNotice, status.contains(notice) { sawRetry = true }
                // The notice replaces the hints when it is long; it appears only once the turn ended.
                let ended = item.status.hasPrefix("⚠") || item.status.hasPrefix("!") ? status.hasPrefix(" " + item.status) : status.contains(item.status)
                // tmux delivers the draft's keys on its own time: the end is when both the
                // outcome and the draft are on screen (a lost draft times out here).
                return ended && screen.contains { $0.hasPrefix("› " + draft) }
            }
            let text = screen.joined(separator: "\n")
            if item.retries > 0 { #expect(sawRetry, "\(item): no retry notice in the status bar") }
            #expect(screen.contains { $0.hasPrefix("› " + draft) }, "\(item): the draft is gone:\n\(text)")
            #expect(screen.contains { $0.contains(FaultMatrix.question) }, "\(item): the question is not in the transcript")
            // How the turn ended, on the line under the reply (its first line; long ones wrap).
            if let note = item.note {
                #expect(screen.contains { $0.hasPrefix("  " + note.prefix(60)) }, "\(item):\n\(text)")
            } else {
                #expect(!screen.contains { $0.hasPrefix("  ✗ ") || $0.hasPrefix("  ■ ") }, "\(item):\n\(text)")
            }
            #expect(screen.contains { $0.hasPrefix("  Good question") } == (item.reply != .none), "\(item):\n\(text)")
            #expect(!text.contains(Self.key))

            // The database, while the TUI still has it open.
            let database = try HistoryDatabase(home: home)
            #expect(try database.integrityCheck() == ["ok"])
            let messages = try database.messages()
            let conversation = try #require(messages.last?.conversation)
            let these = messages.filter { $0.conversation == conversation }
            #expect(these.map(\.role) == ["user", "assistant"], "\(item)")
            let reply = try #require(these.last)
            let state = [reply.state, reply.detail].compactMap { $0 }.joined(separator: " ")
            let message = item.status.replacingOccurrences(of: "⚠ Failed: ", with: "")
            #expect(item.messageState == "failed" ? reply.state == "failed" && (reply.detail ?? "").hasPrefix(message)
                    : state == item.messageState, "\(item): \(state)")
            switch item.reply {
            case .none: #expect(reply.content.isEmpty, "\(item)")
            case .full: #expect(reply.content == full, "\(item)")
            case .partial: #expect(!reply.content.isEmpty && reply.content.count < full.count && full.hasPrefix(reply.content), "\(item)")
            }
            let rows = try database.requests().filter { $0.message == reply.id }
            #expect(rows.map(HistoryDatabase.ledger) == [item.ledger], "\(item)")

            if item.plan == nil {
                // A message that could not be sent stays in the transcript, and Up brings it back.
                try tui.send("C-u")
                try tui.send("Up")
                try tui.waitForScreen("the question recalled with Up") { $0.contains { $0.hasPrefix("› " + FaultMatrix.question) } }
            }
            try tui.send("C-u")
            try tui.waitForScreen("an empty editor") { !$0.contains { $0.hasPrefix("› draft") || $0.hasPrefix("› Café") } }
        }

        try tui.send("C-q")
        let exit = try tui.waitForExit()
        #expect(exit.status == 0 && exit.ttySame, "\(exit)")
        let database = try HistoryDatabase(home: home)
        #expect(try database.integrityCheck() == ["ok"])
        #expect(try database.messages().allSatisfy { $0.state != "streaming" })
        #expect(try database.requests().count == FaultMatrix.cases.count)
    }
}
