import Foundation
import GRDB
import TestSupport

/// Reads the history database a `cachechat` process wrote under a test's HOME, with plain
/// SQL (not through the Store), so the tests check what is really in the file.
struct HistoryDatabase {
    struct Message: Equatable {
        var id: Int64
        var conversation: Int64
        var ordinal: Int
        var role: String
        var content: String
        var state: String
        var detail: String?
    }

    struct Request: Equatable {
        var id: Int64
        var message: Int64?
        var outcome: String
        var detail: String?
        var hit: Int?
        var miss: Int?
        /// Token counts are cachechat's estimate: the request ended without the server's usage.
        var estimated = false
    }

    static func path(home: URL) -> String { home.appendingPathComponent("data/cachechat/history.sqlite").path }

    let queue: DatabaseQueue

    init(home: URL) throws {
        queue = try DatabaseQueue(path: Self.path(home: home))
    }

    func integrityCheck() throws -> [String] {
        try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
    }

    func messages() throws -> [Message] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, conversation_id, ordinal, role, content, state, state_detail FROM message
                ORDER BY conversation_id, ordinal
                """).map {
                Message(id: $0["id"], conversation: $0["conversation_id"], ordinal: $0["ordinal"], role: $0["role"],
                        content: $0["content"], state: $0["state"], detail: $0["state_detail"])
            }
        }
    }

    func requests() throws -> [Request] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, message_id, outcome, outcome_detail, cache_hit_tokens, cache_miss_tokens, estimated FROM request ORDER BY id
                """).map {
                Request(id: $0["id"], message: $0["message_id"], outcome: $0["outcome"], detail: $0["outcome_detail"],
                        hit: $0["cache_hit_tokens"], miss: $0["cache_miss_tokens"], estimated: $0["estimated"])
            }
        }
    }

    /// `ok`, `error http-429`, `interrupted connection lost`: outcome and detail in one string.
    static func ledger(_ request: Request) -> String {
        [request.outcome, request.detail].compactMap { $0 }.joined(separator: " ")
    }
}

extension HistoryDatabase {
    /// The ledger's rows once it holds `count` (the database may not exist yet at first):
    /// polls the file, the state a finished turn leaves, not the clock.
    static func waitForRequests(_ count: Int, home: URL, timeout: Double = 60) throws -> [Request] {
        var last: [Request] = []
        let reached = Poll.until(timeout: timeout) { () -> [Request]? in
            guard FileManager.default.fileExists(atPath: path(home: home)),
                  let rows = try? HistoryDatabase(home: home).requests() else { return nil }
            last = rows
            return rows.count >= count ? rows : nil
        }
        if let reached { return reached }
        throw HistoryDatabaseError(description: "the ledger never reached \(count) requests (it has \(last.count))")
    }
}

struct HistoryDatabaseError: Error, CustomStringConvertible {
    var description: String
}
