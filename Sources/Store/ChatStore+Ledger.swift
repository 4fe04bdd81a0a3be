import ChatCore
import Foundation
import GRDB

/// Which ledger rows a query covers. Empty means all of them.
public struct LedgerFilter: Sendable, Equatable {
    public var conversation: ConversationID?
    /// Requests at or after this instant.
    public var since: Date?
    /// Requests before this instant.
    public var until: Date?

    public init(conversation: ConversationID? = nil, since: Date? = nil, until: Date? = nil) {
        self.conversation = conversation
        self.since = since
        self.until = until
    }
}

extension ChatStore {
    /// Records a request that has no stored reply (it failed before any text arrived, or
    /// was not a chat turn). Replies are recorded by `completeReply` and friends instead.
    @discardableResult
    public func recordRequest(_ entry: LedgerEntry) throws -> LedgerEntry {
        try write { db in try insertLedgerEntry(db, entry) }
    }

    /// Ledger rows matching `filter`, oldest first.
    public func ledgerEntries(_ filter: LedgerFilter = LedgerFilter()) throws -> [LedgerEntry] {
        try read { db in
            let (condition, arguments) = Self.sql(for: filter)
            return try Row.fetchAll(db, sql: "SELECT * FROM request WHERE \(condition) ORDER BY time, id",
                                    arguments: arguments).map(LedgerEntry.init(row:))
        }
    }

    /// Totals over the rows matching `filter` (all-time when empty).
    public func stats(_ filter: LedgerFilter = LedgerFilter()) throws -> StatsSummary {
        var summary = StatsSummary()
        try forEachEntry(filter) { summary.add($0) }
        return summary
    }

    /// Totals per day (in `calendar`'s time zone) or per model, sorted by group.
    public func stats(
        _ filter: LedgerFilter = LedgerFilter(), by grouping: StatsGrouping, calendar: Calendar = .current
    ) throws -> [StatsSummary] {
        var groups: [String: StatsSummary] = [:]
        try forEachEntry(filter) { entry in
            let key = StatsSummary.groupName(of: entry, by: grouping, calendar: calendar)
            groups[key, default: StatsSummary(group: key)].add(entry)
        }
        return groups.values.sorted { $0.group! < $1.group! }
    }

    /// Totals for one conversation (what the cache panel shows).
    public func totals(for conversation: ConversationID) throws -> StatsSummary {
        try stats(LedgerFilter(conversation: conversation))
    }

    // MARK: - Helpers

    /// Streams rows through a cursor: aggregation never holds the whole ledger in memory.
    func forEachEntry(_ filter: LedgerFilter, _ body: (LedgerEntry) throws -> Void) throws {
        try read { db in
            let (condition, arguments) = Self.sql(for: filter)
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM request WHERE \(condition)", arguments: arguments)
            while let row = try rows.next() { try body(try LedgerEntry(row: row)) }
        }
    }

    static func sql(for filter: LedgerFilter) -> (String, StatementArguments) {
        var conditions = ["1"]
        var arguments = StatementArguments()
        if let conversation = filter.conversation {
            conditions.append("conversation_id = ?")
            arguments += [conversation.rawValue]
        }
        if let since = filter.since {
            conditions.append("time >= ?")
            arguments += [since]
        }
        if let until = filter.until {
            conditions.append("time < ?")
            arguments += [until]
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    func insertLedgerEntry(_ db: Database, _ entry: LedgerEntry) throws -> LedgerEntry {
        let (outcome, detail) = entry.outcome.columns
        try db.execute(sql: """
            INSERT INTO request (time, endpoint_host, endpoint_name, model, conversation_id, message_id,
                prompt_tokens, cache_hit_tokens, cache_miss_tokens, completion_tokens, reasoning_tokens,
                cost, cost_without_cache, currency, predicted_hit_tokens, local_prompt_tokens,
                seconds_to_first_token, total_seconds, outcome, outcome_detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                entry.time, SecretRedaction.redact(entry.endpointHost), SecretRedaction.redact(entry.endpointName),
                entry.model, entry.conversation?.rawValue, entry.message?.rawValue,
                entry.promptTokens, entry.hitTokens, entry.missTokens, entry.completionTokens, entry.reasoningTokens,
                entry.cost, entry.costWithoutCache, entry.currency, entry.predictedHitTokens, entry.localPromptTokens,
                entry.secondsToFirstToken, entry.totalSeconds, outcome, detail,
            ])
        let row = try Row.fetchOne(db, sql: "SELECT * FROM request WHERE id = ?", arguments: [db.lastInsertedRowID])!
        return try LedgerEntry(row: row)
    }
}
