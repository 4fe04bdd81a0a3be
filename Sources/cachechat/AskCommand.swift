import ArgumentParser
import ChatCore
import ChatWire
import Tokenizer
import App
import CurlTransport
import EmulatorServer
import Foundation
import Config
import History

struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Send one prompt and stream the reply to standard output.",
        discussion: """
            The prompt comes from the argument or, when there is none, from standard input. \
            A usage summary (prompt tokens with cache hit and miss, completion tokens, cost) \
            goes to standard error. Exit codes are listed in README.md.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "A system prompt sent before the question.")
    var system: String?

    @Option(name: .customLong("fewshot"), help: ArgumentHelp(
        "Send a few-shot set (its system prompt and shots) before the question; see `cachechat fewshot`.",
        valueName: "NAME"))
    var fewShot: String?

    @Flag(help: """
        Pin the set at the front of a multi-round conversation instead of sending it with each \
        question alone. For one `ask` both send the same request (see docs/FEWSHOT.md).
        """)
    var pinned = false

    @Option(help: ArgumentHelp("Thinking mode: on or off (default: the model's own default).", valueName: "on|off"))
    var thinking: ThinkingSwitch?

    @Option(name: .customLong("max-tokens"), parsing: .unconditional,
            help: ArgumentHelp("Upper bound on completion tokens, reasoning included (\(NumberRanges.maxTokens)).", valueName: "N"),
            transform: NumberRanges.maxTokens.transform)
    var maxTokens: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Sampling temperature (\(NumberRanges.temperature)).", valueName: "X"),
            transform: NumberRanges.temperature.transform)
    var temperature: Double?

    @Flag(name: .customLong("no-stream"), help: "Ask for the whole reply at once instead of a stream.")
    var noStream = false

    @Flag(help: "Print one JSON object with content, usage and cost instead of text.")
    var json = false

    @Flag(name: .customLong("show-reasoning"), help: "Also print the model's reasoning, to standard error.")
    var showReasoning = false

    @Argument(help: "The prompt. Read from standard input when omitted.")
    var prompt: String?

    @Flag(name: .customLong("no-save"), help: "Do not record the exchange in the history and the request ledger.")
    var noSave = false

    @Flag(name: .customLong("continue"), help: "Continue the most recent conversation.")
    var continueLast = false

    @Option(name: .customLong("conversation"), parsing: .unconditional,
            help: ArgumentHelp("Continue the conversation with this id (see `cachechat history list`).", valueName: "ID"),
            transform: NumberRanges.conversationID.transform)
    var conversationID: Int64?

    func validate() throws {
        if continueLast && conversationID != nil { throw ValidationError("Use --continue or --conversation, not both.") }
        if noSave && (continueLast || conversationID != nil) {
            throw ValidationError("--no-save cannot continue a stored conversation.")
        }
    }

    func run() throws {
        let set = try loadFewShotSet()
        let question = try readPrompt()
        let (settings, config) = try connection.resolveWithConfig(defaultModel: set?.model ?? ConnectionSettings.defaultModel)
        let endpoint: Endpoint
        var localServer: EmulatorServer? = nil
        if let baseURL = settings.baseURL {
            endpoint = Endpoint(baseURL: baseURL, apiKey: settings.apiKey, keySource: settings.keySource,
                                displayName: settings.profile)
        } else {
            let (server, local) = try LocalEmulator.start()
            localServer = server
            endpoint = local
            if !json { Terminal.errorLine(LocalEmulator.notice) }
        }
        defer { localServer?.stop() }

        let store = noSave ? nil : HistoryStore.openForWriting()
        let restored = try HistoryStore.conversation(in: store, id: conversationID, continueLast: continueLast)
        // A continued conversation keeps its model and thinking mode unless flags say otherwise.
        let model = connection.model == nil ? restored?.model ?? settings.model : settings.model
        var state = restored ?? ConversationState(model: model, thinking: config.defaultThinking(profile: settings.profile),
                                                  systemPrompt: system)
        state.model = model
        if let set {
            // Both modes start every request with the set's exact prefix; `--pinned` only
            // differs once there is more than one round (the TUI keeps the history after it).
            state = ConversationState(model: model, thinking: state.thinking, fewShot: set, fewShotMode: .pinned)
            try? FewShotLibrary(environment: ProcessInfo.processInfo.environment).archive(set)
            if !json {
                Terminal.errorLine("cachechat: few-shot set `\(set.name)` (\(set.shots.count) shots, version \(set.contentVersion)"
                    + (pinned ? ", pinned" : "") + ")")
            }
        }
        if let thinking { state.thinking = thinking == .on }
        let runner = RequestRunner(transport: CurlTransport(), history: store, endpoint: endpoint,
                                   prices: PriceTable.builtIn.overriding(with: config.priceOverrides),
                                   currency: config.currency ?? .usd, tokenizer: DeepSeekTokenizer.shared)
        let options = RequestOptions(stream: !noStream, maxTokens: maxTokens, temperature: temperature, userID: settings.userID)
        let printer = ReplyPrinter(json: json, showReasoning: showReasoning, stream: !noStream)
        let outcome = AskRunner(runner: runner, printer: printer).run(question, in: &state, options: options)
        printer.finish(outcome: outcome, model: state.model, maxTokens: maxTokens)
        if let error = outcome.error { throw ExitStatus(error) }
    }

    private func loadFewShotSet() throws -> FewShotSet? {
        guard let fewShot else {
            if pinned { throw CLIError.usage("--pinned needs a set: --fewshot NAME --pinned.") }
            return nil
        }
        if system != nil {
            throw CLIError.usage("--system and --fewshot both set the system prompt; the set has its own. Use one.")
        }
        if continueLast || conversationID != nil {
            throw CLIError.usage("--fewshot starts a new conversation; it cannot be combined with --continue or --conversation.")
        }
        return try FewShotCLI.load(fewShot).set
    }

    private func readPrompt() throws -> String {
        if let prompt { return prompt }
        guard !Terminal.stdinIsTerminal else {
            throw CLIError.usage("No prompt: give it as an argument (cachechat ask \"...\") or on standard input.")
        }
        let text = Terminal.readStandardInput()
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CLIError.usage("The prompt on standard input is empty.")
        }
        return text
    }
}

enum ThinkingSwitch: String, ExpressibleByArgument {
    case on, off
}
