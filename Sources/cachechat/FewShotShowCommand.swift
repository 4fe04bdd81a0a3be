import ArgumentParser
import ChatCore
import Foundation
import Config
import History

struct FewShotShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a set with the tokens of each shot and where its cacheable prefix ends.")

    @Option(help: "Count tokens for this model (default: the set's model, or deepseek-v4-flash).")
    var model: String?

    @Argument(help: "The set's name (or the path of a .toml or .json file).")
    var name: String

    func run() throws {
        let (set, path) = try FewShotCLI.load(name)
        let model = FewShotCLI.model(for: set, override: model)
        let layout = FewShotCLI.layout(set, model: model)
        print(FewShotReport.render(set, path: path, model: model, layout: layout), terminator: "")
    }
}

/// The text of `fewshot show`.
enum FewShotReport {
    static func render(_ set: FewShotSet, path: String, model: String, layout: FewShotLayout) -> String {
        let g = Formatting.grouped
        let clean = FewShotCLI.clean
        var out = "\(clean(set.name))"
        if !set.description.isEmpty { out += " — \(clean(set.description))" }
        out += "\nfile:    \(path)\nversion: \(set.contentVersion)\nmodel:   \(model)"
            + (set.model == nil ? " (the set names none)" : "") + "\n\n"
        var offset = 0
        out += "system (\(g(layout.systemTokens)) tokens, from token 0)\n" + indent(clean(set.system), "  ") + "\n"
        offset += layout.systemTokens
        for (index, shot) in set.shots.enumerated() {
            out += "\nshot \(index + 1) (\(g(layout.shotTokens[index])) tokens, from token \(g(offset)))\n"
            out += "  user:\n" + indent(clean(shot.user), "    ") + "\n"
            out += "  assistant:\n" + indent(clean(shot.assistant), "    ") + "\n"
            offset += layout.shotTokens[index]
        }
        let opening = layout.prefixLength - offset
        out += "\ntotal: \(g(layout.prefixLength)) tokens of prefix (system \(g(layout.systemTokens)) + "
            + "\(set.shots.count) shot\(set.shots.count == 1 ? "" : "s") \(g(offset - layout.systemTokens))"
            + (opening > 0 ? " + \(opening) opening the question" : "") + ")\n"
        for (unit, era) in [(64, "v3-era 64-token units"), (128, "V4-era 128-token units")] {
            let cached = layout.cacheablePrefix(unit: unit)
            out += "cacheable in \(era): \(g(cached)) tokens"
            if cached == 0 {
                out += " (the set is shorter than one unit: never cached)\n"
            } else {
                out += ", ending in \(place(of: cached, layout: layout)); \(g(layout.prefixLength - cached)) after it are misses\n"
            }
        }
        return out
    }

    /// "shot 3" or "the system prompt": where token offset `end` (exclusive) falls.
    static func place(of end: Int, layout: FewShotLayout) -> String {
        var offset = layout.systemTokens
        if end <= offset { return "the system prompt" }
        for (index, count) in layout.shotTokens.enumerated() {
            offset += count
            if end <= offset { return "shot \(index + 1)" }
        }
        return "the question's opening tokens"
    }

    static func indent(_ text: String, _ prefix: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n")
    }
}
