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
    private var lastContentCharacter: Character?
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
            if let last = shown.last { lastContentCharacter = last }
        case .reasoning(let text) where showReasoning:
            Terminal.error(reasoningSanitizer.clean(text))
            printedReasoning = true
        default:
            break
        }
    }

    func finish(outcome: AskOutcome, model: String) {
        let reply = outcome.reply
        let cost = outcome.cost
        if json {
            Terminal.write(AskJSON(reply: reply, model: reply.model ?? model, cost: cost, error: outcome.error,
                                   conversation: outcome.conversation).encoded() + "\n")
            return
        }
        if Terminal.stdoutIsTerminal, let last = lastContentCharacter, last != "\n" { Terminal.write("\n") }
        if printedReasoning { Terminal.error("\n") }
        if let error = outcome.error {
            if !reply.content.isEmpty { Terminal.errorLine("cachechat: [reply interrupted]") }
            Terminal.errorLine("cachechat: \(error.message)")
        }
        if let usage = reply.usage {
            var line = UsageLine.text(usage: usage, cost: cost, model: reply.model ?? model,
                                      secondsToFirstToken: outcome.secondsToFirstToken)
            if let conversation = outcome.conversation { line += " · conversation \(conversation)" }
            Terminal.errorLine(line)
        } else if outcome.error == nil {
            Terminal.errorLine("cachechat: the server reported no token usage for this reply")
        }
    }
}

/// The one-line summary on stderr after a reply.
enum UsageLine {
    static func text(usage: Usage, cost: Cost?, model: String, secondsToFirstToken: Double?) -> String {
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
        } else {
            parts.append("no price known for \(model)")
        }
        if let secondsToFirstToken { parts.append(String(format: "first token %.2f s", secondsToFirstToken)) }
        return "cachechat: " + parts.joined(separator: " · ")
    }
}
