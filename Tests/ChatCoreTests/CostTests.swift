import ChatCore
import Foundation
import Testing

/// Cost arithmetic against hand-computed cases (prices per 1M tokens from DEEPSEEK.md).
@Suite struct CostTests {
    static func time(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func cost(_ model: String, _ at: String, _ currency: Currency, hit: Int, miss: Int, output: Int) -> Cost? {
        let usage = Usage(promptTokens: hit + miss, completionTokens: output, cacheHitTokens: hit, cacheMissTokens: miss)
        return PriceTable.builtIn.price(model: model, at: Self.time(at), currency: currency)
            .flatMap { Cost(usage: usage, price: $0) }
    }

    func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-12 } ?? false }

    @Test func deepseekChatV3InUSD() {
        // 1,000 × 0.07 + 2,000 × 0.27 + 500 × 1.10 = 70 + 540 + 550 per 1M.
        let c = cost("deepseek-chat", "2025-03-01T12:00:00Z", .usd, hit: 1000, miss: 2000, output: 500)
        #expect(close(c?.amount, 0.001160))
        #expect(close(c?.withoutCache, 0.001360))  // 3,000 × 0.27 + 550
        #expect(close(c?.saved, 0.000200))
        #expect(c?.currency == .usd)
    }

    @Test func reasonerR1InCNY() {
        // 10,000 × 1 + 1,000 × 16 = 26,000 per 1M; without cache 10,000 × 4 + 16,000.
        let c = cost("deepseek-reasoner", "2025-03-01T12:00:00Z", .cny, hit: 10_000, miss: 0, output: 1000)
        #expect(close(c?.amount, 0.026))
        #expect(close(c?.withoutCache, 0.056))
    }

    @Test func v4ProInCNY() {
        // 500,000 × 1 + 100,000 × 12 + 20,000 × 24 = 0.5 + 1.2 + 0.48.
        let c = cost("deepseek-v4-pro", "2026-05-01T12:00:00Z", .cny, hit: 500_000, miss: 100_000, output: 20_000)
        #expect(close(c?.amount, 2.18))
    }

    @Test func flashHitPriceCutOn26April() {
        #expect(close(cost("deepseek-v4-flash", "2026-04-25T12:00:00Z", .usd, hit: 1_000_000, miss: 0, output: 0)?.amount, 0.028))
        #expect(close(cost("deepseek-v4-flash", "2026-04-26T00:00:01Z", .usd, hit: 1_000_000, miss: 0, output: 0)?.amount, 0.0028))
        // The cut row has no CNY price: no (wrong) cost rather than an old one.
        #expect(cost("deepseek-v4-flash", "2026-04-27T12:00:00Z", .cny, hit: 1, miss: 1, output: 1) == nil)
        // Legacy ids are V4-Flash from 24 April on.
        #expect(close(cost("deepseek-chat", "2026-05-01T12:00:00Z", .usd, hit: 0, miss: 1_000_000, output: 0)?.amount, 0.14))
    }

    @Test(arguments: [
        // Tuesday 2026-09-15 and Saturday 2026-09-19; peak is 01–04 and 06–10 UTC, Mon–Fri.
        ("2026-09-15T00:59:00Z", false), ("2026-09-15T01:00:00Z", true), ("2026-09-15T03:59:00Z", true),
        ("2026-09-15T04:00:00Z", false), ("2026-09-15T05:30:00Z", false), ("2026-09-15T06:00:00Z", true),
        ("2026-09-15T09:59:59Z", true), ("2026-09-15T10:00:00Z", false), ("2026-09-19T08:00:00Z", false),
    ])
    func flashPeakAndOffPeak(at: String, peak: Bool) {
        // 1M each of hit, miss, output at 0.006 + 0.3 + 1.2; off-peak is half.
        let c = cost("deepseek-flash", at, .usd, hit: 1_000_000, miss: 1_000_000, output: 1_000_000)
        #expect(close(c?.amount, peak ? 1.506 : 0.753))
        let applied = PriceTable.builtIn.price(model: "deepseek-v4-pro", at: Self.time(at), currency: .usd)
        #expect(applied?.offPeak == !peak)
        #expect(close(applied?.prices.cacheMiss, peak ? 1.32 : 0.66))
    }

    @Test func unknownModelHasNoCost() {
        #expect(PriceTable.builtIn.price(model: "gpt-4o", at: Self.time("2026-05-01T12:00:00Z"), currency: .usd) == nil)
        #expect(cost("deepseek-chat", "2023-01-01T00:00:00Z", .usd, hit: 1, miss: 1, output: 1) == nil)  // before any row
    }

    @Test func aHitIsNeverBilledTwice() throws {
        let price = try #require(PriceTable.builtIn.price(model: "deepseek-chat", at: Self.time("2025-03-01T12:00:00Z"), currency: .usd))
        // Only prompt and hit reported: the miss is derived (prompt − hit), not the whole prompt.
        let usage = Usage(promptTokens: 10_000, completionTokens: 0, cacheHitTokens: 8_000)
        let c = try #require(Cost(usage: usage, price: price))
        #expect(close(c.amount, (8_000 * 0.07 + 2_000 * 0.27) / 1_000_000))
        let fullyCached = try #require(Cost(usage: Usage(promptTokens: 8_000, completionTokens: 0, cacheHitTokens: 8_000, cacheMissTokens: 0), price: price))
        #expect(close(fullyCached.amount, 8_000 * 0.07 / 1_000_000))
        #expect(Cost(usage: Usage(promptTokens: 100, completionTokens: 5), price: price) == nil)
    }

    @Test func sumsStayInOneCurrency() {
        let a = Cost(amount: 0.5, withoutCache: 1, currency: .cny), b = Cost(amount: 0.25, withoutCache: 0.5, currency: .cny)
        #expect((a + b) == Cost(amount: 0.75, withoutCache: 1.5, currency: .cny))
    }
}
