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
    /// Where the row comes from and when it was checked (shown in docs/PRICES.md).
    public var source: String

    public init(models: [String], effective: String, usd: TokenPrices?, cny: TokenPrices?, offPeakFactor: Double? = nil,
                note: String, source: String = "") {
        var prices: [Currency: TokenPrices] = [:]
        prices[.usd] = usd
        prices[.cny] = cny
        self.init(models: models, effectiveDate: PriceEntry.day(effective), prices: prices,
                  offPeakFactor: offPeakFactor, note: note, source: source)
    }

    public init(models: [String], effectiveDate: Date, prices: [Currency: TokenPrices], offPeakFactor: Double? = nil,
                note: String, source: String = "") {
        self.models = models
        self.effective = effectiveDate
        self.prices = prices
        self.offPeakFactor = offPeakFactor
        self.note = note
        self.source = source
    }

    static func day(_ text: String) -> Date {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        return UTCDay.date(year: parts[0], month: parts.count > 1 ? parts[1] : 1, day: parts.count > 2 ? parts[2] : 1)
    }
}

/// The price that applies to one request.
public struct AppliedPrice: Sendable, Equatable {
    public var prices: TokenPrices
    public var currency: Currency
    public var offPeak: Bool
    public var note: String
    /// Whether the row has peak and off-peak prices (so the time of day matters).
    public var hasPeakPricing: Bool = false
}

/// What the price list says about one model at one time in one currency.
public enum PriceLookup: Sendable, Equatable {
    case priced(AppliedPrice)
    /// The model has a price, but not in this currency since `since` (DeepSeek published
    /// none); costs are not converted (docs/DECISIONS.md, 71).
    case notInCurrency(model: String, currency: Currency, since: Date)
    /// No row names the model.
    case unknownModel(String)

    public var applied: AppliedPrice? {
        if case .priced(let price) = self { return price }
        return nil
    }

    /// Why there is no cost, for a person; nil when there is one.
    public var missingText: String? {
        switch self {
        case .priced: nil
        case .notInCurrency(let model, let currency, let since):
            "no \(currency.rawValue) price published for \(model) since \(PriceTable.dayString(since)) "
                + "(set [prices.\"\(model)\"] currency = \"\(currency.rawValue)\")"
        case .unknownModel(let model): "no price known for \(model)"
        }
    }
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
    /// Days that are never peak, though Monday to Friday.
    public var holidays: ChineseHolidays

    public init(entries: [PriceEntry], overrides: [PriceEntry] = [], peakHours: [Range<Int>] = [1..<4, 6..<10],
                holidays: ChineseHolidays = .builtIn) {
        self.entries = entries
        self.overrides = overrides
        self.peakHours = peakHours
        self.holidays = holidays
    }

    public func price(model: String, at date: Date, currency: Currency) -> AppliedPrice? {
        lookup(model: model, at: date, currency: currency).applied
    }

    /// The price of `model` at `date`, or why there is none.
    public func lookup(model: String, at date: Date, currency: Currency) -> PriceLookup {
        let overridden = overrides.filter { $0.models.contains(model) && $0.effective <= date && $0.prices[currency] != nil }
        let candidates = overridden.isEmpty ? entries.filter { $0.models.contains(model) && $0.effective <= date } : overridden
        guard let entry = candidates.max(by: { $0.effective < $1.effective }) else { return .unknownModel(model) }
        guard let base = entry.prices[currency] else {
            return .notInCurrency(model: model, currency: currency, since: entry.effective)
        }
        let peakPriced = entry.offPeakFactor != nil
        if let factor = entry.offPeakFactor, !isPeak(date) {
            return .priced(AppliedPrice(prices: base.scaled(by: factor), currency: currency, offPeak: true, note: entry.note,
                                        hasPeakPricing: true))
        }
        return .priced(AppliedPrice(prices: base, currency: currency, offPeak: false, note: entry.note,
                                    hasPeakPricing: peakPriced))
    }

    /// Peak hours: `peakHours` (UTC), Monday to Friday, not on a Chinese public holiday.
    public func isPeak(_ date: Date) -> Bool {
        guard (1...5).contains(UTCDay.weekday(of: date)) else { return false }  // Monday to Friday
        let hour = UTCDay.hour(of: date)
        guard peakHours.contains(where: { $0.contains(hour) }) else { return false }
        return holidays.holiday(on: date) == nil
    }

    /// The first moment after `date` at which `isPeak` changes (within two weeks, which
    /// the longest holiday does not exceed); peak windows start and end on whole hours.
    public func nextPeakChange(after date: Date) -> Date? {
        let now = isPeak(date)
        let hourStart = (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600
        for step in 1...(24 * 15) {
            let candidate = Date(timeIntervalSince1970: hourStart + Double(step) * 3600)
            if isPeak(candidate) != now { return candidate }
        }
        return nil
    }

    /// "peak · off-peak in 2 h 13 m", "off-peak (National Day) · peak in 1 d 3 h": which
    /// prices apply at `date` and when that changes.
    public func peakLine(at date: Date) -> String {
        let peak = isPeak(date)
        var text = peak ? "peak" : "off-peak"
        if !peak, let holiday = holidays.holiday(on: date) { text += " (\(holiday.name))" }
        if let change = nextPeakChange(after: date) {
            text += " · " + (peak ? "off-peak" : "peak") + " in " + Self.duration(change.timeIntervalSince(date))
        }
        return text
    }

    /// "2 h 13 m", "45 m", "1 d 3 h" (minutes rounded up, so "in 0 m" never shows).
    public static func duration(_ seconds: Double) -> String {
        let minutes = Int((max(0, seconds) / 60).rounded(.up))
        let days = minutes / 1440, hours = (minutes % 1440) / 60, rest = minutes % 60
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(rest) m" }
        return "\(max(rest, 1)) m"
    }

    /// `YYYY-MM-DD` of `date` in UTC.
    public static func dayString(_ date: Date) -> String { UTCDay.string(of: date) }
}
