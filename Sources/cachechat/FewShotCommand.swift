import ArgumentParser
import ChatCore
import Foundation
import Config
import History

/// `cachechat fewshot …`: few-shot sets in `$XDG_CONFIG_HOME/cachechat/fewshot/`.
struct FewShotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fewshot",
        abstract: "Manage few-shot sets: a system prompt and example exchanges sent before each question.",
        discussion: """
            Sets are TOML files in $XDG_CONFIG_HOME/cachechat/fewshot/NAME.toml (format: docs/FEWSHOT.md). \
            Ask with one: cachechat ask --fewshot NAME "question".
            """,
        subcommands: [FewShotListCommand.self, FewShotShowCommand.self, FewShotNewCommand.self,
                      FewShotImportCommand.self, FewShotExportCommand.self, FewShotLintCommand.self,
                      FewShotSamplesCommand.self],
        defaultSubcommand: FewShotListCommand.self
    )
}

/// What the few-shot subcommands share: the library, loading with actionable errors, counting.
enum FewShotCLI {
    static var library: FewShotLibrary { FewShotLibrary(environment: ProcessInfo.processInfo.environment) }

    static func checkedName(_ name: String) throws -> String {
        if let problem = FewShotLibrary.nameProblem(name) { throw CLIError.usage("Bad set name `\(name)`: \(problem).") }
        return name
    }

    /// A set of the library by name, or — when the argument is a path — a file.
    static func load(_ nameOrPath: String) throws -> (set: FewShotSet, path: String) {
        if looksLikePath(nameOrPath) {
            return (try loadFile(nameOrPath, name: nil), nameOrPath)
        }
        return try loadFromLibrary(nameOrPath)
    }

    /// A set of the library by name (the TUI takes names only).
    static func loadFromLibrary(_ name: String) throws -> (set: FewShotSet, path: String) {
        let library = library
        let name = try checkedName(name)
        guard library.exists(name) else {
            throw CLIError.usage("There is no few-shot set `\(name)` in \(library.directory). "
                + "`cachechat fewshot list` shows the sets; `cachechat fewshot new \(name)` starts one.")
        }
        do {
            return (try library.load(name), library.path(of: name))
        } catch {
            throw CLIError.usage("\(error)")
        }
    }

    static func looksLikePath(_ argument: String) -> Bool {
        argument.contains("/") || argument.hasSuffix(".toml") || argument.hasSuffix(".json")
    }

    /// A TOML or messages-JSON file (by extension, else by its first character).
    static func loadFile(_ path: String, name: String?) throws -> FewShotSet {
        let name = name ?? FewShotFile.baseName(of: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.usage("\(path): cannot be read.")
        }
        do {
            if isJSON(path: path, data: data) {
                return try FewShotMessagesJSON.parse(data, name: name, path: path)
            }
            return try FewShotFile.load(path: path, name: name)
        } catch {
            throw CLIError.usage("\(error)")
        }
    }

    static func isJSON(path: String, data: Data) -> Bool {
        if path.hasSuffix(".json") { return true }
        if path.hasSuffix(".toml") { return false }
        let first = data.first { !(" \t\r\n" as String).utf8.contains($0) }
        return first == UInt8(ascii: "{") || (first == UInt8(ascii: "[") && !data.starts(with: Data("[[".utf8)))
    }

    /// The model a set is measured with: the set's own, else the default.
    static func model(for set: FewShotSet, override: String?) -> String {
        override ?? set.model ?? ConnectionSettings.defaultModel
    }

    static func layout(_ set: FewShotSet, model: String) -> FewShotLayout {
        FewShotLayout(set: set, model: model, template: .deepSeek)
    }

    static func clean(_ text: String) -> String { TerminalSanitizer.clean(text) }
}
