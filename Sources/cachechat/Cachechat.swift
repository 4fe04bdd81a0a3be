import ArgumentParser
import ChatCore
import CurlTransport
import CursesTerminal
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
        subcommands: [ChatCommand.self, AskCommand.self, FewShotCommand.self, ServeCommand.self, TokenizeCommand.self, StatsCommand.self,
                      HistoryCommand.self, PricesCommand.self, ModelsCommand.self, BalanceCommand.self],
        defaultSubcommand: ChatCommand.self
    )

    /// Exits with `code` once libcurl is not being loaded on another thread (exiting during
    /// that crashed).
    static func end(_ code: Int32) -> Never {
        CurlTransport.waitForPreload()
        Foundation.exit(code)
    }

    /// Maps argument-parser's own exit codes onto ours (usage errors are 2, not 64).
    static func main() {
        StartupTrace.mark("main")
        LocaleSetup.ensureUTF8()
        Process.disableCoreDumps()
        StartupTrace.mark("locale set")
        // `ask` makes its request a few milliseconds from now: libcurl (about 4 ms of dlopen)
        // starts loading before its arguments are even parsed (docs/BENCHMARKS.md, `ask`),
        // unless the base URL, as far as it is known here, does not need it (plain HTTP to
        // this machine).
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == AskOptions.commandName,
           earlyBaseURL(CommandLine.arguments, environment: ProcessInfo.processInfo.environment)
            .map(CurlTransport.needsLibcurl(for:)) ?? true {
            CurlTransport.preload()
        }
        var parsed = false
        do {
            // The common vectors skip argument-parser (2 to 4 ms of start-up); the reader
            // declines anything it cannot decide exactly as argument-parser would.
            if let decision = FastArguments.read(arguments) {
                parsed = true
                StartupTrace.mark("parsed")
                switch decision {
                case .chat(let launch): try launch.run()
                case .ask(let options): try options.run()
                }
            } else {
                var command = try parseAsRoot()
                parsed = true
                StartupTrace.mark("parsed")
                try command.run()
            }
            // Every command's output goes through Terminal.write; `ask` says more itself.
            if let failure = Terminal.outputFailure {
                Terminal.errorLine("cachechat: the output could not be written to standard output (\(String(cString: strerror(failure)))).")
                end(ExitStatus.output.code)
            }
            CurlTransport.waitForPreload()
        } catch let exit as ExitStatus {
            end(exit.code)
        } catch CLIError.usage(let message) {
            Terminal.errorLine("cachechat: \(message)")
            end(ExitStatus.usage.code)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                end(0)
            }
            if !message.isEmpty { Terminal.errorLine(message) }
            if !parsed, let hint = negativeNumberHint(CommandLine.arguments.dropFirst(), error: message) {
                Terminal.errorLine(hint)
            }
            end(code == .validationFailure ? ExitStatus.usage.code : code.rawValue)
        }
    }

    /// The base URL before the arguments are parsed, where it can be known: the one
    /// `--base-url` before `--`, else `DEEPSEEK_BASE_URL` (which wins over config.toml's
    /// profiles, see ConnectionSettings); nil when it is up to the config file.
    static func earlyBaseURL(_ arguments: [String], environment: [String: String]) -> String? {
        var found: [String] = []
        var words = arguments.dropFirst().prefix { $0 != "--" }.makeIterator()
        while let word = words.next() {
            if word == "--base-url" { found.append(words.next() ?? "") }
            if word.hasPrefix("--base-url=") { found.append(String(word.dropFirst("--base-url=".count))) }
        }
        if found.count > 1 { return nil }
        if let flag = found.first, !flag.isEmpty { return flag }
        return environment["DEEPSEEK_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// argument-parser takes a word such as `-5` for an option, so `history show -5` reports
    /// a missing id and `ask "-5 degrees?"` an unknown option. When parsing failed on such a
    /// word, say what happened. Numeric options take `-5` as their value (and their error,
    /// "The value '-5' is invalid for …", gives their range), so they need no hint.
    static func negativeNumberHint(_ arguments: ArraySlice<String>, error: String) -> String? {
        let words = arguments.prefix { $0 != "--" }
        guard let word = words.first(where: { $0.count > 1 && $0.first == "-" && $0.dropFirst().first!.isNumber }),
              !error.contains("The value '\(word)'") else {
            return nil
        }
        return "cachechat: `\(word)` was read as an option. Ids and counts are never negative; "
            + "a prompt that starts with `-` goes after `--` (cachechat ask -- \"\(word)\")."
    }
}
