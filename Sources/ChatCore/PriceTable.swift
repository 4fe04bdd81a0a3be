import Foundation

/// Prices per 1M tokens for one model in one currency.
public struct TokenPrices: Sendable, Equatable, Codable {
    public var cacheHit: Double
    public var cacheMiss: Double
    public var output: Double

    public init(cacheHit: Double, cacheMiss: Double, output: Double) {
        self.cacheHit = cacheHit
        self.cacheMiss = cacheMiss
        self.output = output
    }

    public func scaled(by factor: Double) -> TokenPrices {
        TokenPrices(cacheHit: cacheHit * factor, cacheMiss: cacheMiss * factor, output: output * factor)
    }
}

public enum Currency: String, Sendable, Codable, CaseIterable {
    case usd = "USD", cny = "CNY"

    public var symbol: String { self == .usd ? "$" : "¥" }
}

/// One dated row of a price list: from `effective` on, these models cost this.
public struct PriceEntry: Sendable, Equatable {
    public var models: [String]
    /// UTC midnight of the first day the price applies.
    public var effective: Date
    public var prices: [Currency: TokenPrices]
    /// Off-peak hours bill `prices × offPeakFactor`; nil when there is no off-peak discount.
    public var offPeakFactor: Double?
    public var note: String

    public init(models: [String], effective: String, usd: TokenPrices?, cny: TokenPrices?, offPeakFactor: Double? = nil, note: String) {
        var prices: [Currency: TokenPrices] = [:]
        prices[.usd] = usd
        prices[.cny] = cny
        self.init(models: models, effectiveDate: PriceEntry.day(effective), prices: prices,
                  offPeakFactor: offPeakFactor, note: note)
    }

    public init(models: [String], effectiveDate: Date, prices: [Currency: TokenPrices], offPeakFactor: Double? = nil,
                note: String) {
        self.models = models
        self.effective = effectiveDate
        self.prices = prices
        self.offPeakFactor = offPeakFactor
        self.note = note
    }

    static func day(_ text: String) -> Date {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        var components = DateComponents()
        components.year = parts[0]
        components.month = parts.count > 1 ? parts[1] : 1
        components.day = parts.count > 2 ? parts[2] : 1
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components)!
    }
}

/// The price that applies to one request.
public struct AppliedPrice: Sendable, Equatable {
    public var prices: TokenPrices
    public var currency: Currency
    public var offPeak: Bool
    public var note: String
}

/// A dated price list. Lookups take the newest row for the model that is not in the future;
/// an unknown model yields nil so that callers show tokens without a (wrong) cost.
///
/// User overrides (config.toml `[prices."model-id"]`, see `PriceTable+Overrides.swift`) are
/// consulted first: the newest override row for the model, in the asked currency, that is
/// not in the future wins over every built-in row.
public struct PriceTable: Sendable {
    public var entries: [PriceEntry]
    /// Rows from the user's configuration; they win over `entries` for the dates they cover.
    public var overrides: [PriceEntry]
    /// Peak windows in UTC (hours, half-open), Monday to Friday.
    public var peakHours: [Range<Int>]

    public init(entries: [PriceEntry], overrides: [PriceEntry] = [], peakHours: [Range<Int>] = [1..<4, 6..<10]) {
        self.entries = entries
        self.overrides = overrides
        self.peakHours = peakHours
    }

    public func price(model: String, at date: Date, currency: Currency) -> AppliedPrice? {
        let overridden = overrides.filter { $0.models.contains(model) && $0.effective <= date && $0.prices[currency] != nil }
        let candidates = overridden.isEmpty ? entries.filter { $0.models.contains(model) && $0.effective <= date } : overridden
        guard let entry = candidates.max(by: { $0.effective < $1.effective }),
              let base = entry.prices[currency] else { return nil }
        if let factor = entry.offPeakFactor, !isPeak(date) {
            return AppliedPrice(prices: base.scaled(by: factor), currency: currency, offPeak: true, note: entry.note)
        }
        return AppliedPrice(prices: base, currency: currency, offPeak: false, note: entry.note)
    }

    public func isPeak(_ date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let weekday = calendar.component(.weekday, from: date)  // 1 = Sunday
        guard (2...6).contains(weekday) else { return false }
        let hour = calendar.component(.hour, from: date)
        return peakHours.contains { $0.contains(hour) }
    }
}
