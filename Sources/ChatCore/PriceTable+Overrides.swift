import Foundation

/// A price override that cannot be used, naming the model and the key at fault.
public struct PriceOverrideError: Error, Equatable, CustomStringConvertible {
    public var model: String
    /// The offending key inside the model's table; nil when the table itself is wrong.
    public var key: String?
    public var message: String

    public init(model: String, key: String?, message: String) {
        self.model = model
        self.key = key
        self.message = message
    }

    /// `[prices."deepseek-v4-flash"] hit: must be a number (price per 1M tokens)`.
    public var description: String {
        "[prices.\"\(model)\"]" + (key.map { " \($0)" } ?? "") + ": " + message
    }
}

extension PriceTable {
    /// The keys one `[prices."model-id"]` table may hold.
    public static let overrideKeys = ["hit", "miss", "output", "currency", "off_peak_factor", "from"]

    /// A copy whose `overrides` are `rows` (replacing earlier ones).
    public func overriding(with rows: [PriceEntry]) -> PriceTable {
        var copy = self
        copy.overrides = rows
        return copy
    }

    /// Parses price overrides given as plain values: model id -> key -> value, where values
    /// are `Double`, `Int` or `String` (the config loader converts TOML values to these).
    ///
    /// Per model: `hit`, `miss`, `output` (per 1M tokens, required, ≥ 0); `currency`
    /// (`"USD"` or `"CNY"`, default USD); `off_peak_factor` (0 < f ≤ 1, off-peak hours bill
    /// prices × f); `from` (`"YYYY-MM-DD"`, UTC; without it the row applies at every date).
    /// Models are processed in sorted order so the first error is stable.
    public static func parseOverrides(_ tables: [String: [String: Any]]) throws(PriceOverrideError) -> [PriceEntry] {
        var rows: [PriceEntry] = []
        for model in tables.keys.sorted() {
            rows.append(try parseOverride(model: model, fields: tables[model] ?? [:]))
        }
        return rows
    }

    /// One `[prices."model-id"]` table (see `parseOverrides`).
    public static func parseOverride(model: String, fields: [String: Any]) throws(PriceOverrideError) -> PriceEntry {
        func fail(_ key: String?, _ message: String) -> PriceOverrideError {
            PriceOverrideError(model: model, key: key, message: message)
        }
        if let unknown = fields.keys.sorted().first(where: { !overrideKeys.contains($0) }) {
            throw fail(unknown, "unknown key; use " + overrideKeys.joined(separator: ", "))
        }
        func price(_ key: String) throws(PriceOverrideError) -> Double {
            guard let raw = fields[key] else { throw fail(key, "is missing (price per 1M tokens)") }
            guard let value = number(raw) else { throw fail(key, "must be a number (price per 1M tokens)") }
            guard value >= 0, value.isFinite else { throw fail(key, "must not be negative") }
            // No model costs a thousand units per token; a typo (1e300) would make every total infinite.
            guard value <= 1_000_000 else { throw fail(key, "must be at most 1,000,000 (a price per 1M tokens)") }
            return value
        }
        let prices = TokenPrices(cacheHit: try price("hit"), cacheMiss: try price("miss"), output: try price("output"))
        var currency = Currency.usd
        if let raw = fields["currency"] {
            guard let text = raw as? String, let parsed = Currency(rawValue: text.uppercased()) else {
                throw fail("currency", "must be \"USD\" or \"CNY\"")
            }
            currency = parsed
        }
        var factor: Double? = nil
        if let raw = fields["off_peak_factor"] {
            guard let value = number(raw), value > 0, value <= 1 else {
                throw fail("off_peak_factor", "must be a number above 0 and at most 1 (0.5 = half price off-peak)")
            }
            factor = value
        }
        var effective = Date(timeIntervalSince1970: 0)
        if let raw = fields["from"] {
            guard let text = raw as? String, let date = parseDay(text) else {
                throw fail("from", "must be a date \"YYYY-MM-DD\"")
            }
            effective = date
        }
        return PriceEntry(models: [model], effectiveDate: effective, prices: [currency: prices],
                          offPeakFactor: factor, note: "configured price")
    }

    static func number(_ value: Any) -> Double? {
        switch value {
        case let double as Double: double
        case let int as Int: Double(int)
        default: nil
        }
    }

    /// Strict `YYYY-MM-DD` (UTC midnight); nil for anything else, including 2026-02-30.
    static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        // 2026-02-30 does not come back as itself.
        guard UTCDay.civil(days: UTCDay.days(year: year, month: month, day: day)) == (year, month, day) else { return nil }
        return UTCDay.date(year: year, month: month, day: day)
    }
}
