import Foundation

/// How `cachechat stats --by` splits the ledger.
public enum StatsGrouping: String, Sendable, Codable, CaseIterable {
    /// `period`: "peak", "off-peak" (when the model had peak pricing at the request's
    /// time) or "flat price" (no peak pricing then). `document`: the attached documents a
    /// request carried, by name ("(no documents)").
    case day, model, period, document
}

/// Totals over a set of ledger entries: tokens, hit ratio, cost per currency and how well
/// hits were predicted.
///
/// Pure: the store feeds it rows, tests feed it hand-made entries. Its `Codable` form and
/// `csv(_:)` use the API's names where one exists (`prompt_cache_hit_tokens`, ...).
public struct StatsSummary: Sendable, Equatable {
    /// Money in one currency; costs in different currencies are never added together.
    public struct CostTotal: Sendable, Equatable {
        public var currency: String
        public var cost: Double
        public var costWithoutCache: Double
        public var saved: Double { costWithoutCache - cost }

        public init(currency: String, cost: Double = 0, costWithoutCache: Double = 0) {
            self.currency = currency
            self.cost = cost
            self.costWithoutCache = costWithoutCache
        }
    }

    /// Predicted versus actual hit tokens, over requests that have both.
    public struct PredictionAccuracy: Sendable, Equatable {
        public var requests = 0
        public var exact = 0
        public var totalAbsoluteError = 0

        public init(requests: Int = 0, exact: Int = 0, totalAbsoluteError: Int = 0) {
            self.requests = requests
            self.exact = exact
            self.totalAbsoluteError = totalAbsoluteError
        }

        /// Mean of |predicted − actual| hit tokens; nil when nothing was predicted.
        public var meanAbsoluteError: Double? {
            requests > 0 ? Double(totalAbsoluteError) / Double(requests) : nil
        }

        /// Share (0...1) of predictions that were exactly right.
        public var exactShare: Double? {
            requests > 0 ? Double(exact) / Double(requests) : nil
        }
    }

    /// The day (`yyyy-MM-dd`) or model this row covers; nil for an overall total.
    public var group: String?
    public var requests = 0
    public var promptTokens = 0
    public var hitTokens = 0
    public var missTokens = 0
    public var completionTokens = 0
    public var reasoningTokens = 0
    /// One total per currency seen, sorted by currency code.
    public var costs: [CostTotal] = []
    public var prediction = PredictionAccuracy()
    /// Requests whose token counts are our own estimate (ended without the server's usage).
    public var estimatedRequests = 0
    /// Requests whose usage the server sent made no sense: counted, never summed.
    public var usageProblems = 0

    public init(group: String? = nil) { self.group = group }

    /// hit / (hit + miss); nil when no prompt token was counted.
    public var hitRatio: Double? {
        hitTokens + missTokens > 0 ? Double(hitTokens) / Double(hitTokens + missTokens) : nil
    }

    /// The total in `currency`, if any request was priced in it.
    public func cost(in currency: String) -> CostTotal? {
        costs.first { $0.currency == currency }
    }

    /// Adds one request.
    public mutating func add(_ entry: LedgerEntry) {
        requests += 1
        if entry.estimated { estimatedRequests += 1 }
        if entry.usageProblem != nil { usageProblems += 1 }
        // Saturating: a total must never crash the program that shows it.
        let hit = entry.hitTokens ?? 0, miss = entry.missTokens ?? 0
        promptTokens = promptTokens.saturatingAdd(entry.promptTokens ?? hit.saturatingAdd(miss))
        hitTokens = hitTokens.saturatingAdd(hit)
        missTokens = missTokens.saturatingAdd(miss)
        completionTokens = completionTokens.saturatingAdd(entry.completionTokens ?? 0)
        reasoningTokens = reasoningTokens.saturatingAdd(entry.reasoningTokens ?? 0)
        if let currency = entry.currency, let cost = entry.cost {
            let index = costs.firstIndex { $0.currency == currency } ?? {
                costs.append(CostTotal(currency: currency))
                costs.sort { $0.currency < $1.currency }
                return costs.firstIndex { $0.currency == currency }!
            }()
            costs[index].cost += cost
            costs[index].costWithoutCache += entry.costWithoutCache ?? cost
        }
        // An estimated hit is the prediction itself: it says nothing about its accuracy.
        if !entry.estimated, let predicted = entry.predictedHitTokens, let actual = entry.hitTokens {
            prediction.requests += 1
            let difference = predicted > actual ? predicted.subtractingReportingOverflow(actual) : actual.subtractingReportingOverflow(predicted)
            prediction.totalAbsoluteError = prediction.totalAbsoluteError.saturatingAdd(difference.overflow ? .max : difference.partialValue)
            if predicted == actual { prediction.exact += 1 }
        }
    }

    /// One summary over all `entries`.
    public static func summarize(_ entries: some Sequence<LedgerEntry>, group: String? = nil) -> StatsSummary {
        var summary = StatsSummary(group: group)
        for entry in entries { summary.add(entry) }
        return summary
    }

    /// One summary per day (local days in `zone`) or per model, sorted by group.
    public static func grouped(
        _ entries: some Sequence<LedgerEntry>, by grouping: StatsGrouping, zone: LocalZone
    ) -> [StatsSummary] {
        var groups: [String: StatsSummary] = [:]
        for entry in entries {
            let key = groupName(of: entry, by: grouping, zone: zone)
            groups[key, default: StatsSummary(group: key)].add(entry)
        }
        return groups.values.sorted { $0.group! < $1.group! }
    }

    /// The group `entry` falls in: its model, its local day as `yyyy-MM-dd` in `zone`, or its
    /// price period (the built-in peak rule at the request's time).
    public static func groupName(of entry: LedgerEntry, by grouping: StatsGrouping, zone: LocalZone,
                                 prices: PriceTable = .builtIn) -> String {
        switch grouping {
        case .model:
            return entry.model
        case .document:
            let names = entry.plan?.attachments?.map(\.name) ?? []
            if names.isEmpty { return "(no documents)" }
            // A folder's hundreds of files: the first ones and how many more.
            return names.count <= 4 ? names.joined(separator: " + ")
                : names.prefix(3).joined(separator: " + ") + " + \(names.count - 3) more"
        case .day:
            return zone.parts(of: entry.time).date
        case .period:
            // The prices in force (config overrides included): a model priced flat there is flat.
            let table = prices
            guard table.price(model: entry.model, at: entry.time, currency: .usd)?.hasPeakPricing == true else { return "flat price" }
            return table.isPeak(entry.time) ? "peak" : "off-peak"
        }
    }
}

// MARK: - JSON and CSV, with the API's names

extension StatsSummary: Codable {
    enum CodingKeys: String, CodingKey {
        case group, requests
        case promptTokens = "prompt_tokens"
        case hitTokens = "prompt_cache_hit_tokens"
        case missTokens = "prompt_cache_miss_tokens"
        case completionTokens = "completion_tokens"
        case reasoningTokens = "reasoning_tokens"
        case hitRatio = "hit_ratio"
        case costs, prediction
        case estimatedRequests = "estimated_requests"
        case usageProblems = "usage_not_understood"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        group = try c.decodeIfPresent(String.self, forKey: .group)
        requests = try c.decode(Int.self, forKey: .requests)
        promptTokens = try c.decode(Int.self, forKey: .promptTokens)
        hitTokens = try c.decode(Int.self, forKey: .hitTokens)
        missTokens = try c.decode(Int.self, forKey: .missTokens)
        completionTokens = try c.decode(Int.self, forKey: .completionTokens)
        reasoningTokens = try c.decode(Int.self, forKey: .reasoningTokens)
        costs = try c.decode([CostTotal].self, forKey: .costs)
        prediction = try c.decode(PredictionAccuracy.self, forKey: .prediction)
        estimatedRequests = try c.decodeIfPresent(Int.self, forKey: .estimatedRequests) ?? 0
        usageProblems = try c.decodeIfPresent(Int.self, forKey: .usageProblems) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(group, forKey: .group)
        try c.encode(requests, forKey: .requests)
        try c.encode(promptTokens, forKey: .promptTokens)
        try c.encode(hitTokens, forKey: .hitTokens)
        try c.encode(missTokens, forKey: .missTokens)
        try c.encode(completionTokens, forKey: .completionTokens)
        try c.encode(reasoningTokens, forKey: .reasoningTokens)
        try c.encode(hitRatio, forKey: .hitRatio)
        try c.encode(costs, forKey: .costs)
        try c.encode(prediction, forKey: .prediction)
        try c.encode(estimatedRequests, forKey: .estimatedRequests)
        if usageProblems > 0 { try c.encode(usageProblems, forKey: .usageProblems) }
    }
}

extension StatsSummary.CostTotal: Codable {
    enum CodingKeys: String, CodingKey {
        case currency, cost, saved
        case costWithoutCache = "cost_without_cache"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(currency: try c.decode(String.self, forKey: .currency),
                  cost: try c.decode(Double.self, forKey: .cost),
                  costWithoutCache: try c.decode(Double.self, forKey: .costWithoutCache))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(currency, forKey: .currency)
        try c.encode(cost, forKey: .cost)
        try c.encode(costWithoutCache, forKey: .costWithoutCache)
        try c.encode(saved, forKey: .saved)
    }
}

extension StatsSummary.PredictionAccuracy: Codable {
    enum CodingKeys: String, CodingKey {
        case requests, exact
        case totalAbsoluteError = "total_absolute_error"
        case meanAbsoluteError = "mean_absolute_error"
        case exactShare = "exact_share"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(requests: try c.decode(Int.self, forKey: .requests),
                  exact: try c.decode(Int.self, forKey: .exact),
                  totalAbsoluteError: try c.decode(Int.self, forKey: .totalAbsoluteError))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(requests, forKey: .requests)
        try c.encode(exact, forKey: .exact)
        try c.encode(totalAbsoluteError, forKey: .totalAbsoluteError)
        try c.encode(meanAbsoluteError, forKey: .meanAbsoluteError)
        try c.encode(exactShare, forKey: .exactShare)
    }
}

extension StatsSummary {
    /// Rows as CSV with a header line. Money gets three columns per currency seen in any
    /// row (`cost_usd`, `cost_without_cache_usd`, `saved_usd`) so no column mixes currencies.
    public static func csv(_ rows: [StatsSummary]) -> String {
        let currencies = Set(rows.flatMap { $0.costs.map(\.currency) }).sorted()
        var header = ["group", "requests", "prompt_tokens", "prompt_cache_hit_tokens",
                      "prompt_cache_miss_tokens", "completion_tokens", "reasoning_tokens", "hit_ratio"]
        for currency in currencies {
            let code = currency.lowercased()
            header += ["cost_\(code)", "cost_without_cache_\(code)", "saved_\(code)"]
        }
        header += ["predicted_requests", "prediction_mean_absolute_error", "prediction_exact_share", "estimated_requests"]
        var lines = [header.joined(separator: ",")]
        for row in rows {
            var fields = [csvField(row.group ?? "all"), String(row.requests), String(row.promptTokens),
                          String(row.hitTokens), String(row.missTokens), String(row.completionTokens),
                          String(row.reasoningTokens), decimal(row.hitRatio, places: 4)]
            for currency in currencies {
                let total = row.cost(in: currency) ?? CostTotal(currency: currency)
                fields += [decimal(total.cost, places: 8), decimal(total.costWithoutCache, places: 8),
                           decimal(total.saved, places: 8)]
            }
            fields += [String(row.prediction.requests), decimal(row.prediction.meanAbsoluteError, places: 2),
                       decimal(row.prediction.exactShare, places: 4), String(row.estimatedRequests)]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func decimal(_ value: Double?, places: Int) -> String {
        guard let value else { return "" }
        return String(format: "%.\(places)f", value)
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
