import ChatCore
import Foundation
import Testing

@Suite struct PriceOverrideTests {
    static func time(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func overridesWinFromTheirDateInTheirCurrency() throws {
        let rows = try PriceTable.parseOverrides([
            "deepseek-v4-flash": ["hit": 0.01, "miss": 0.2, "output": 1, "currency": "USD", "off_peak_factor": 0.25, "from": "2026-10-01"],
            "my-local-model": ["hit": 0, "miss": 1, "output": 2, "currency": "CNY"],
        ])
        let table = PriceTable.builtIn.overriding(with: rows)
        // Before `from`: the built-in row.
        #expect(table.price(model: "deepseek-v4-flash", at: Self.time("2026-09-15T02:00:00Z"), currency: .usd)?.prices.cacheMiss == 0.3)
        // From it: the override, peak and off-peak (Tuesday 13 October: after National Day).
        let peak = try #require(table.price(model: "deepseek-v4-flash", at: Self.time("2026-10-13T02:00:00Z"), currency: .usd))
        #expect(peak.prices == TokenPrices(cacheHit: 0.01, cacheMiss: 0.2, output: 1))
        #expect(peak.note == "configured price")
        let offPeak = try #require(table.price(model: "deepseek-v4-flash", at: Self.time("2026-10-13T12:00:00Z"), currency: .usd))
        #expect(offPeak.prices.cacheMiss == 0.05)
        // An override without `from` applies always; a model the table did not know gets a price.
        #expect(table.price(model: "my-local-model", at: Self.time("2020-01-01T00:00:00Z"), currency: .cny)?.prices.output == 2)
        #expect(table.price(model: "my-local-model", at: Self.time("2020-01-01T00:00:00Z"), currency: .usd) == nil)
    }

    static var broken: [(fields: [String: Any], key: String, message: String)] { [
        (["miss": 1, "output": 2], "hit", "is missing"),
        (["hit": "cheap", "miss": 1, "output": 2], "hit", "must be a number"),
        (["hit": 1, "miss": -1, "output": 2], "miss", "must not be negative"),
        (["hit": 1, "miss": 1, "output": 2, "currency": "EUR"], "currency", "USD"),
        (["hit": 1, "miss": 1, "output": 2, "off_peak_factor": 2], "off_peak_factor", "at most 1"),
        (["hit": 1, "miss": 1, "output": 2, "from": "2026-02-30"], "from", "YYYY-MM-DD"),
        (["hit": 1, "miss": 1, "output": 2, "outptu": 3], "outptu", "unknown key"),
    ] }

    @Test func errorsNameTheKey() {
        for (fields, key, message) in Self.broken {
            do {
                _ = try PriceTable.parseOverride(model: "deepseek-v4-pro", fields: fields)
                Issue.record("accepted \(fields)")
            } catch {
                #expect(error.key == key, "\(fields)")
                #expect(error.model == "deepseek-v4-pro")
                #expect(error.message.contains(message), "\(error.message)")
                #expect(error.description.hasPrefix("[prices.\"deepseek-v4-pro\"] \(key):"))
            }
        }
    }
}
