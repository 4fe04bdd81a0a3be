import ArgumentParser
import ChatCore
import Config
import Foundation

/// `cachechat models`: the model table cachechat works from (with config.toml's
/// `[models."id"]` overrides), and what it assumes for an id the table lacks.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models cachechat knows: context window, output limit, thinking default, prompt format.",
        discussion: "Override or add a model in config.toml: [models.\"ID\"] context = 1048576, max_output = 393216."
    )

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let config: ConfigFile
        do {
            config = try ConfigFile.load(path: ConfigFile.defaultPath(environment: environment))
        } catch {
            throw CLIError.usage("Config file problem: \(error)")
        }
        Terminal.write(ModelsText.text(config.models))
    }
}

/// The text of `cachechat models` (pure, for tests).
enum ModelsText {
    static func text(_ catalog: ModelCatalog) -> String {
        let header = ["model", "context", "max output", "thinking", "format", "note"]
        var rows = [header]
        for model in catalog.models {
            rows.append([model.id, Formatting.grouped(model.contextWindow), model.maxOutput.map(Formatting.grouped) ?? "unknown",
                         model.thinkingByDefault ? "on" : "off", model.family.rawValue, model.note])
        }
        var widths = Array(repeating: 0, count: header.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var lines = rows.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        lines.append("Any other id: \(ModelCatalog.assumption). Default model: \(ModelCatalog.defaultModel).")
        return lines.joined(separator: "\n") + "\n"
    }
}
