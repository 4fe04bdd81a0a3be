
import Foundation

/// `cachechat history export ID --format md|json`.
public enum HistoryExportFormat: String, Sendable, CaseIterable {
    case markdown = "md"
    case json
}

/// Renders a conversation, its messages and its ledger rows as Markdown or JSON. Pure.
///
/// JSON uses the API's names for usage (`prompt_tokens`, `completion_tokens`,
/// `prompt_cache_hit_tokens`, `prompt_cache_miss_tokens`,
/// `completion_tokens_details.reasoning_tokens`); unknown values are left out. Dates are
/// UTC. The output is for files: a caller printing it to a terminal sanitises it first.
public enum HistoryExport {
    public static func render(
        _ format: HistoryExportFormat, conversation: Conversation, messages: [StoredMessage], ledger: [LedgerEntry]
    ) throws -> String {
        switch format {
        case .markdown: markdown(conversation, messages: messages, ledger: ledger)
        case .json: try json(conversation, messages: messages, ledger: ledger)
        }
    }

    public static func markdown(_ conversation: Conversation, messages: [StoredMessage], ledger: [LedgerEntry]) -> String {
        let usage = replyUsage(ledger)
        let totals = StatsSummary.summarize(ledger)
        var out = "# \(conversation.title)\n\n"
        out += "- Conversation: \(conversation.id)\n"
        out += "- Model: \(conversation.model) (thinking \(conversation.thinking ? "on" : "off"))\n"
        out += "- Endpoint: \(conversation.endpointName)\n"
        out += "- Started: \(timestamp(conversation.created))\n"
        out += "- Last activity: \(timestamp(conversation.updated))\n"
        if let set = conversation.fewShotSetName {
            out += "- Few-shot set: \(set)\(conversation.fewShotVersion.map { " (\($0))" } ?? "")\n"
        }
        if let fork = conversation.forkedFrom {
            out += "- Forked from conversation \(fork.conversation) at message \(fork.ordinal)\n"
        }
        out += "- Totals: \(totals.requests) request\(totals.requests == 1 ? "" : "s"), \(tokenLine(totals))\(costLine(totals.costs))\n"
        if let prompt = conversation.systemPrompt {
            out += "\n## System\n\n\(prompt)\n"
        }
        for message in messages {
            out += "\n## \(message.ordinal). \(message.role.rawValue.capitalized)"
            if let model = message.model { out += " · \(model)" }
            out += " · \(timestamp(message.created))\n\n"
            if let reasoning = message.reasoningContent, !reasoning.isEmpty {
                out += "<details>\n<summary>Reasoning</summary>\n\n\(reasoning)\n\n</details>\n\n"
            }
            out += message.content.isEmpty ? "*(no text)*\n" : "\(message.content)\n"
            switch message.state {
            case .complete: break
            case .streaming: out += "\n> Still being written.\n"
            case .interrupted(let reason): out += "\n> Interrupted: \(reason)\n"
            case .failed(let error): out += "\n> Failed: \(error)\n"
            }
            if let entry = usage[message.id] {
                var one = StatsSummary()
                one.add(entry)
                out += "\n*Usage: \(tokenLine(one))\(costLine(one.costs))*\n"
            }
        }
        return out
    }

    public static func json(_ conversation: Conversation, messages: [StoredMessage], ledger: [LedgerEntry]) throws -> String {
        let usage = replyUsage(ledger)
        let document = ExportDocument(
            conversation: ExportConversation(conversation),
            messages: messages.map { ExportMessage($0, entry: usage[$0.id]) },
            totals: StatsSummary.summarize(ledger))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    // MARK: - Text pieces

    /// The last ledger row of each reply.
    static func replyUsage(_ ledger: [LedgerEntry]) -> [MessageID: LedgerEntry] {
        var result: [MessageID: LedgerEntry] = [:]
        for entry in ledger { if let id = entry.message { result[id] = entry } }
        return result
    }

    static func tokenLine(_ s: StatsSummary) -> String {
        var text = "\(grouped(s.promptTokens)) prompt tokens (\(grouped(s.hitTokens)) cache hit, \(grouped(s.missTokens)) miss)"
        text += ", \(grouped(s.completionTokens)) completion tokens"
        if s.reasoningTokens > 0 { text += " (\(grouped(s.reasoningTokens)) reasoning)" }
        return text
    }

    static func costLine(_ costs: [StatsSummary.CostTotal]) -> String {
        costs.map { total in
            ", cost \(money(total.cost)) \(total.currency) (\(money(total.costWithoutCache)) without cache, saved \(money(total.saved)))"
        }.joined()
    }

    static func money(_ amount: Double) -> String { String(format: "%.6f", amount) }

    static func grouped(_ number: Int) -> String {
        let digits = String(abs(number))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return number < 0 ? "-" + out : out
    }

    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d UTC",
                      c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
