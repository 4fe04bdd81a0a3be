import ChatCore
import Foundation

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
            return try SQLRow.fetchAll(db, sql: "SELECT * FROM request WHERE \(condition) ORDER BY time, id",
                                    arguments: arguments).map(LedgerEntry.init(row:))
        }
    }

    /// Totals over the rows matching `filter` (all-time when empty), by SQL aggregates:
    /// nothing is read row by row, so the panel can refresh after every turn.
    public func ledgerTotals(_ filter: LedgerFilter = LedgerFilter()) throws -> StatsSummary {
        try read { db in
            let (condition, arguments) = Self.sql(for: filter)
            var summary = StatsSummary()
            if let row = try SQLRow.fetchOne(db, sql: """
                SELECT COUNT(*) AS requests,
                    TOTAL(COALESCE(prompt_tokens, COALESCE(cache_hit_tokens, 0) + COALESCE(cache_miss_tokens, 0))) AS prompt,
                    TOTAL(cache_hit_tokens) AS hit, TOTAL(cache_miss_tokens) AS miss,
                    TOTAL(completion_tokens) AS completion, TOTAL(reasoning_tokens) AS reasoning,
                    TOTAL(estimated) AS estimated, TOTAL(usage_problem IS NOT NULL) AS problems,
                    TOTAL(CASE WHEN predicted_hit_tokens IS NOT NULL AND cache_hit_tokens IS NOT NULL AND NOT estimated THEN 1 END) AS predicted,
                    TOTAL(CASE WHEN predicted_hit_tokens = cache_hit_tokens AND NOT estimated THEN 1 END) AS exact,
                    TOTAL(CASE WHEN NOT estimated THEN ABS(predicted_hit_tokens - cache_hit_tokens) END) AS error
                FROM request WHERE \(condition)
                """, arguments: arguments) {
                summary.requests = try row.decode(forColumn: "requests")
                summary.promptTokens = Self.count(try row.decode(Double?.self, forColumn: "prompt"))
                summary.hitTokens = Self.count(try row.decode(Double?.self, forColumn: "hit"))
                summary.missTokens = Self.count(try row.decode(Double?.self, forColumn: "miss"))
                summary.completionTokens = Self.count(try row.decode(Double?.self, forColumn: "completion"))
                summary.reasoningTokens = Self.count(try row.decode(Double?.self, forColumn: "reasoning"))
                summary.estimatedRequests = Self.count(try row.decode(Double?.self, forColumn: "estimated"))
                summary.usageProblems = Self.count(try row.decode(Double?.self, forColumn: "problems"))
                summary.prediction = StatsSummary.PredictionAccuracy(
                    requests: Self.count(try row.decode(Double?.self, forColumn: "predicted")), exact: Self.count(try row.decode(Double?.self, forColumn: "exact")),
                    totalAbsoluteError: Self.count(try row.decode(Double?.self, forColumn: "error")))
            }
            summary.costs = try SQLRow.fetchAll(db, sql: """
                SELECT currency, TOTAL(cost) AS cost, TOTAL(COALESCE(cost_without_cache, cost)) AS without
                FROM request WHERE \(condition) AND currency IS NOT NULL AND cost IS NOT NULL
                GROUP BY currency ORDER BY currency
                """, arguments: arguments).map { row in
                StatsSummary.CostTotal(currency: try row.decode(forColumn: "currency"), cost: try row.decode(forColumn: "cost"),
                                       costWithoutCache: try row.decode(forColumn: "without"))
            }
            return summary
        }
    }

    /// `ledgerTotals`, under the name the CLI uses.
    public func stats(_ filter: LedgerFilter = LedgerFilter()) throws -> StatsSummary {
        try ledgerTotals(filter)
    }

    /// The `limit` most recent rows matching `filter`, oldest first.
    public func recentLedgerEntries(_ filter: LedgerFilter, limit: Int) throws -> [LedgerEntry] {
        try read { db in
            let (condition, arguments) = Self.sql(for: filter)
            return try SQLRow.fetchAll(db, sql: "SELECT * FROM request WHERE \(condition) ORDER BY time DESC, id DESC LIMIT \(max(0, limit))",
                                    arguments: arguments).map(LedgerEntry.init(row:)).reversed()
        }
    }

    /// A SQL TOTAL (a double) as a count, saturated to the Int range.
    static func count(_ value: Double?) -> Int {
        guard let value, value.isFinite else { return 0 }
        if value >= Double(Int.max) { return Int.max }
        if value <= Double(Int.min) { return Int.min }
        return Int(value)
    }

    /// Totals per day (local days in `zone`) or per model, sorted by group.
    public func stats(
        _ filter: LedgerFilter = LedgerFilter(), by grouping: StatsGrouping, zone: LocalZone = .system,
        prices: PriceTable = .builtIn
    ) throws -> [StatsSummary] {
        var groups: [String: StatsSummary] = [:]
        try forEachEntry(filter) { entry in
            let key = StatsSummary.groupName(of: entry, by: grouping, zone: zone, prices: prices)
            groups[key, default: StatsSummary(group: key)].add(entry)
        }
        return groups.values.sorted { $0.group! < $1.group! }
    }

    /// Totals for one conversation (what the cache panel shows).
    public func totals(for conversation: ConversationID) throws -> StatsSummary {
        try ledgerTotals(LedgerFilter(conversation: conversation))
    }

    // MARK: - Helpers

    /// Streams rows through a cursor: aggregation never holds the whole ledger in memory.
    func forEachEntry(_ filter: LedgerFilter, _ body: (LedgerEntry) throws -> Void) throws {
        try read { db in
            let (condition, arguments) = Self.sql(for: filter)
            try SQLRow.forEach(db, sql: "SELECT * FROM request WHERE \(condition)", arguments: arguments) { row in
                try body(try LedgerEntry(row: row))
            }
        }
    }

    static func sql(for filter: LedgerFilter) -> (String, SQLArguments) {
        var conditions = ["1"]
        var arguments = SQLArguments()
        if let conversation = filter.conversation {
            conditions.append("conversation_id = ?")
            arguments += [conversation.rawValue]
        }
        if let since = filter.since {
            conditions.append("time >= ?")
            arguments += [StoredDate.text(since)]
        }
        if let until = filter.until {
            conditions.append("time < ?")
            arguments += [StoredDate.text(until)]
        }
        if let excluded = filter.excludingEndpointName {
            conditions.append("endpoint_name IS NOT ?")
            arguments += [excluded]
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    func insertLedgerEntry(_ db: SQLDatabase, _ entry: LedgerEntry) throws -> LedgerEntry {
        let (outcome, detail) = entry.outcome.columns
        try db.execute(sql: """
            INSERT INTO request (time, endpoint_host, endpoint_name, model, conversation_id, message_id,
                prompt_tokens, cache_hit_tokens, cache_miss_tokens, completion_tokens, reasoning_tokens,
                cost, cost_without_cache, currency, predicted_hit_tokens, local_prompt_tokens,
                seconds_to_first_token, total_seconds, outcome, outcome_detail, estimated, plan, usage_problem)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                StoredDate.text(entry.time), SecretRedaction.redact(entry.endpointHost), SecretRedaction.redact(entry.endpointName),
                entry.model, entry.conversation?.rawValue, entry.message?.rawValue,
                entry.promptTokens, entry.hitTokens, entry.missTokens, entry.completionTokens, entry.reasoningTokens,
                entry.cost, entry.costWithoutCache, entry.currency, entry.predictedHitTokens, entry.localPromptTokens,
                entry.secondsToFirstToken, entry.totalSeconds, outcome, detail, entry.estimated,
                entry.plan.flatMap(PlanRecord.encodedJSON), entry.usageProblem,
            ])
        let row = try SQLRow.fetchOne(db, sql: "SELECT * FROM request WHERE id = ?", arguments: [db.lastInsertedRowID])!
        return try LedgerEntry(row: row)
    }
}
