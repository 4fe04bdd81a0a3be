import ChatCore
import Foundation
import Testing
@testable import Config

/// `currency` and `[prices."model-id"]` in config.toml.
@Suite struct ConfigPricesTests {
    func parse(_ text: String) throws(FileProblem) -> ConfigFile {
        try ConfigFile.parse(TOMLFile(path: "/home/u/.config/cachechat/config.toml", text: text))
    }

    @Test func pricesAndCurrencyAreRead() throws {
        let config = try parse("""
            currency = "CNY"

            [prices."deepseek-v4-flash"]
            hit = 0.006
            miss = 0.3
            output = 1.2
            off_peak_factor = 0.5
            from = 2026-10-01

            [prices."my-model"]
            hit = 0
            miss = 2
            output = 8
            currency = "CNY"
            from = "2026-01-15"
            """)
        #expect(config.currency == .cny)
        #expect(config.priceOverrides.count == 2)
        let table = PriceTable.builtIn.overriding(with: config.priceOverrides)
        let october = ISO8601DateFormatter().date(from: "2026-10-06T12:00:00Z")!  // a Tuesday, off-peak
        let flash = try #require(table.price(model: "deepseek-v4-flash", at: october, currency: .usd))
        #expect(flash.prices == TokenPrices(cacheHit: 0.003, cacheMiss: 0.15, output: 0.6))
        #expect(table.price(model: "my-model", at: october, currency: .cny)?.prices.cacheMiss == 2)
        let before = ISO8601DateFormatter().date(from: "2026-01-14T12:00:00Z")!
        #expect(table.price(model: "my-model", at: before, currency: .cny) == nil)
        #expect(config.warnings.isEmpty)
    }

    @Test func aWrongPriceNamesFileLineAndKey() {
        #expect {
            try parse("""
                profile = "x"
                [profiles.x]
                model = "deepseek-v4-pro"
                [prices."deepseek-v4-pro"]
                hit = "cheap"
                miss = 1
                output = 2
                """)
        } throws: { error in
            "\(error)" == "/home/u/.config/cachechat/config.toml:5: [prices.\"deepseek-v4-pro\"] hit: must be a number (price per 1M tokens)"
        }
        #expect {
            try parse("""
                [prices."deepseek-v4-pro"]
                hit = 1
                miss = 1
                output = 2
                from = "next week"
                """)
        } throws: { error in
            "\(error)".hasPrefix("/home/u/.config/cachechat/config.toml:5: ") && "\(error)".contains("from: must be a date")
        }
    }

    @Test func aWrongCurrencyIsAnError() {
        #expect {
            try parse("\n\ncurrency = \"EUR\"\n")
        } throws: { error in
            "\(error)" == "/home/u/.config/cachechat/config.toml:3: `currency` must be \"USD\" or \"CNY\""
        }
    }
}
