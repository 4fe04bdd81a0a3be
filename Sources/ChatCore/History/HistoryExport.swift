
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
    /// `attachments` are listed by name and content hash, and with `documents` their whole
    /// text is included too.
    public static func render(
        _ format: HistoryExportFormat, conversation: Conversation, messages: [StoredMessage], ledger: [LedgerEntry],
        attachments: [Attachment] = [], documents: Bool = false
    ) throws -> String {
        switch format {
        case .markdown: markdown(conversation, messages: messages, ledger: ledger, attachments: attachments, documents: documents)
        case .json: try json(conversation, messages: messages, ledger: ledger, attachments: attachments, documents: documents)
        }
    }

    public static func markdown(_ conversation: Conversation, messages: [StoredMessage], ledger: [LedgerEntry],
                                attachments: [Attachment] = [], documents: Bool = false) -> String {
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
        if !attachments.isEmpty {
            out += "- Attached: " + attachments.map { "\(escaped($0.name)) (\($0.hash))" }.joined(separator: ", ") + "\n"
        }
        if let fork = conversation.forkedFrom {
            out += "- Forked from conversation \(fork.conversation) at message \(fork.ordinal)\n"
        }
        out += "- Totals: \(totals.requests) request\(totals.requests == 1 ? "" : "s"), \(tokenLine(totals))\(costLine(totals.costs))\n"
        // The system prompt each request carried (the ledger's plan): the first one at the
        // top, and a note before any question whose request used another.
        let systems = requestSystems(messages: messages, usage: usage)
        var shown = systems.first?.system ?? conversation.systemPrompt
        if let prompt = shown {
            out += "\n## System\n\n\(escaped(prompt))\n"
        }
        if documents {
            for attachment in attachments {
                // A fence longer than any backtick run in the text, so nothing ends it early.
                let fence = String(repeating: "`", count: max(3, longestBacktickRun(attachment.text) + 1))
                out += "\n## Document: \(escaped(attachment.name)) (\(attachment.hash))\n\n\(fence)\n\(attachment.text)\n\(fence)\n"
            }
        }
        for message in messages {
            if let system = systems.first(where: { $0.question == message.id }), system.system != shown {
                shown = system.system
                out += "\n## System prompt from here on\n\n"
                out += system.system.map { escaped($0) + "\n" } ?? "*(none)*\n"
            }
            out += "\n## \(message.ordinal). \(message.role.rawValue.capitalized)"
            if let model = message.model { out += " · \(model)" }
            out += " · \(timestamp(message.created))\n\n"
            if let reasoning = message.reasoningContent, !reasoning.isEmpty {
                out += "<details>\n<summary>Reasoning</summary>\n\n\(reasoning)\n\n</details>\n\n"
            }
            // Replies are Markdown; what a person typed is shown as typed.
            let body = message.role == .assistant ? message.content : escaped(message.content)
            out += message.content.isEmpty ? "*(no text)*\n" : "\(body)\n"
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

    public static func json(_ conversation: Conversation, messages: [StoredMessage], ledger: [LedgerEntry],
                            attachments: [Attachment] = [], documents: Bool = false) throws -> String {
        let usage = replyUsage(ledger)
        var exported = ExportConversation(conversation)
        exported.attachments = attachments.isEmpty ? nil
            : attachments.map { ExportAttachment(name: $0.name, hash: $0.hash, text: documents ? $0.text : nil) }
        let document = ExportDocument(
            conversation: exported,
            messages: messages.map { ExportMessage($0, entry: usage[$0.id]) },
            totals: StatsSummary.summarize(ledger))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    // MARK: - Text pieces

    static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    /// For each request that has a plan in the ledger: the question it was asked with (the
    /// user message before its reply) and its system prompt, in order.
    static func requestSystems(messages: [StoredMessage], usage: [MessageID: LedgerEntry]) -> [(question: MessageID, system: String?)] {
        var out: [(question: MessageID, system: String?)] = []
        for (index, message) in messages.enumerated() where message.role == .assistant {
            guard let plan = usage[message.id]?.plan,
                  let question = messages[..<index].last(where: { $0.role == .user }) else { continue }
            out.append((question.id, plan.system))
        }
        return out
    }

    /// Text a person typed, escaped so a Markdown reader shows it as typed: emphasis, code,
    /// links, HTML and table characters are backslash-escaped, a line start that would
    /// make a heading, quote, list or rule is too, leading spaces stay (as no-break
    /// spaces, so no code block starts), and every line break is kept.
    public static func escaped(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for (index, line) in lines.enumerated() {
            var result = ""
            var atStart = true
            var digits = ""
            for character in line {
                if atStart && character == " " {
                    result += "&nbsp;"
                    continue
                }
                if atStart && character.isASCII && character.isNumber {
                    digits.append(character)
                    continue
                }
                if atStart {
                    result += digits
                    if !digits.isEmpty && (character == "." || character == ")") {
                        result += "\\" + String(character)
                        digits = ""
                        atStart = false
                        continue
                    }
                    if digits.isEmpty && "#>-+=".contains(character) {
                        result += "\\" + String(character)
                        atStart = false
                        continue
                    }
                    digits = ""
                    atStart = false
                }
                if "\\`*_[]<>|~".contains(character) { result += "\\" }
                result.append(character)
            }
            result += digits
            // A hard line break, except before an empty line (a paragraph break) or at the end.
            let next = index + 1 < lines.count ? lines[index + 1] : nil
            if let next, !next.isEmpty, !result.isEmpty { result += "\\" }
            out.append(result)
        }
        return out.joined(separator: "\n")
    }

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
