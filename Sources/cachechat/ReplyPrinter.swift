import ChatCore
import ChatWire
import Foundation

/// Writes an `ask` reply: text to stdout as it streams (sanitised when stdout is a
/// terminal), reasoning to stderr on request, notices and the usage line to stderr,
/// or, with `--json`, exactly one JSON object at the end.
final class ReplyPrinter {
    let json: Bool
    let showReasoning: Bool
    let stream: Bool
    private let sanitizeOutput = Terminal.stdoutIsTerminal
    private var contentSanitizer = TerminalSanitizer()
    private var reasoningSanitizer = TerminalSanitizer()
    /// Whether the text written so far ends a line (nothing written counts as ended).
    private var contentEndsLine = true
    private var printedReasoning = false

    init(json: Bool, showReasoning: Bool, stream: Bool) {
        self.json = json
        self.showReasoning = showReasoning
        self.stream = stream
    }

    func retrying(nextAttempt: Int, of maximum: Int, delay: Double, reason: String) {
        let seconds = delay < 1 ? String(format: "%.1f", delay) : String(Int(delay.rounded()))
        Terminal.errorLine("cachechat: \(TerminalSanitizer.clean(reason)); retrying in \(seconds) s (attempt \(nextAttempt) of \(maximum))")
    }

    func stream(_ event: ChatStreamEvent) {
        guard !json else { return }
        switch event {
        case .content(let text):
            if printedReasoning {
                Terminal.error("\n")
                printedReasoning = false
            }
            let shown = sanitizeOutput ? contentSanitizer.clean(text) : text
            Terminal.write(shown)
            if let last = shown.unicodeScalars.last { contentEndsLine = last == "\n" }
        case .reasoning(let text) where showReasoning:
            Terminal.error(reasoningSanitizer.clean(text))
            printedReasoning = true
        default:
            break
        }
    }

    /// Ends the output: the text's last line (a reply that does not end with a newline gets
    /// one, on a terminal and in a pipe alike, so nothing printed after it is glued to it),
    /// then errors and the usage line on stderr, or the one `--json` object.
    /// `maxTokens` is the request's limit, named when the reply was cut by it.
    func finish(outcome: AskOutcome, model: String, maxTokens: Int?, pricing: String? = nil) {
        let reply = outcome.reply
        let cost = outcome.cost
        if json {
            Terminal.write(AskJSON(reply: reply, model: reply.model ?? model, cost: cost, error: outcome.error,
                                   conversation: outcome.conversation, usageProblem: outcome.usageProblem).encoded() + "\n")
            return
        }
        if !contentEndsLine { Terminal.write("\n") }
        if printedReasoning { Terminal.error("\n") }
        if let error = outcome.error {
            if !reply.content.isEmpty { Terminal.errorLine("cachechat: [reply interrupted]") }
            Terminal.errorLine("cachechat: \(error.message)")
        }
        var line: String?
        if let problem = outcome.usageProblem {
            line = "cachechat: usage not understood (\(problem)): this request's tokens and cost are not counted"
                + (outcome.conversation.map { " · conversation \($0)" } ?? "")
        } else if let usage = reply.usage {
            line = UsageLine.text(usage: usage, cost: cost, model: reply.model ?? model,
                                  secondsToFirstToken: outcome.secondsToFirstToken, pricing: pricing)
                + (outcome.conversation.map { " · conversation \($0)" } ?? "")
        } else if outcome.error == nil {
            line = "cachechat: the server reported no token usage for this reply"
        }
        if outcome.error == nil, let ending = ReplyEnding.note(reply, maxTokens: maxTokens), let usageLine = line {
            line = usageLine + " · " + ending
        }
        if let line { Terminal.errorLine(line) }
    }
}

/// The one-line summary on stderr after a reply.
enum UsageLine {
    /// `pricing`: `PriceTable.pricingNote` (peak or off-peak and until when, or why no cost).
    static func text(usage: Usage, cost: Cost?, model: String, secondsToFirstToken: Double?, pricing: String? = nil) -> String {
        var parts: [String] = []
        var prompt = "\(usage.resolvedPromptTokens.map(Formatting.grouped) ?? "?") prompt tokens"
        if let hit = usage.resolvedCacheHitTokens, let miss = usage.resolvedCacheMissTokens {
            prompt += " (\(Formatting.grouped(hit)) cache hit, \(Formatting.grouped(miss)) miss"
            if let ratio = usage.cacheHitRatio { prompt += ", \(Formatting.percent(ratio)) cached" }
            prompt += ")"
        } else {
            prompt += " (cache use not reported)"
        }
        parts.append(prompt)
        if let completion = usage.completionTokens {
            var text = "\(Formatting.grouped(completion)) completion"
            if let reasoning = usage.reasoningTokens, reasoning > 0 { text += " (\(Formatting.grouped(reasoning)) reasoning)" }
            parts.append(text)
        }
        if let cost {
            var text = Formatting.money(cost.amount, currency: cost.currency)
            if cost.saved > 0 { text += " (saved \(Formatting.money(cost.saved, currency: cost.currency)))" }
            parts.append(text)
            if let pricing { parts.append(pricing) }
        } else {
            parts.append(pricing ?? "no price known for \(model)")
        }
        if let secondsToFirstToken { parts.append(String(format: "first token %.2f s", secondsToFirstToken)) }
        return "cachechat: " + parts.joined(separator: " · ")
    }
}

/// Why a reply that ended without an error may not be what was asked for: cut by
/// `max_tokens` (in thinking mode often before any text: all of it went to reasoning),
/// stopped by the content filter, or empty. `--json` has the same facts in `finish_reason`
/// and `content`.
enum ReplyEnding {
    static func note(_ reply: Reply, maxTokens: Int?) -> String? {
        let empty = reply.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        let cause: String? = switch reply.finishReason {
        case "length":
            (maxTokens.map { "cut at max_tokens (\(Formatting.grouped($0)))" } ?? "cut at the server's default max_tokens")
                + (empty && !reply.reasoningContent.isEmpty ? " while still reasoning" : "") + ": raise --max-tokens"
        case "content_filter": "cut by the server's content filter"
        case "insufficient_system_resource": "cut short: the server ran out of resources (insufficient_system_resource)"
        default: nil
        }
        switch (empty, cause) {
        case (true, let cause?): return "the reply was empty, " + cause
        case (true, nil): return "the reply was empty"
        case (false, let cause): return cause
        }
    }
}
