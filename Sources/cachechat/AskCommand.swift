import ArgumentParser
import ChatCore
import ChatWire
import CurlTransport
import EmulatorServer
import Foundation
import Store

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

    @Option(help: ArgumentHelp("Thinking mode: on or off (default: the model's own default).", valueName: "on|off"))
    var thinking: ThinkingSwitch?

    @Option(name: .customLong("max-tokens"), help: "Upper bound on completion tokens.")
    var maxTokens: Int?

    @Option(help: "Sampling temperature.")
    var temperature: Double?

    @Flag(name: .customLong("no-stream"), help: "Ask for the whole reply at once instead of a stream.")
    var noStream = false

    @Flag(help: "Print one JSON object with content, usage and cost instead of text.")
    var json = false

    @Flag(name: .customLong("show-reasoning"), help: "Also print the model's reasoning, to standard error.")
    var showReasoning = false

    @Argument(help: "The prompt. Read from standard input when omitted.")
    var prompt: String?

    func run() throws {
        let question = try readPrompt()
        let (settings, config) = try connection.resolveWithConfig()
        let endpoint: Endpoint
        var localServer: EmulatorServer? = nil
        if let baseURL = settings.baseURL {
            endpoint = Endpoint(baseURL: baseURL, apiKey: settings.apiKey, keySource: settings.keySource)
        } else {
            let (server, local) = try LocalEmulator.start()
            localServer = server
            endpoint = local
            if !json { Terminal.errorLine(LocalEmulator.notice) }
        }
        defer { localServer?.stop() }
        var messages: [ChatMessage] = []
        if let system { messages.append(.system(system)) }
        messages.append(.user(question))
        var request = ChatRequest(model: settings.model, messages: messages)
        request.stream = !noStream
        if !noStream { request.streamOptions = StreamOptions(includeUsage: true) }
        request.maxTokens = maxTokens
        request.temperature = temperature
        request.userID = settings.userID
        if let thinking { request.thinking = thinking == .on ? .enabled : .disabled }

        let printer = ReplyPrinter(json: json, showReasoning: showReasoning, stream: !noStream)
        let outcome = AskRunner(request: request, endpoint: endpoint, printer: printer).run()
        printer.finish(outcome: outcome, model: settings.model,
                       prices: PriceTable.builtIn.overriding(with: config.priceOverrides),
                       currency: config.currency ?? .usd, now: Date())
        if let error = outcome.error { throw ExitStatus(error) }
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
