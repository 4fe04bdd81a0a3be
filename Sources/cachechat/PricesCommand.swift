import ArgumentParser
import ChatCore
import Config
import Foundation

/// `cachechat prices`: what each known model costs now, peak or off-peak and until when;
/// `--markdown` prints docs/PRICES.md (the built-in table with sources and holidays).
struct PricesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "Show what each model costs now (peak or off-peak), or the dated price table.",
        discussion: "Prices are per 1M tokens: cache hit / cache miss / output. config.toml's [prices.\"MODEL\"] and currency apply."
    )

    @Flag(help: "Print the built-in price table with sources and the holiday table, as docs/PRICES.md.")
    var markdown = false

    func run() throws {
        if markdown {
            Terminal.write(PriceTable.builtIn.markdown())
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let config: ConfigFile
        do {
            config = try ConfigFile.load(path: ConfigFile.defaultPath(environment: environment))
        } catch {
            throw CLIError.usage("Config file problem: \(error)")
        }
        let table = PriceTable.builtIn.overriding(with: config.priceOverrides)
        let currency = config.currency ?? .usd
        let now = Date()
        Terminal.write(PricesText.text(table: table, models: config.models.ids, currency: currency, at: now))
    }
}

/// The text of `cachechat prices` (pure, for tests with a fixed date).
enum PricesText {
    static func text(table: PriceTable, models: [String], currency: Currency, at date: Date) -> String {
        var lines = ["Now: \(table.peakLine(at: date)) (peak hours 01:00–04:00 and 06:00–10:00 UTC, Monday to Friday, not on Chinese public holidays)"]
        let width = models.map(\.count).max() ?? 0
        for model in models {
            let name = model.padding(toLength: width, withPad: " ", startingAt: 0)
            switch table.lookup(model: model, at: date, currency: currency) {
            case .priced(let price):
                let p = price.prices
                let amounts = [p.cacheHit, p.cacheMiss, p.output].map { Formatting.money($0, currency: currency) }.joined(separator: " / ")
                let period = price.hasPeakPricing ? (price.offPeak ? " (off-peak)" : " (peak)") : ""
                lines.append("\(name)  \(amounts)\(period) · \(price.note)")
            case let missing:
                lines.append("\(name)  \(missing.missingText ?? "")")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
