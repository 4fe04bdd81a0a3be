/// What one request cost, what it would have cost without the cache, and the difference.
///
/// Cost = hit × P_hit + miss × P_miss + completion × P_out (per 1M tokens). DeepSeek has no
/// cache-write charge, so a hit is billed once, at the hit price, and never again as a miss.
public struct Cost: Sendable, Equatable, Codable {
    public var amount: Double
    public var withoutCache: Double
    public var currency: Currency

    public var saved: Double { withoutCache - amount }

    public init(amount: Double, withoutCache: Double, currency: Currency) {
        self.amount = amount
        self.withoutCache = withoutCache
        self.currency = currency
    }

    /// nil when the hit/miss split or the completion count is unknown.
    public init?(usage: Usage, price: AppliedPrice) {
        guard let hit = usage.resolvedCacheHitTokens, let miss = usage.resolvedCacheMissTokens else { return nil }
        let completion = usage.completionTokens ?? 0
        let p = price.prices
        let output = Double(completion) * p.output
        amount = (Double(hit) * p.cacheHit + Double(miss) * p.cacheMiss + output) / 1_000_000
        withoutCache = ((Double(hit) + Double(miss)) * p.cacheMiss + output) / 1_000_000
        currency = price.currency
    }

    public static func + (lhs: Cost, rhs: Cost) -> Cost {
        precondition(lhs.currency == rhs.currency, "adding costs in different currencies")
        return Cost(amount: lhs.amount + rhs.amount, withoutCache: lhs.withoutCache + rhs.withoutCache, currency: lhs.currency)
    }
}
