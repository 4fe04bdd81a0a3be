import ArgumentParser
import Foundation

@main
struct Cachechat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cachechat",
        abstract: "A terminal chat client for DeepSeek that shows what the prompt cache saves.",
        discussion: """
            Endpoint, key and model come from flags, then DEEPSEEK_BASE_URL, DEEPSEEK_API_KEY and \
            CACHECHAT_MODEL, then $XDG_CONFIG_HOME/cachechat/config.toml. See README.md.
            """,
        version: "cachechat 0.1.0",
        subcommands: [ChatCommand.self, AskCommand.self, FewShotCommand.self, ServeCommand.self, TokenizeCommand.self, StatsCommand.self, HistoryCommand.self],
        defaultSubcommand: ChatCommand.self
    )

    /// Maps argument-parser's own exit codes onto ours (usage errors are 2, not 64).
    static func main() {
        Locale.ensureUTF8()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitStatus {
            Foundation.exit(exit.code)
        } catch CLIError.usage(let message) {
            Terminal.errorLine("cachechat: \(message)")
            Foundation.exit(ExitStatus.usage.code)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { Terminal.errorLine(message) }
            Foundation.exit(code == .validationFailure ? ExitStatus.usage.code : code.rawValue)
        }
    }
}
