import ChatCore
import TOMLKit

extension ConfigFile {
    /// `[prices."model-id"]` tables: TOML values become the plain values
    /// `PriceTable.parseOverride` checks (numbers, strings, dates as `YYYY-MM-DD`), and its
    /// errors become `path:line: problem` pointing at the key at fault.
    static func parsePrices(_ file: TOMLFile) throws(FileProblem) -> [PriceEntry] {
        guard let table = file.root["prices"]?.table else {
            throw file.problem("`prices` must be a table of [prices.\"MODEL-ID\"] sections", key: "prices")
        }
        var rows: [PriceEntry] = []
        for model in table.keys.sorted() {
            let section = "prices.\(model)"
            guard let fields = table[model]?.table else {
                throw file.problem("[prices.\"\(model)\"] must be a table with hit, miss and output", key: model, section: "prices")
            }
            var values: [String: Any] = [:]
            for key in fields.keys {
                guard let value = fields[key] else { continue }
                if let int = value.int { values[key] = int }
                else if let double = value.double { values[key] = double }
                else if let string = value.string { values[key] = string }
                else if let date = value.date { values[key] = dayString(date) }
                else { values[key] = value.tomlValue.debugDescription }
            }
            do {
                rows.append(try PriceTable.parseOverride(model: model, fields: values))
            } catch {
                throw file.problem(error.description, key: error.key, section: section)
            }
        }
        return rows
    }

    private static func dayString(_ date: TOMLDate) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))"
    }
}
