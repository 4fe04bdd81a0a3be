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
        commandName: AskOptions.commandName,
        abstract: "Send one prompt and stream the reply to standard output.",
        discussion: """
            The prompt comes from the argument or, when there is none, from standard input. \
            A usage summary (prompt tokens with cache hit and miss, completion tokens, cost) \
            goes to standard error. Exit codes are listed in README.md.

            -f FILE attaches a document (a folder: its text files; -: standard input) after the \
            system prompt, byte-stable, so it is cached for the next question about it. \
            --questions QFILE asks one question per line, each its own request over the same \
            attachments, warmed up for the cache and then --parallel at a time.
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

    @Option(help: ArgumentHelp("Reasoning effort of a thinking request: low, high or max (default: `effort =` in config.toml, else the server's). max changes the prompt from its first token, so it misses the cache of a conversation sent without it.",
                               valueName: "low|high|max"))
    var effort: ReasoningEffort?

    @Flag(name: .customLong("json-object"), help: "JSON output: send response_format json_object (the prompt must ask for JSON). An empty reply exits with 12.")
    var jsonObject = false

    @Option(name: .customLong("max-cost"), parsing: .unconditional, help: ArgumentHelp(
        "Refuse (exit 13) a request whose prompt, at the cache-miss price, plus --max-tokens of output would cost more than X (in the configured currency) (\(NumberRanges.maxCost)).",
        valueName: "X"), transform: NumberRanges.maxCost.transform)
    var maxCost: Double?

    @Option(name: .customLong("max-tokens"), parsing: .unconditional,
            help: ArgumentHelp("Upper bound on completion tokens, reasoning included (\(NumberRanges.maxTokens)).", valueName: "N"),
            transform: NumberRanges.maxTokens.transform)
    var maxTokens: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Sampling temperature (\(NumberRanges.temperature)).", valueName: "X"),
            transform: NumberRanges.temperature.transform)
    var temperature: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Seconds the whole request may take, however the server keeps it alive (\(NumberRanges.timeout); default: `timeout =` in config.toml, else 1800).",
        valueName: "S"), transform: NumberRanges.timeout.transform)
    var timeout: Double?

    @Flag(name: .customLong("no-stream"), help: "Ask for the whole reply at once instead of a stream.")
    var noStream = false

    @Flag(help: "Print one JSON object with content, usage and cost instead of text.")
    var json = false

    @Flag(name: .customLong("show-reasoning"), help: "Also print the model's reasoning, to standard error.")
    var showReasoning = false

    @Argument(help: "The prompt. Read from standard input when omitted.")
    var prompt: String?

    @Option(name: [.customShort("f"), .customLong("file")], help: ArgumentHelp(
        "Attach a text file, a folder's text files (sorted; hidden and git-ignored ones skipped) or - for standard input. Repeat for more; the order is kept.",
        valueName: "FILE"))
    var files: [String] = []

    @Option(name: .customLong("questions"), help: ArgumentHelp(
        "Ask every line of QFILE (- for standard input) as its own request over the same attachments.", valueName: "QFILE"))
    var questionsFile: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "With --questions: requests in flight at once after the warm-up (\(NumberRanges.parallel), default 4).", valueName: "N"),
            transform: NumberRanges.parallel.transform)
    var parallel: Int = 4

    @Option(name: .customLong("cache-model"), help: ArgumentHelp(
        "With --questions: how the endpoint caches, for the warm-up: v3 (one request first) or v4 (two) (default: DeepSeek's rule for the model).",
        valueName: "v3|v4"))
    var cacheModel: CacheModelKindArgument?

    @Option(name: .customLong("warmup-wait"), parsing: .unconditional, help: ArgumentHelp(
        "With --questions: seconds to wait after each warm-up request while the server builds its cache (\(NumberRanges.warmupWait); default 2, or the built-in endpoint's own delay).",
        valueName: "SECONDS"), transform: NumberRanges.warmupWait.transform)
    var warmupWait: Double?

    @Flag(name: .customLong("no-save"), help: "Do not record the exchange in the history and the request ledger.")
    var noSave = false

    @Flag(name: .customLong("continue"), help: "Continue the most recent conversation.")
    var continueLast = false

    @Flag(name: .customLong("continue-reply"), help: """
        Continue the last reply (of --conversation ID, else the most recent conversation) where it was cut \
        (max_tokens) or stopped, with DeepSeek's chat prefix completion (beta base URL); no prompt is read.
        """)
    var continueReply = false

    @Option(name: .customLong("conversation"), parsing: .unconditional,
            help: ArgumentHelp("Continue the conversation with this id (see `cachechat history list`).", valueName: "ID"),
            transform: NumberRanges.conversationID.transform)
    var conversationID: Int64?

    /// The options as a plain value: what `run()` works on, and what the fast reader
    /// (FastArguments.swift) builds without argument-parser.
    var options: AskOptions {
        AskOptions(connection: connection.flags, system: system, fewShot: fewShot, pinned: pinned, thinking: thinking,
                   effort: effort, jsonObject: jsonObject, maxCost: maxCost, maxTokens: maxTokens, temperature: temperature,
                   timeout: timeout, noStream: noStream, json: json, showReasoning: showReasoning, prompt: prompt, files: files,
                   questionsFile: questionsFile, parallel: parallel, cacheModel: cacheModel, warmupWait: warmupWait,
                   noSave: noSave, continueLast: continueLast, continueReply: continueReply, conversationID: conversationID)
    }

    func validate() throws { try options.validate() }

    func run() throws { try options.run() }
}

/// `--effort`: DeepSeek's other names (`minimal`, `medium`, `xhigh`, `ultra`) are mapped too.
extension ReasoningEffort: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

enum ThinkingSwitch: String, ExpressibleByArgument {
    case on, off
}
