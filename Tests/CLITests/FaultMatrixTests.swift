import Foundation
import TestSupport
import Testing

/// `cachechat ask` through every case of `FaultMatrix`: the real binary against a real
/// `cachechat serve` started with the case's `--fault` plan, in a private HOME each.
@Suite("Fault matrix: cachechat ask")
struct FaultMatrixTests {
    static let key = "sk-matrix-5e1d7c90b3-abcd"

    /// The reply the fault-free server gives to `FaultMatrix.question` (deterministic),
    /// exactly as it arrived (`--json`'s content).
    static let fullReply: Result<String, Error> = Result {
        let server = try EmulatorProcess(arguments: FaultMatrix.serverArguments)
        defer { server.stop() }
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try CachechatProcess.run(["ask", "--json", "--model", "deepseek-chat", FaultMatrix.question],
                                              environment: environment(home: home, baseURL: server.baseURL))
        let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        guard result.status == 0, let content = object?["content"] as? String, !content.isEmpty else {
            throw EmulatorProcess.Failure(description: "baseline ask failed: \(result.status) \(result.stderr)")
        }
        return content
    }

    /// What `ask` prints for a reply: the text, plus a newline when it does not end a line.
    static func printed(_ reply: String) -> String {
        reply.isEmpty || reply.hasSuffix("\n") ? reply : reply + "\n"
    }

    static func environment(home: URL, baseURL: String) -> [String: String] {
        CachechatProcess.environment(home: home, extra: ["DEEPSEEK_BASE_URL": baseURL, "DEEPSEEK_API_KEY": key])
    }


    @Test(arguments: FaultMatrix.cases)
    func askShowsWhatTheTableSays(_ item: FaultCase) throws {
        let full = try Self.fullReply.get()
        var server: EmulatorProcess? = nil
        let refusing = item.plan == nil ? try RefusingPort() : nil  // held until the test ends
        let baseURL: String
        if let plan = item.plan {
            server = try EmulatorProcess(faults: [plan], arguments: FaultMatrix.serverArguments)
            baseURL = server!.baseURL
        } else {
            baseURL = "http://127.0.0.1:\(refusing!.port)"
        }
        defer { withExtendedLifetime(refusing) {} }
        defer { server?.stop() }
        let home = try CachechatProcess.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let env = Self.environment(home: home, baseURL: baseURL)

        let result = try CachechatProcess.run(["ask", "--model", "deepseek-chat", FaultMatrix.question], environment: env)
        #expect(result.status == item.exitCode, "\(item): stderr \(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.last?.hasPrefix("cachechat: ") == true && lines.last?.contains(item.askMessage) == true,
                "\(item): stderr \(result.stderr)")
        let retries = lines.filter { $0.contains("retrying in") }
        #expect(retries.count == item.retries, "\(item): stderr \(result.stderr)")
        if let notice = item.retryNotice { #expect(retries.allSatisfy { $0.contains(notice.prefix(12)) } && retries.first?.contains(notice) == true) }
        switch item.reply {
        case .none: #expect(result.stdout.isEmpty, "\(item)")
        case .full: #expect(result.stdout == Self.printed(full), "\(item)")
        case .partial:
            // Without the newline `ask` adds after the text.
            let shown = result.stdout.hasSuffix("\n") ? String(result.stdout.dropLast()) : result.stdout
            #expect(!shown.isEmpty && shown.count < full.count && full.hasPrefix(shown), "\(item): \(result.stdout)")
            #expect(result.stderr.contains("[reply interrupted]"), "\(item)")
        }
        #expect(!result.stderr.contains(Self.key) && !result.stdout.contains(Self.key))

        // The database: the question, the reply in its state with exactly what was shown,
        // one ledger row for the turn (retries included), an intact file; after a failure
        // before any reply, the ledger row alone.
        let database = try HistoryDatabase(home: home)
        #expect(try database.integrityCheck() == ["ok"])
        let messages = try database.messages()
        let requests = try database.requests()
        #expect(requests.count == 1, "\(item): \(requests)")
        #expect(requests.first.map(HistoryDatabase.ledger) == item.ledger, "\(item)")
        if item.askKeepsTurn {
            try checkStoredTurn(item, messages: messages, requests: requests, stderr: lines, stdout: result.stdout)
        } else {
            #expect(messages.isEmpty, "\(item): a failed ask keeps no conversation: \(messages)")
            #expect(requests.first?.message == nil, "\(item)")
        }

        // `stats` says how many requests were counted by us rather than by the server.
        let estimated = requests.filter(\.estimated).count
        // A reply cut short never got the server's usage; a complete one always did.
        if item.reply == .partial { #expect(estimated == 1, "\(item): \(requests)") }
        if item.ledger == "ok" { #expect(estimated == 0, "\(item): \(requests)") }
        let stats = try CachechatProcess.run(["stats", "--json"], environment: env)
        let totals = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect(totals["requests"] as? Int == 1 && totals["estimated_requests"] as? Int == estimated, "\(item): \(stats.stdout)")
        let table = try CachechatProcess.run(["stats"], environment: env).stdout
        #expect(table.contains("estimated") == (estimated > 0), "\(item): \(table)")

        // --json: one object, the same exit status, the partial reply in `content`.
        let json = try CachechatProcess.run(["ask", "--json", "--model", "deepseek-chat", FaultMatrix.question], environment: env)
        #expect(json.status == item.exitCode, "\(item): \(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let content = object["content"] as? String ?? ""
        if item.exitCode == 0 {
            #expect(object["error"] is NSNull && content == full, "\(item)")
        } else {
            let error = try #require(object["error"] as? [String: Any], "\(item)")
            #expect((error["message"] as? String)?.contains(item.askMessage) == true, "\(item): \(error)")
            #expect(item.reply == .partial ? (!content.isEmpty && full.hasPrefix(content)) : content.isEmpty, "\(item)")
        }
        #expect(!json.stdout.contains(Self.key) && !json.stderr.contains(Self.key))
        #expect(try database.requests().count == 2)
        #expect(try database.integrityCheck() == ["ok"])
    }

    /// The question and the reply in their states, the reply exactly as printed, the ledger
    /// row linked to it.
    func checkStoredTurn(_ item: FaultCase, messages: [HistoryDatabase.Message], requests: [HistoryDatabase.Request],
                         stderr lines: [String], stdout: String) throws {
        #expect(messages.map(\.role) == ["user", "assistant"], "\(item)")
        #expect(messages.first?.content == FaultMatrix.question)
        let reply = try #require(messages.last)
        let state = [reply.state, reply.detail].compactMap { $0 }.joined(separator: " ")
        if item.messageState == "failed" {
            #expect(reply.state == "failed" && reply.detail == lines.last.map { String($0.dropFirst("cachechat: ".count)) },
                    "\(item): \(state)")
        } else {
            #expect(state == item.messageState, "\(item)")
        }
        #expect(Self.printed(reply.content) == stdout, "\(item): the stored reply is not what was shown")
        #expect(requests.first?.message == reply.id)
    }

    /// docs/FAULTS.md shows exactly the table the tests assert.
    @Test func docsMirrorTheTable() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/FAULTS.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        #expect(text.contains(FaultMatrix.markdown), "docs/FAULTS.md is out of date; the table should be:\n\(FaultMatrix.markdown)")
    }
}
