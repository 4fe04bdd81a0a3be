import ArgumentParser
import ChatCore
import Foundation
import Config
import History

struct FewShotNewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a skeleton set file to fill in, and print its path.")

    @Argument(help: "The new set's name (letters, digits, -, _ and .).")
    var name: String

    func run() throws {
        let name = try FewShotCLI.checkedName(name)
        let library = FewShotCLI.library
        guard !library.exists(name) else {
            throw CLIError.usage("The set `\(name)` already exists: \(library.path(of: name)).")
        }
        let skeleton = FewShotSet(
            name: name, description: "What this set is for",
            system: "Describe the task, the output format and the rules here.\n",
            shots: [FewShotSet.Shot(user: "An example question", assistant: "The answer you want for it"),
                    FewShotSet.Shot(user: "A second example", assistant: "Its answer")])
        do {
            print(try library.save(skeleton))
        } catch {
            throw CLIError.usage("\(error)")
        }
    }
}

struct FewShotImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add a set from a TOML file or from the API's `messages` JSON array.",
        discussion: "JSON is recognised by a .json extension or a leading `[` or `{`; see docs/FEWSHOT.md.")

    @Option(help: "The set's name (default: the file's base name).")
    var name: String?

    @Flag(help: "Replace a set of the same name (its old version stays archived).")
    var force = false

    @Argument(help: "A .toml set or a .json messages array.")
    var file: String

    func run() throws {
        let name = try FewShotCLI.checkedName(name ?? FewShotFile.baseName(of: file))
        var set = try FewShotCLI.loadFile(file, name: name)
        set.name = name
        let library = FewShotCLI.library
        if library.exists(name) && !force {
            throw CLIError.usage("The set `\(name)` already exists (\(library.path(of: name))). "
                + "Use --force to replace it or --name to import under another name.")
        }
        do {
            let path = try library.save(set)
            print("Imported `\(name)` (\(set.shots.count) shot\(set.shots.count == 1 ? "" : "s"), version \(set.contentVersion)): \(path)")
        } catch {
            throw CLIError.usage("\(error)")
        }
    }
}

struct FewShotExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print a set as TOML or as the API's `messages` JSON array.")

    @Option(help: "toml or json.")
    var format: ExportFormat = .toml

    @Argument(help: "The set's name.")
    var name: String

    func run() throws {
        let (set, _) = try FewShotCLI.load(name)
        switch format {
        case .toml: Terminal.write(FewShotFile.toml(set))
        case .json: Terminal.write(FewShotMessagesJSON.encode(set))
        }
    }

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable { case toml, json }
}

struct FewShotLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Warn about cache busters, a set too short to cache and invisible differences.",
        discussion: "Exit status: 0 when the set is clean, 1 when there are warnings, 2 when it cannot be read.")

    @Option(help: "Count tokens for this model (default: the set's model, or deepseek-v4-flash).")
    var model: String?

    @Argument(help: "The set's name (or the path of a .toml or .json file).")
    var name: String

    func run() throws {
        let (set, path) = try FewShotCLI.load(name)
        let layout = FewShotCLI.layout(set, model: FewShotCLI.model(for: set, override: model))
        let warnings = FewShotLint.check(set, prefixTokens: layout.prefixLength)
        guard !warnings.isEmpty else {
            print("\(set.name): no problems found (\(Formatting.grouped(layout.prefixLength)) tokens, version \(set.contentVersion)).")
            return
        }
        let file = path.hasSuffix(".json") ? nil : try? TOMLFile.load(path)
        for warning in warnings {
            var location = path
            if let line = file.flatMap({ line(of: warning.location, in: $0) }) { location += ":\(line)" }
            print("\(location): \(warning.location): \(FewShotCLI.clean(warning.message))")
        }
        print("\(warnings.count) warning\(warnings.count == 1 ? "" : "s").")
        throw ExitStatus(code: 1)
    }

    func line(of location: FewShotLint.Location, in file: TOMLFile) -> Int? {
        switch location {
        case .set: return nil
        case .system: return file.line(ofKey: "system", inSection: nil)
        case .user(let shot): return file.line(ofKey: "user", inArrayTable: "shots", index: shot)
        case .assistant(let shot): return file.line(ofKey: "assistant", inArrayTable: "shots", index: shot)
        }
    }
}
