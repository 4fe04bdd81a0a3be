import ChatCore
import TOMLKit

extension ConfigFile {
    /// `[models."model-id"]` tables: `context` (tokens) and `max_output` (tokens) override
    /// the built-in model table, or describe an id it lacks.
    static func parseModels(_ file: TOMLFile) throws(FileProblem) -> ModelCatalog {
        guard let table = file.root["models"]?.table else {
            throw file.problem("`models` must be a table of [models.\"MODEL-ID\"] sections", key: "models")
        }
        var catalog = ModelCatalog.builtIn
        for model in table.keys.sorted() {
            let section = "models.\(model)"
            guard let fields = table[model]?.table else {
                throw file.problem("[models.\"\(model)\"] must be a table with context and/or max_output", key: model, section: "models")
            }
            var context: Int?
            var maxOutput: Int?
            for key in fields.keys.sorted() {
                guard let value = fields[key]?.int, value >= 1, value <= 100_000_000 else {
                    if ["context", "max_output"].contains(key) {
                        throw file.problem("`\(key)` in [models.\"\(model)\"] must be a whole number of tokens from 1 to 100000000",
                                           key: key, section: section)
                    }
                    throw file.problem("unknown key `\(key)` in [models.\"\(model)\"]; use context, max_output", key: key, section: section)
                }
                switch key {
                case "context": context = value
                case "max_output": maxOutput = value
                default:
                    throw file.problem("unknown key `\(key)` in [models.\"\(model)\"]; use context, max_output", key: key, section: section)
                }
            }
            catalog = catalog.overriding(model, contextWindow: context, maxOutput: maxOutput)
        }
        return catalog
    }
}

extension ConfigFile {
    /// `[budget]`: `daily` and/or `monthly`, amounts in the display currency.
    static func parseBudget(_ file: TOMLFile) throws(FileProblem) -> Budget {
        guard let table = file.root["budget"]?.table else {
            throw file.problem("`budget` must be a table: [budget] daily = 1.00, monthly = 20.00", key: "budget")
        }
        var budget = Budget()
        for key in table.keys.sorted() {
            guard ["daily", "monthly"].contains(key) else {
                throw file.problem("unknown key `\(key)` in [budget]; use daily, monthly", key: key, section: "budget")
            }
            guard let value = table[key]?.double ?? table[key]?.int.map(Double.init), value > 0, value.isFinite else {
                throw file.problem("`\(key)` in [budget] must be an amount above 0 (in the display currency)", key: key, section: "budget")
            }
            if key == "daily" { budget.daily = value } else { budget.monthly = value }
        }
        return budget
    }
}
