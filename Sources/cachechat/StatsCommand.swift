import ArgumentParser
import ChatCore
import Foundation
import Config
import History

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Cache hits, misses, output tokens, cost and savings from the request ledger.",
        discussion: "JSON and CSV use the API's names: prompt_cache_hit_tokens, prompt_cache_miss_tokens, completion_tokens."
    )

    @Option(parsing: .unconditional, help: ArgumentHelp("Only this conversation.", valueName: "ID"),
            transform: NumberRanges.conversationID.transform)
    var conversation: Int64?

    @Option(help: ArgumentHelp("Only requests from this day on (YYYY-MM-DD or an ISO 8601 time).", valueName: "DATE"))
    var since: String?

    @Option(help: "Group by day, model, period (peak, off-peak, flat price: when the request was sent) or document (the attached documents a request carried).")
    var by: StatsGrouping?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "List the balance readings (cachechat balance, the TUI's panel) with what the account was charged between two and what the ledger says.")
    var reconcile = false

    @Flag(help: "Print CSV.")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("Use --json or --csv, not both.") }
    }

    func run() throws {
        var filter = LedgerFilter(conversation: conversation.map { ConversationID($0) })
        if let since {
            guard let date = Dates.parse(since) else {
                throw CLIError.usage("--since takes a date like 2026-11-01 or 2026-11-01T12:00:00Z; got `\(since)`")
            }
            filter.since = date
        }
        let store = try HistoryStore.openForReading()
        if reconcile {
            let readings = try store.balanceReadings(endpointHost: nil, limit: 1_000).filter { filter.since == nil || $0.time >= filter.since! }
            let ledger = readings.isEmpty ? [] : try store.ledgerEntries(LedgerFilter(since: readings[0].time))
            Terminal.write(ReconcileText.text(readings, checks: BalanceCheck.checks(readings, ledger: ledger), json: json))
            return
        }
        let rows: [StatsSummary]
        if let by {
            // --by period follows the prices in force: a model priced flat in config.toml is flat.
            let config = (try? ConfigFile.load(path: ConfigFile.defaultPath(environment: ProcessInfo.processInfo.environment)))
            let prices = config.map { PriceTable.builtIn.overriding(with: $0.priceOverrides) } ?? .builtIn
            rows = try store.stats(filter, by: by, prices: prices)
        } else {
            rows = [try store.stats(filter)]
        }
        if csv {
            Terminal.write(StatsSummary.csv(rows))
        } else if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = by == nil ? try encoder.encode(rows[0]) : try encoder.encode(rows)
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            Terminal.write(StatsTable.text(rows, grouped: by != nil))
        }
    }
}

extension StatsGrouping: ExpressibleByArgument {}

/// The human-readable form of `cachechat stats`.
enum StatsTable {
    static func text(_ rows: [StatsSummary], grouped: Bool) -> String {
        guard rows.contains(where: { $0.requests > 0 }) else { return "No requests recorded yet.\n" }
        var lines: [String] = []
        for row in rows {
            // Group names come from the ledger (model ids an endpoint chose, file names):
            // no control sequence reaches the terminal.
            if grouped { lines.append("\(TerminalSanitizer.clean(row.group ?? "?")):") }
            let indent = grouped ? "  " : ""
            lines.append("\(indent)requests            \(Formatting.grouped(row.requests))")
            if row.usageProblems > 0 {
                lines.append("\(indent)  usage not understood \(Formatting.grouped(row.usageProblems)) (the server's counts made no sense; left out of the totals)")
            }
            if row.estimatedRequests > 0 {
                lines.append("\(indent)  estimated         \(Formatting.grouped(row.estimatedRequests)) (ended without the server's usage; tokens counted by cachechat)")
            }
            lines.append("\(indent)prompt tokens       \(Formatting.grouped(row.promptTokens))")
            lines.append("\(indent)  cache hit         \(Formatting.grouped(row.hitTokens))")
            lines.append("\(indent)  cache miss        \(Formatting.grouped(row.missTokens))")
            lines.append("\(indent)hit ratio           \(row.hitRatio.map(Formatting.percent) ?? "—")")
            lines.append("\(indent)output tokens       \(Formatting.grouped(row.completionTokens))"
                         + (row.reasoningTokens > 0 ? " (\(Formatting.grouped(row.reasoningTokens)) reasoning)" : ""))
            for cost in row.costs {
                let currency = Currency(rawValue: cost.currency) ?? .usd
                lines.append("\(indent)cost                \(Formatting.money(cost.cost, currency: currency))")
                lines.append("\(indent)without cache       \(Formatting.money(cost.costWithoutCache, currency: currency))")
                lines.append("\(indent)saved               \(Formatting.money(cost.saved, currency: currency))")
            }
            if row.costs.isEmpty { lines.append("\(indent)cost                — (no price known)") }
            if let exact = row.prediction.exactShare, let error = row.prediction.meanAbsoluteError {
                lines.append("\(indent)prediction          \(Formatting.percent(exact)) exact, mean error \(Int(error.rounded())) tokens over \(row.prediction.requests) requests")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `stats --reconcile`: one line (or JSON object) per balance reading.
enum ReconcileText {
    static func text(_ readings: [BalanceReading], checks: [BalanceCheck?], json: Bool) -> String {
        if json {
            let objects: [[String: Any]] = zip(readings, checks).map { reading, check in
                var object: [String: Any] = ["time": Dates.iso(reading.time), "endpoint_host": reading.endpointHost,
                                             "currency": reading.currency, "total_balance": reading.total]
                object["granted_balance"] = reading.granted ?? NSNull()
                object["topped_up_balance"] = reading.toppedUp ?? NSNull()
                object["charged"] = check.map { $0.charged as Any } ?? NSNull()
                object["ledger_cost"] = check?.ledgerCost ?? NSNull()
                object["requests"] = check?.requests ?? NSNull()
                object["mismatch"] = check?.isMismatch ?? false
                return object
            }
            let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])) ?? Data("[]".utf8)
            return String(decoding: data, as: UTF8.self) + "\n"
        }
        guard !readings.isEmpty else { return "No balance readings yet: `cachechat balance` takes one (so does the chat client).\n" }
        var lines: [String] = []
        for (reading, check) in zip(readings, checks) {
            var line = "\(Dates.iso(reading.time))  \(reading.endpointHost)  \(reading.currency)  \(reading.text())"
            if let check {
                let currency = Currency(rawValue: reading.currency.uppercased())
                func money(_ amount: Double) -> String { currency.map { Formatting.money(amount, currency: $0) } ?? "\(amount)" }
                line += "  · charged \(money(check.charged)) over \(check.requests) request(s)"
                line += check.ledgerCost.map { ", ledger \(money($0))" } ?? ", ledger: not comparable (another currency or no price)"
                if let message = check.message { line += "  ⚠ " + message }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
