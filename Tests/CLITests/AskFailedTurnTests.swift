import Foundation
import GRDB
import TestSupport
import Testing

/// An `ask` that fails before any of its reply arrives leaves the history as it found it
/// (no new conversation; no unanswered question in a continued one), while the ledger
/// still records the request. Real `cachechat serve` with fault plans, real database.
@Suite("cachechat ask: failed requests in the history")
struct AskFailedTurnTests {
    struct LedgerRow: Equatable {
        var conversation: Int64?
        var message: Int64?
        var outcome: String
    }

    static func ledger(_ home: URL) throws -> [LedgerRow] {
        try HistoryDatabase(home: home).queue.read { db in
            try Row.fetchAll(db, sql: "SELECT conversation_id, message_id, outcome, outcome_detail FROM request ORDER BY id").map { row in
                let outcome: String = row["outcome"]
                let detail: String? = row["outcome_detail"]
                return LedgerRow(conversation: row["conversation_id"], message: row["message_id"],
                                 outcome: [outcome, detail].compactMap { $0 }.joined(separator: " "))
            }
        }
    }

    static func conversations(_ home: URL) throws -> Int {
        try HistoryDatabase(home: home).queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM conversation") ?? 0 }
    }

    @Test func aFailedAskCreatesNoConversation() throws {
        let server = try EmulatorProcess(faults: ["status=401"])
        defer { server.stop() }
        let home = try CachechatProcess.temporaryHome()
        let env = FaultMatrixTests.environment(home: home, baseURL: server.baseURL)

        let failed = try CachechatProcess.run(["ask", "Hello?"], environment: env)
        #expect(failed.status == 3, "stderr: \(failed.stderr)")
        #expect(try Self.conversations(home) == 0)
        #expect(try HistoryDatabase(home: home).messages().isEmpty)
        #expect(try Self.ledger(home) == [LedgerRow(conversation: nil, message: nil, outcome: "error http-401")])
        let list = try CachechatProcess.run(["history", "list"], environment: env)
        #expect(list.stdout.hasPrefix("No conversations yet"), "\(list.stdout)")

        let json = try CachechatProcess.run(["ask", "--json", "Hello?"], environment: env)
        #expect(json.status == 3)
        #expect(json.stdout.contains("\"conversation\":null"), "\(json.stdout)")
        #expect(try Self.conversations(home) == 0)
        #expect(try Self.ledger(home).count == 2)
        let stats = try CachechatProcess.run(["stats", "--json"], environment: env)
        let totals = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect(totals["requests"] as? Int == 2, "\(stats.stdout)")
    }

    @Test func aFailedContinueLeavesTheConversationAsItWas() throws {
        let server = try EmulatorProcess()
        defer { server.stop() }
        let home = try CachechatProcess.temporaryHome()
        let env = FaultMatrixTests.environment(home: home, baseURL: server.baseURL)
        #expect(try CachechatProcess.run(["ask", "First question"], environment: env).status == 0)

        try server.setFaults(["status=500"])
        let failed = try CachechatProcess.run(["ask", "--continue", "Lost question"], environment: env)
        #expect(failed.status == 6, "stderr: \(failed.stderr)")
        #expect(try HistoryDatabase(home: home).messages().map(\.content).first == "First question")
        #expect(try HistoryDatabase(home: home).messages().count == 2)
        #expect(try Self.ledger(home).last == LedgerRow(conversation: 1, message: nil, outcome: "error http-500"))

        try server.setFaults([])
        let next = try CachechatProcess.run(["ask", "--continue", "Second question"], environment: env)
        #expect(next.status == 0, "stderr: \(next.stderr)")
        let messages = try HistoryDatabase(home: home).messages()
        #expect(messages.map(\.role) == ["user", "assistant", "user", "assistant"])
        #expect(messages.filter { $0.role == "user" }.map(\.content) == ["First question", "Second question"])
        #expect(Set(messages.map(\.conversation)) == [1])
        #expect(try Self.ledger(home).map(\.outcome) == ["ok", "error http-500", "ok"])
    }

    /// Hardening II 13: `--continue` needs the conversation; without a readable history it
    /// sends nothing (the question alone would be a wrong answer, billed) and says why.
    @Test func aContinueWithADamagedHistorySendsNothing() throws {
        let server = try ScriptedHTTPServer { _, _ in HTTPScript.stream(DeepSeekEvents.reply(["Hello", " there"])) }
        let home = try CachechatProcess.temporaryHome()
        let env = FaultMatrixTests.environment(home: home, baseURL: server.baseURL)
        #expect(try CachechatProcess.run(["ask", "First question"], environment: env).status == 0)
        #expect(server.requests.count == 1)

        let path = home.appendingPathComponent("data/cachechat/history.sqlite").path
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let garbage = Data(repeating: 0x41, count: 8192)
        try garbage.write(to: URL(fileURLWithPath: path))
        for flags in [["--continue"], ["--conversation", "1"]] {
            let continued = try CachechatProcess.run(["ask"] + flags + ["Second question"], environment: env)
            #expect(continued.status == 2, "stderr: \(continued.stderr)")
            #expect(continued.stderr.contains("Nothing was sent"), "\(continued.stderr)")
            #expect(continued.stderr.contains(path))
            #expect(continued.stdout.isEmpty)
        }
        #expect(server.requests.count == 1)
        #expect(FileManager.default.contents(atPath: path) == garbage)
    }
}
