import Foundation
import TestSupport
import Testing

/// `scripts/install-shell-files` (run by `scripts/run`): completions for bash, zsh and fish
/// and the man page, in a private HOME's XDG folders.
@Suite("Shell completions and man page")
struct ShellFilesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let script = repository.appendingPathComponent("scripts/install-shell-files").path
    /// swift-argument-parser's man page writer, built by `scripts/test` next to cachechat.
    static let manualTool = CachechatProcess.binary.deletingLastPathComponent().appendingPathComponent("generate-manual")

    struct Installed {
        var status: Int32
        var stderr: String
        var data: URL
        var config: URL
    }

    static func install(home: URL, manualTool: URL? = nil) throws -> Installed {
        let environment = CachechatProcess.environment(home: home)
        let result = try Spawn.run("/usr/bin/env", ["bash", script, CachechatProcess.binary.path] + (manualTool.map { [$0.path] } ?? []),
                                   environment: environment)
        return Installed(status: result.status, stderr: result.stderr, data: URL(fileURLWithPath: environment["XDG_DATA_HOME"]!),
                         config: URL(fileURLWithPath: environment["XDG_CONFIG_HOME"]!))
    }

    static func completionScript(_ shell: String) throws -> String {
        let result = try CachechatProcess.run(["--generate-completion-script", shell],
                                              environment: CachechatProcess.environment(home: try CachechatProcess.temporaryHome()))
        return result.stdout
    }

    @Test func completionsAreInstalledOnceForEachShell() throws {
        let home = try CachechatProcess.temporaryHome()
        let first = try Self.install(home: home)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("installed bash zsh fish"), "\(first.stderr)")
        let files = [
            ("bash", first.data.appendingPathComponent("bash-completion/completions/cachechat")),
            ("zsh", first.data.appendingPathComponent("zsh/site-functions/_cachechat")),
            ("fish", first.config.appendingPathComponent("fish/completions/cachechat.fish")),
        ]
        for (shell, file) in files {
            let installed = try String(contentsOf: file, encoding: .utf8)
            let expected = try Self.completionScript(shell)
            #expect(installed.trimmingCharacters(in: .newlines) == expected.trimmingCharacters(in: .newlines), "\(shell)")
            #expect(installed.contains("ask") && installed.contains("max-tokens"), "\(shell)")
        }
        // Unchanged files are left alone, and nothing is said.
        let again = try Self.install(home: home)
        #expect(again.status == 0 && again.stderr.isEmpty, "\(again.stderr)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: manualTool.path)))
    func theManPageDescribesEveryCommand() throws {
        let home = try CachechatProcess.temporaryHome()
        let installed = try Self.install(home: home, manualTool: Self.manualTool)
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stderr.contains("man page"))
        let page = try String(contentsOf: installed.data.appendingPathComponent("man/man1/cachechat.1"), encoding: .utf8)
        #expect(page.contains(".Dt CACHECHAT 1"))
        for command in ["chat", "ask", "fewshot", "serve", "tokenize", "stats", "history"] {
            #expect(page.contains(".It Em \(command)"), "no `\(command)` in the man page")
        }
        #expect(page.contains("Fl -max-tokens"))
    }
}
