import ArgumentParser
import ChatCore
import Foundation
import Config
import History

struct FewShotListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List your few-shot sets with their shots, tokens and content version.")

    @Option(help: "Count tokens for this model (default: each set's model, or deepseek-v4-flash).")
    var model: String?

    func run() throws {
        let library = FewShotCLI.library
        let names = library.names()
        if names.isEmpty {
            print("No few-shot sets in \(library.directory) yet.")
        } else {
            var rows: [[String]] = [["NAME", "SHOTS", "TOKENS", "VERSION", "DESCRIPTION"]]
            for name in names {
                do {
                    let set = try library.load(name)
                    let layout = FewShotCLI.layout(set, model: FewShotCLI.model(for: set, override: model))
                    rows.append([name, "\(set.shots.count)", Formatting.grouped(layout.prefixLength), set.contentVersion,
                                 FewShotCLI.clean(set.description)])
                } catch {
                    rows.append([name, "-", "-", "-", "broken file, see below"])
                    Terminal.errorLine("cachechat: \(error)")
                }
            }
            print(Table.render(rows, rightAligned: [1, 2]), terminator: "")
        }
        let missing = BundledSamples.names().filter { !library.exists($0) }
        if !missing.isEmpty {
            print("\nSample sets you can install: \(missing.joined(separator: ", ")).")
            print("`cachechat fewshot samples --install` copies them to \(library.directory).")
        }
    }
}

/// Plain text columns, two spaces apart, for list output.
enum Table {
    static func render(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in
            rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                if column == row.count - 1 && !rightAligned.contains(column) { return cell }
                return rightAligned.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ") + "\n"
        }.joined()
    }
}
