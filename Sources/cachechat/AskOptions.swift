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

/// `cachechat ask`'s options with the defaults of `AskCommand`'s declarations, which stay
/// the definition (help, names, conversions); no property wrappers, so the fast reader can
/// build one without argument-parser.
struct AskOptions: Equatable {
    static let commandName = "ask"

    var connection = ConnectionSettings.Flags()
    var system: String?
    var fewShot: String?
    var pinned = false
    var thinking: ThinkingSwitch?
    var effort: ReasoningEffort?
    var jsonObject = false
    var maxCost: Double?
    var maxTokens: Int?
    var temperature: Double?
    var timeout: Double?
    var noStream = false
    var json = false
    var showReasoning = false
    var prompt: String?
    var files: [String] = []
    var questionsFile: String?
    var parallel = 4
    var cacheModel: CacheModelKindArgument?
    var warmupWait: Double?
    var noSave = false
    var continueLast = false
    var continueReply = false
    var conversationID: Int64?

    func validate() throws {
        if continueReply {
            if prompt != nil || questionsFile != nil || !files.isEmpty || fewShot != nil || system != nil {
                throw ValidationError("--continue-reply continues the last reply; it takes no prompt, --questions, -f, --fewshot or --system.")
            }
            if noSave { throw ValidationError("--continue-reply continues a stored reply; it cannot be used with --no-save.") }
        }
        if continueLast && conversationID != nil { throw ValidationError("Use --continue or --conversation, not both.") }
        if noSave && (continueLast || conversationID != nil) {
            throw ValidationError("--no-save cannot continue a stored conversation.")
        }
        if !files.isEmpty && (continueLast || conversationID != nil) {
            throw ValidationError("-f starts a new conversation with its attachments; a continued one keeps those it has.")
        }
        if questionsFile != nil {
            if prompt != nil { throw ValidationError("Give the questions in --questions QFILE or as the prompt, not both.") }
            if continueLast || conversationID != nil {
                throw ValidationError("--questions asks each question in a new conversation; it cannot continue one.")
            }
        }
        if files.filter({ $0 == "-" }).count + (questionsFile == "-" ? 1 : 0) > 1 {
            throw ValidationError("Standard input can be read once: use - for one -f or for --questions.")
        }
    }

    func run() throws {
        // `ask | head`: a closed pipe is an error to report once the reply is stored, not a
        // signal that kills the process mid-reply.
        signal(SIGPIPE, SIG_IGN)
        // A file size limit (ulimit -f) is a full disk for the history, not a reason to die
        // mid-reply: the write fails with EFBIG and is reported.
        signal(SIGXFSZ, SIG_IGN)
        if continueReply { return try runContinuation() }
        let set = try loadFewShotSet()
        var loader = AttachmentLoader()
        let attachments: [Attachment]
        do {
            attachments = try loader.load(files)
        } catch {
            throw CLIError.usage("\(error).")
        }
        for skipped in loader.skipped where !json { Terminal.errorLine("cachechat: skipped \(skipped)") }
        let questions = try questionsFile.map(readQuestions) ?? [readPrompt()]
        let question = questions[0]
        let (settings, config) = try connection.resolveWithConfig(defaultModel: set?.model ?? ConnectionSettings.defaultModel)
        let (endpoint, localServer) = try LocalEmulator.endpoint(for: settings, quiet: json)
        defer { localServer?.stop() }
        // libcurl loads while the history opens and the request is planned: `main` started
        // it before parsing (a built-in endpoint's thread then waits for the dlopen, which
        // holds the lock thread creation takes, about a millisecond); this is a no-op then.
        // A loopback endpoint over plain HTTP does not need it.
        if CurlTransport.needsLibcurl(for: endpoint.baseURL) { CurlTransport.preload() }
        StartupTrace.mark("ask: question and config read")
        defer { StartupTrace.mark("ask: done"); StartupTrace.flush() }

        let continuing = continueLast || conversationID != nil
        let store = noSave ? nil : continuing ? try HistoryStore.openForContinuing() : HistoryStore.openForWriting()
        let restored = try HistoryStore.conversation(in: store, id: conversationID, continueLast: continueLast)
        // A continued conversation keeps its model and thinking mode unless flags say otherwise.
        let model = connection.model == nil ? restored?.model ?? settings.model : settings.model
        var state = restored ?? ConversationState(model: model, thinking: config.defaultThinking(profile: settings.profile),
                                                  reasoningEffort: config.effort, systemPrompt: system)
        state.model = model
        if let set {
            // Both modes start every request with the set's exact prefix; `--pinned` only
            // differs once there is more than one round (the TUI keeps the history after it).
            state = ConversationState(model: model, thinking: state.thinking, reasoningEffort: state.reasoningEffort,
                                      fewShot: set, fewShotMode: .pinned)
            try? FewShotLibrary(environment: ProcessInfo.processInfo.environment).archive(set)
            if !json {
                Terminal.errorLine("cachechat: few-shot set `\(set.name)` (\(set.shots.count) shots, version \(set.contentVersion)"
                    + (pinned ? ", pinned" : "") + ")")
            }
        }
        if let thinking { state.thinking = thinking == .on }
        // The effort is a setting, not stored with a conversation (DECISIONS 72).
        if restored != nil { state.reasoningEffort = config.effort }
        if let effort { state.reasoningEffort = effort }
        if !attachments.isEmpty { state.attachments = attachments }
        StartupTrace.mark("ask: history opened")
        let runner = RequestRunner(transport: CurlTransport(), history: store, endpoint: endpoint,
                                   prices: PriceTable.builtIn.overriding(with: config.priceOverrides),
                                   currency: config.currency ?? .usd, tokenizer: DeepSeekTokenizer.shared)
        StartupTrace.mark("ask: runner made")
        try checkAttachments(state, questions: questions, prices: runner.prices, currency: runner.currency, models: config.models)
        let options = RequestOptions(stream: !noStream, maxTokens: maxTokens, temperature: temperature, userID: settings.userID,
                                     jsonObject: jsonObject)
        if let maxCost {
            try checkMaxCost(maxCost, state: state, questions: questions, runner: runner)
        }
        if !json, let warning = effortSwitchWarning(state, question: question, store: store, prices: runner.prices, currency: runner.currency) {
            Terminal.errorLine("cachechat: warning: \(warning)")
        }
        if questionsFile != nil {
            let kind = cacheModel?.kind ?? localServer?.configuration.cacheModel
                ?? CachePredictor.defaultCacheModel(forModel: state.model)
            let wait = warmupWait ?? localServer?.configuration.cache.constructDelay ?? 2
            let batch = AskBatch(runner: runner, json: json, maxTokens: maxTokens)
            let failure = batch.run(questions, over: state, options: options, kind: kind, warmupWait: wait, parallel: parallel)
            if let failure { throw ExitStatus(failure) }
            return
        }
        let printer = ReplyPrinter(json: json, showReasoning: showReasoning, stream: !noStream)
        StartupTrace.mark("ask: checks done")
        let deadline = timeout ?? config.timeout ?? 1800
        let outcome: AskOutcome
        do {
            outcome = try AskRunner(runner: runner, printer: printer, timeout: deadline).run(question, in: &state, options: options)
        } catch {
            throw CLIError.usage(error.description)
        }
        StartupTrace.mark("ask: reply stored")
        let pricing = runner.prices.pricingNote(model: state.model, at: runner.clock.now(), currency: runner.currency)
        if jsonObject, outcome.error == nil, outcome.reply.content.allSatisfy(\.isWhitespace) {
            // DeepSeek's JSON mode answers spaces when the model produced no JSON: not a success.
            var failed = outcome
            failed.error = APIError.emptyJSONReply()
            printer.finish(outcome: failed, model: state.model, maxTokens: maxTokens, pricing: pricing)
            throw ExitStatus.emptyJSON
        }
        printer.finish(outcome: outcome, model: state.model, maxTokens: maxTokens, pricing: pricing)
        if let failure = Terminal.outputFailure {
            // The reply was stored as it streamed; only printing it failed.
            Terminal.errorLine("cachechat: the reply could not be written to standard output (\(String(cString: strerror(failure))))"
                + (outcome.conversation.map { "; it is saved: cachechat history show \($0)" } ?? ""))
            throw ExitStatus.output
        }
        if let error = outcome.error { throw ExitStatus(error) }
        if let problem = outcome.notSaved {
            Terminal.errorLine("cachechat: the reply was printed but is not in the history (\(problem)). "
                + "Free some space, or keep what was printed: it is not stored anywhere else.")
            throw ExitStatus.notSaved
        }
    }

    /// `--continue-reply`: the stored conversation's last reply, continued.
    private func runContinuation() throws {
        let (settings, config) = try connection.resolveWithConfig()
        guard let store = HistoryStore.openForWriting() else { throw CLIError.usage("--continue-reply needs the history, which cannot be opened.") }
        guard var state = try HistoryStore.conversation(in: store, id: conversationID, continueLast: true) else {
            throw CLIError.usage("There is no conversation to continue yet.")
        }
        guard let last = state.messages.last, last.role == .assistant, last.isSent, last.canContinue else {
            // Spelled out: `state.id.map { … } ?? ""` here crashes the 6.3.1 optimizer in release
            // builds (CopyPropagation, as in Commands+Attachments.persistAttachments).
            var number = ""
            if let record = state.record { number = String(record.id.rawValue) }
            throw CLIError.usage("Conversation \(number) does not end with a reply to continue: --continue-reply carries on a "
                + "reply cut at max_tokens or stopped, and this one ended as the model meant it to. Nothing was sent.")
        }
        if connection.model != nil { state.model = settings.model }
        if let thinking { state.thinking = thinking == .on }
        state.reasoningEffort = effort ?? config.effort
        let (endpoint, localServer) = try LocalEmulator.endpoint(for: settings, quiet: json)
        defer { localServer?.stop() }
        if CurlTransport.needsLibcurl(for: endpoint.baseURL) { CurlTransport.preload() }
        let runner = RequestRunner(transport: CurlTransport(), history: store, endpoint: endpoint,
                                   prices: PriceTable.builtIn.overriding(with: config.priceOverrides),
                                   currency: config.currency ?? .usd, tokenizer: DeepSeekTokenizer.shared)
        let options = RequestOptions(stream: !noStream, maxTokens: maxTokens, temperature: temperature, userID: settings.userID,
                                     jsonObject: jsonObject)
        if let maxCost { try checkMaxCost(maxCost, state: state, questions: [""], runner: runner) }
        let printer = ReplyPrinter(json: json, showReasoning: showReasoning, stream: !noStream)
        let outcome = AskRunner(runner: runner, printer: printer, timeout: timeout).continueReply(in: state, options: options)
        printer.finish(outcome: outcome, model: state.model, maxTokens: maxTokens,
                       pricing: runner.prices.pricingNote(model: state.model, at: runner.clock.now(), currency: runner.currency))
        if let error = outcome.error { throw ExitStatus(error) }
    }

    /// `--max-cost`: the longest question's prompt at the cache-miss price (no hit is
    /// assumed: this process has no cache prediction to trust) plus --max-tokens of output.
    private func checkMaxCost(_ limit: Double, state: ConversationState, questions: [String], runner: RequestRunner) throws {
        let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)
        let longest = questions.max { $0.utf8.count < $1.utf8.count } ?? ""
        var plan = RequestPlan(state, question: .draft(longest), renderer: template)
        plan.prediction = CachePredictor.Prediction(hitTokens: 0, missTokens: plan.prompt.ids.count, cost: nil)
        let now = runner.clock.now()
        guard let worst = CostGuard.worstCase(plan: plan, maxTokens: maxTokens, prices: runner.prices, currency: runner.currency, at: now) else {
            throw refusal("--max-cost cannot be checked: \(runner.prices.pricingNote(model: state.model, at: now, currency: runner.currency) ?? "no price"). Nothing was sent.",
                   model: state.model)
        }
        guard worst > limit else { return }
        let reasons = CostGuard.reasons(plan: plan, previousModel: nil, prices: runner.prices, currency: runner.currency, at: now)
        throw refusal("this request could cost up to \(Formatting.money(worst, currency: runner.currency)), above --max-cost "
            + "\(Formatting.money(limit, currency: runner.currency)) (no cache hit assumed"
            + (maxTokens == nil ? "; output not counted without --max-tokens" : "; \(Formatting.grouped(maxTokens!)) output tokens") + "): "
            + reasons.joined(separator: "; ") + ". Nothing was sent.", model: state.model)
    }

    /// Says why `--max-cost` stopped the request (on stderr, and with `--json` as the one
    /// object on stdout too, its error of kind `over_budget`); exit status 13.
    private func refusal(_ message: String, model: String) -> ExitStatus {
        Terminal.errorLine("cachechat: \(message)")
        if json {
            let object = AskJSON(reply: Reply(), model: model, cost: nil, error: nil, conversation: nil,
                                 refusal: (kind: "over_budget", message: message))
            Terminal.write(object.encoded() + "\n")
        }
        return .overBudget
    }

    /// Switching a continued conversation to or from `max` effort changes the prompt from
    /// its first token: said before sending, with what the whole prompt then costs.
    private func effortSwitchWarning(_ state: ConversationState, question: String, store: ChatStore?, prices: PriceTable,
                                     currency: Currency) -> String? {
        guard let id = state.id, let store,
              let last = try? store.recentLedgerEntries(LedgerFilter(conversation: id), limit: 1).last?.plan else { return nil }
        let before: ReasoningEffort? = last.thinking ? last.effort.flatMap(ReasoningEffort.init(rawValue:)) : nil
        let after = state.settings().renderedEffort
        guard (before == .max) != (after == .max) else { return nil }
        let plan = RequestPlan(state, question: .draft(question), renderer: ChatTemplate(tokenizer: DeepSeekTokenizer.shared))
        let tokens = plan.prompt.ids.count
        var text = "reasoning effort \(before?.rawValue ?? "default") → \(after?.rawValue ?? "default") changes the prompt "
            + "from its first token: all \(Formatting.grouped(tokens)) prompt tokens miss the cache"
        if let price = prices.price(model: state.model, at: Date(), currency: currency) {
            text += " (about \(Formatting.money(Double(tokens) * price.prices.cacheMiss / 1_000_000, currency: currency)))"
        }
        return text
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

    /// One question per non-blank line of `path` (- for standard input).
    private func readQuestions(_ path: String) throws -> [String] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CLIError.usage("Cannot read the questions in \(path): no such file, or not readable.")
            }
            data = contents
        }
        let text: String
        do {
            text = try AttachmentText.decode(data, name: path == "-" ? "Standard input" : path)
        } catch {
            throw CLIError.usage("\(error).")
        }
        let questions = text.split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !questions.isEmpty else { throw CLIError.usage("\(path == "-" ? "Standard input" : path) holds no questions.") }
        return questions
    }

    /// Before anything is sent: every attachment's size, the context window, and, for a
    /// continued conversation, attached files that changed on disk since.
    private func checkAttachments(_ state: ConversationState, questions: [String], prices: PriceTable, currency: Currency,
                                  models: ModelCatalog) throws {
        guard !state.attachments.isEmpty else { return }
        let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)
        let longest = questions.max { $0.utf8.count < $1.utf8.count } ?? ""
        let plan = RequestPlan(state, question: .draft(longest), renderer: template)
        let limit = ProcessInfo.processInfo.environment["CACHECHAT_CONTEXT_LIMIT"].flatMap(Int.init)
            ?? models.model(state.model).contextWindow
        do {
            try plan.attachmentsFit(limit: limit)
        } catch {
            throw CLIError.usage("\(error).")
        }
        if !json {
            for (attachment, tokens) in zip(state.attachments, plan.attachmentTokens) {
                Terminal.errorLine("cachechat: attached \(attachment.name) (\(Formatting.grouped(tokens)) tokens, \(attachment.hash))")
            }
        }
        guard state.record != nil else { return }
        let changes = AttachmentChanges(plan: plan, currentHashes: AttachmentLoader().currentHashes(of: state.attachments),
                                        price: prices.price(model: state.model, at: Date(), currency: currency))
        if let warning = changes.warning {
            Terminal.errorLine("cachechat: warning: \(warning); sending the attached copy, which keeps the cache")
        }
    }

    private func readPrompt() throws -> String {
        if let prompt { return prompt }
        if files.contains("-") {
            throw CLIError.usage("-f - reads the document from standard input: give the prompt as an argument.")
        }
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
