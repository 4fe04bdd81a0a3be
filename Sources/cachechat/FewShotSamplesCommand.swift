import ArgumentParser
import ChatCore
import Foundation
import Config
import History

struct FewShotSamplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samples",
        abstract: "List the sample sets that come with cachechat; --install copies them to your sets.")

    @Flag(help: "Copy the samples you do not have yet (existing sets are never overwritten).")
    var install = false

    func run() throws {
        let library = FewShotCLI.library
        var rows: [[String]] = [["NAME", "INSTALLED", "DESCRIPTION"]]
        for name in BundledSamples.names() {
            let set: FewShotSet
            do {
                set = try FewShotFile.load(path: BundledSamples.path(of: name))
            } catch {
                throw CLIError.usage("A bundled sample is broken (a bug, please report it): \(error)")
            }
            var installed = library.exists(name) ? "yes" : "no"
            if install && !library.exists(name) {
                do { try library.install(file: BundledSamples.path(of: name), name: name) } catch { throw CLIError.usage("\(error)") }
                installed = "installed now"
            }
            rows.append([name, installed, set.description])
        }
        print(Table.render(rows), terminator: "")
        if !install { print("\n`cachechat fewshot samples --install` copies them to \(library.directory).") }
    }
}

/// The sample sets bundled with the executable (Sources/cachechat/Resources/fewshot,
/// linked from the repository's fewshot/).
enum BundledSamples {
    static var directory: String? {
        Bundle.module.resourceURL.map { $0.appendingPathComponent("fewshot").path }
    }

    static func names() -> [String] {
        guard let directory, let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return files.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func path(of name: String) -> String { (directory ?? ".") + "/" + name + ".toml" }
}
