import App
import ChatCore
import ChatWire
import Foundation
import Tokenizer

/// `ask --questions`: every question its own request (and conversation) over the same
/// attachments, sent through `QuestionBatch` (the cache model's warm-ups, then up to
/// `--parallel` at once). Answers print in question order, each under its question, as
/// soon as it and every earlier one have ended; `--json` prints one object per question
/// and a summary object. A failed question is reported in its place and the rest go on.
struct AskBatch {
    let runner: RequestRunner
    let json: Bool
    let maxTokens: Int?

    /// Sends and prints everything; returns the first failure in question order, if any.
    func run(_ questions: [String], over state: ConversationState, options: RequestOptions, kind: CacheModelKind,
             warmupWait: Double, parallel: Int) -> APIError? {
        InterruptSignal.install()
        let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)
        var states: [ConversationState] = []
        var plans: [RequestPlan] = []
        for (index, question) in questions.enumerated() {
            var conversation = state
            // Each question starts a conversation of its own: no other writer can have changed it.
            if let problem = try? runner.saveQuestion(question, in: &conversation, unsavedSerial: index + 1) {
                Terminal.errorLine("cachechat: warning: \(problem)")
            }
            states.append(conversation)
            plans.append(RequestPlan(conversation, question: .lastUserMessage, options: options, renderer: template))
        }
        let batch = QuestionBatch(runner: runner, plans: plans, kind: kind, constructDelay: warmupWait, parallel: parallel)
        if !json {
            Terminal.errorLine("cachechat: \(questions.count) questions, \(batch.warmups) warm-up\(batch.warmups == 1 ? "" : "s") (\(kind.rawValue) cache) "
                + "then up to \(batch.parallel) at once")
        }
        var printed = 0
        batch.onFinished = { _ in
            while printed < batch.entries.count, let result = batch.entries[printed].result {
                self.print(questions[printed], index: printed, result: result, conversation: states[printed].id, model: state.model)
                printed += 1
            }
        }
        batch.run { timeout in
            let signalled = runner.transport.poll(timeout: timeout, extraFD: InterruptSignal.readEnd)
            if signalled && InterruptSignal.drain() { batch.cancelAll() }
        }
        // Questions never sent (Ctrl-C before their turn) are reported as cancelled.
        for index in printed..<questions.count where batch.entries[index].result == nil {
            printUnsent(questions[index], index: index)
        }
        let results = batch.entries.map(\.result)
        discardFailed(results, states: states)
        printSummary(results.compactMap { $0 })
        for result in results {
            guard let result else { return .cancelled() }
            if let error = result.error { return error }
        }
        return nil
    }

    private func print(_ question: String, index: Int, result: TurnResult, conversation: ConversationID?, model: String) {
        let keep = result.error == nil || result.receivedReply
        if json {
            var object = AskJSON(reply: result.reply, model: result.reply.model ?? model, cost: result.cost, error: result.error,
                                 conversation: keep ? conversation : nil)
            object.question = question
            object.usageProblem = result.usageProblem
            Terminal.write(object.encoded() + "\n")
            return
        }
        Terminal.write("## \(index + 1). \(Terminal.stdoutIsTerminal ? TerminalSanitizer.clean(question) : question)\n\n")
        let content = Terminal.stdoutIsTerminal ? TerminalSanitizer.clean(result.reply.content) : result.reply.content
        if !content.isEmpty { Terminal.write(content + (content.hasSuffix("\n") ? "" : "\n")) }
        Terminal.write("\n")
        if let error = result.error {
            Terminal.errorLine("cachechat: question \(index + 1) failed: \(error.message)")
        } else if let problem = result.usageProblem {
            Terminal.errorLine("cachechat: question \(index + 1): usage not understood (\(problem)): its tokens and cost are not counted")
        } else if let usage = result.reply.usage {
            var line = UsageLine.text(usage: usage, cost: result.cost, model: result.reply.model ?? model, secondsToFirstToken: nil,
                                      pricing: runner.prices.pricingNote(model: model, at: runner.clock.now(), currency: runner.currency))
            line = line.replacingOccurrences(of: "cachechat: ", with: "cachechat: question \(index + 1): ", options: .anchored)
            if let ending = ReplyEnding.note(result.reply, maxTokens: maxTokens) { line += " · " + ending }
            Terminal.errorLine(line)
        }
    }

    private func printUnsent(_ question: String, index: Int) {
        let error = APIError.cancelled()
        if json {
            var object = AskJSON(reply: Reply(), model: "", cost: nil, error: error, conversation: nil)
            object.question = question
            Terminal.write(object.encoded() + "\n")
        } else {
            Terminal.errorLine("cachechat: question \(index + 1) was not sent: \(error.message)")
        }
    }

    /// As for one `ask` (docs/DECISIONS.md 45): a question whose request failed before any
    /// reply arrived leaves no conversation; its ledger row stays.
    private func discardFailed(_ results: [TurnResult?], states: [ConversationState]) {
        guard let history = runner.history else { return }
        for (result, state) in zip(results, states) where result?.error == nil ? false : !(result?.receivedReply ?? false) {
            guard let id = state.id else { continue }
            do { try history.deleteConversation(id) } catch {
                Terminal.errorLine("cachechat: warning: the failed request stays in the history: \(error)")
            }
        }
    }

    private func printSummary(_ results: [TurnResult]) {
        let summary = AskBatchSummary(results: results, currency: runner.currency)
        if json {
            Terminal.write(summary.encoded() + "\n")
        } else {
            Terminal.errorLine(summary.line)
        }
    }
}

/// The last line of `ask --questions`: requests, prompt tokens, hit, miss, cost.
struct AskBatchSummary: Encodable {
    var requests: Int
    var failed: Int
    var promptTokens: Int
    var hitTokens: Int
    var missTokens: Int
    var completionTokens: Int
    var cost: Double?
    var costWithoutCache: Double?
    var currency: String

    init(results: [TurnResult], currency: Currency) {
        requests = results.count
        failed = results.filter { $0.error != nil }.count
        let usages = results.compactMap(\.usage)
        promptTokens = usages.reduce(0) { $0.saturatingAdd($1.resolvedPromptTokens ?? 0) }
        hitTokens = usages.reduce(0) { $0.saturatingAdd($1.resolvedCacheHitTokens ?? 0) }
        missTokens = usages.reduce(0) { $0.saturatingAdd($1.resolvedCacheMissTokens ?? 0) }
        completionTokens = usages.reduce(0) { $0.saturatingAdd($1.completionTokens ?? 0) }
        let costs = results.compactMap(\.cost)
        cost = costs.isEmpty ? nil : costs.reduce(0) { $0 + $1.amount }
        costWithoutCache = costs.isEmpty ? nil : costs.reduce(0) { $0 + $1.withoutCache }
        self.currency = currency.rawValue
    }

    private enum Keys: String, CodingKey {
        case summary, requests, failed, promptTokens = "prompt_tokens", hitTokens = "prompt_cache_hit_tokens",
             missTokens = "prompt_cache_miss_tokens", completionTokens = "completion_tokens", cost,
             costWithoutCache = "cost_without_cache", currency
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(true, forKey: .summary)
        try container.encode(requests, forKey: .requests)
        try container.encode(failed, forKey: .failed)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(hitTokens, forKey: .hitTokens)
        try container.encode(missTokens, forKey: .missTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(cost, forKey: .cost)
        try container.encode(costWithoutCache, forKey: .costWithoutCache)
        try container.encode(currency, forKey: .currency)
    }

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    var line: String {
        let share = promptTokens > 0 ? " (\(Formatting.percent(Double(hitTokens) / Double(promptTokens))) cached)" : ""
        var text = "cachechat: \(requests) requests\(failed > 0 ? ", \(failed) failed" : "") · "
            + "\(Formatting.grouped(promptTokens)) prompt tokens, \(Formatting.grouped(hitTokens)) hit, "
            + "\(Formatting.grouped(missTokens)) miss\(share)"
        if let cost, let withoutCache = costWithoutCache, let currency = Currency(rawValue: currency) {
            text += " · \(Formatting.money(cost, currency: currency)) (without cache \(Formatting.money(withoutCache, currency: currency)))"
        }
        return text
    }
}
