import ChatCore
import ChatWire
import Foundation
import Store
import TerminalUI

extension ChatApp {
    static let commands: [CommandLineBar.Command] = [
        .init("model", "switch model: /model deepseek-v4-pro"),
        .init("fewshot", "few-shot sets: list, edit, new, use NAME [each]"),
        .init("thinking", "thinking mode: /thinking on|off"),
        .init("system", "set the system prompt (empty to clear)"),
        .init("theme", "switch theme: /theme light"),
        .init("export", "export this conversation: /export md|json [PATH]"),
        .init("stats", "totals of the request ledger"),
        .init("truncate", "plan a cache-friendly cut of old history (/truncate now: even below the limit)"),
        .init("new", "start a new conversation"),
        .init("rename", "rename this conversation: /rename TITLE"),
        .init("delete", "delete this conversation"),
        .init("regen", "regenerate the last reply"),
        .init("edit", "edit user message N as a fork: /edit [N]"),
        .init("copy", "copy the last reply, /copy N a message, /copy [N] code its last code block (OSC 52)"),
        .init("panel", "show or hide the cache panel"),
        .init("bare", "hide panel and marks for selecting text"),
        .init("help", "keys and commands"),
        .init("quit", "leave cachechat"),
    ]

    /// Runs a `/command` typed in the editor or the command line. The draft is cleared
    /// only when the command did something.
    func runCommand(_ line: String) {
        let body = line.drop { $0 == "/" }
        let name = String(body.prefix { $0 != " " })
        let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        var consumed = true
        switch name {
        case "model":
            if argument.isEmpty { info("Model: \(session.model). Use /model NAME.") } else { setModel(argument) }
        case "thinking":
            switch argument.lowercased() {
            case "on": setThinking(true)
            case "off": setThinking(false)
            default: info("Thinking is \(session.effectiveThinking ? "on" : "off"). Use /thinking on or /thinking off.")
            }
        case "system":
            setSystemPrompt(argument)
        case "theme":
            if argument.isEmpty {
                info("Themes: \(themes.names.joined(separator: ", ")) (now \(themeName)).")
            } else if !applyTheme(named: argument) {
                fail("No theme named `\(argument)`. Themes: \(themes.names.joined(separator: ", ")).")
                consumed = false
            } else {
                info("Theme: \(argument).")
            }
        case "fewshot":
            runFewShotCommand(argument)
        case "export":
            exportConversation(argument)
        case "stats":
            showStats()
        case "truncate":
            showTruncationPlan(force: argument == "now")
        case "new":
            newConversation()
        case "rename":
            let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2, let id = Int64(parts[0]), (try? store?.conversation(ConversationID(id))) != nil {
                rename(ConversationID(id), to: parts[1])
            } else if !argument.isEmpty {
                rename(nil, to: argument)
            } else {
                info("Use /rename TITLE.")
                consumed = false
            }
        case "delete":
            if let id = state.conversation?.id { askToDelete(conversationID: String(id.rawValue)) }
        case "regen", "regenerate":
            regenerate()
        case "edit":
            askToEdit(ordinal: Int(argument))
        case "copy":
            let words = argument.split(separator: " ").map(String.init)
            copyLast(code: words.contains("code"), ordinal: words.compactMap { Int($0) }.first)
        case "panel":
            panelVisible.toggle()
        case "bare":
            bare.toggle()
        case "help":
            model.overlay = .help(Self.help)
        case "quit", "q", "exit":
            requestQuit()
        case "crash-test" where crashTestEnabled:
            // Tests only (CACHECHAT_TEST_TRAP=1): a Swift runtime trap, to check that the
            // terminal is restored and nothing secret is printed when the program crashes.
            fatalError("cachechat: deliberate crash for tests (/crash-test with CACHECHAT_TEST_TRAP=1)")
        default:
            fail("Unknown command /\(name). Type / and Tab to see the commands.")
            consumed = false
        }
        if consumed && editor.text.hasPrefix("/") {
            editor.setText("")
            accounting.updatePrediction(state: state, draft: "")
        }
        needsRedraw = true
    }

    func setModel(_ name: String) {
        session.model = name
        if var conversation = state.conversation {
            conversation.model = name
            try? store?.updateConversation(conversation)
            state.conversation = conversation
        }
        let known = session.prices.price(model: name, at: clock.now(), currency: session.currency) != nil
        info("Model: \(name)." + (known ? "" : " No price is known for it: token counts are shown without cost."))
        accounting.updatePrediction(state: state, draft: editor.text)
    }

    func setThinking(_ on: Bool) {
        session.thinking = on
        if var conversation = state.conversation {
            conversation.thinking = on
            try? store?.updateConversation(conversation)
            state.conversation = conversation
        }
        info("Thinking \(on ? "on" : "off"). In thinking mode the reusable prefix ends near the last user message.")
        accounting.updatePrediction(state: state, draft: editor.text)
    }

    func setSystemPrompt(_ text: String) {
        let hadHistory = !state.messages.isEmpty
        state.pinned.removeAll { $0.role == .system }
        if !text.isEmpty { state.pinned.insert(.system(text), at: 0) }
        if var conversation = state.conversation {
            conversation.systemPrompt = text.isEmpty ? nil : text
            try? store?.updateConversation(conversation)
            state.conversation = conversation
        }
        accounting.updatePrediction(state: state, draft: editor.text)
        if hadHistory {
            accounting.setWarning("System prompt changed: the next request misses the whole prefix.")
            warn("System prompt changed. It starts the prompt, so the next request misses the cache entirely.")
        } else {
            info(text.isEmpty ? "System prompt cleared." : "System prompt set.")
        }
    }

    func exportConversation(_ argument: String) {
        let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
        let format: HistoryExportFormat = parts.first == "json" ? .json : .markdown
        guard let store, let id = state.conversation?.id else {
            info("Nothing to export yet.")
            return
        }
        let path = parts.count > 1 ? parts[1]
            : FileManager.default.currentDirectoryPath + "/cachechat-\(id).\(format == .json ? "json" : "md")"
        do {
            try store.export(id, format: format).write(toFile: path, atomically: true, encoding: .utf8)
            info("Exported to \(path).")
        } catch {
            fail("Could not export to \(path): \(error)")
        }
    }

    func showStats() {
        guard let summary = try? store?.stats() else {
            info("No ledger: history is off.")
            return
        }
        let cost = summary.cost(in: session.currency.rawValue)
        let text = "All time: \(summary.requests) requests, \(Formatting.grouped(summary.hitTokens)) hit / \(Formatting.grouped(summary.missTokens)) miss"
            + (summary.hitRatio.map { " (\(Formatting.percent($0)))" } ?? "")
            + ", \(Formatting.grouped(summary.completionTokens)) output"
            + (cost.map { ", cost \(Formatting.money($0.cost, currency: session.currency)), saved \(Formatting.money($0.saved, currency: session.currency))" } ?? "")
            + (summary.prediction.exactShare.map { share in
                ". Hit predictions: \(Formatting.percent(share)) exact over \(summary.prediction.requests) requests, mean error \(Int((summary.prediction.meanAbsoluteError ?? 0).rounded())) tokens"
            } ?? "")
        model.overlay = .dialog(Dialog(title: "Statistics", message: text + ". `cachechat stats --by day` has more.", buttons: ["OK"]))
    }

    /// The context window used for truncation: `contextLimit` when set (tests, demos,
    /// CACHECHAT_CONTEXT_LIMIT), else the model's from `ContextLimits`.
    var truncationPolicy: TruncationPolicy {
        TruncationPolicy(contextLimit: contextLimit ?? ContextLimits.builtIn.limit(forModel: session.model))
    }

    /// `/truncate`: when the conversation nears the window, offer one large cut that keeps
    /// the pinned prefix, with the predicted miss cost against a sliding window and against
    /// summarising everything over the next 20 turns.
    func showTruncationPlan(force: Bool = false) {
        let policy = truncationPolicy
        let draft = editor.text.isEmpty ? " " : editor.text
        guard let (range, plan) = state.blockCut(adding: draft, policy: force ? TruncationPolicy(contextLimit: 1, triggerFraction: 0, targetFraction: 0.5) : policy,
                                                 render: { self.session.render($0) }) else {
            let tokens = session.render(state.requestMessages(adding: draft)).ids.count
            info("The prompt is \(Formatting.grouped(tokens)) of \(Formatting.grouped(policy.contextLimit)) tokens: no cut needed until \(Formatting.grouped(policy.triggerTokens)).")
            return
        }
        let comparison = truncationComparison(policy: policy)
        pendingAction = .truncate(ordinal: state.messages[range.upperBound - 1].ordinal + 1)
        model.overlay = .dialog(Dialog(
            title: "Cut old history once?",
            message: "Drop \(plan.droppedTurns) oldest turn(s) (\(Formatting.grouped(plan.tokensBefore - plan.tokensAfter)) tokens), keeping the system prompt"
                + (state.fewShot == nil ? "" : " and the few-shot set") + ": \(Formatting.grouped(plan.tokensBefore)) → \(Formatting.grouped(plan.tokensAfter)) tokens. "
                + "The next request misses the kept history once; the new prefix then stays cached. " + comparison
                + " Messages stay in the transcript and the history.",
            buttons: ["Cut", "Cancel"]))
    }

    /// Predicted miss tokens and cost of the next 20 turns: block cut, sliding window, summary.
    func truncationComparison(policy: TruncationPolicy) -> String {
        let rendered = session.render(state.requestMessages)
        let pinnedTokens = rendered.spans.filter { !$0.isGenerationPrompt && $0.messageIndex < state.pinned.count }.reduce(0) { $0 + $1.tokenCount }
        var turns: [TruncationSimulation.Turn] = []
        var pendingUser = 0
        for span in rendered.spans where !span.isGenerationPrompt && span.messageIndex >= state.pinned.count {
            let message = state.requestMessages[span.messageIndex]
            if message.role == .user { pendingUser = span.tokenCount } else {
                turns.append(TruncationSimulation.Turn(prompt: pendingUser, reply: span.tokenCount))
                pendingUser = 0
            }
        }
        guard !turns.isEmpty else { return "" }
        let average = TruncationSimulation.Turn(prompt: turns.map(\.prompt).reduce(0, +) / turns.count,
                                                reply: turns.map(\.reply).reduce(0, +) / turns.count)
        let simulation = TruncationSimulation(pinnedTokens: pinnedTokens, history: turns, policy: policy)
        let next = Array(repeating: average, count: 20)
        let block = simulation.run(.blockCut, next: next)
        let sliding = simulation.run(.slidingWindow, next: next)
        let summary = simulation.run(.summarise(summaryTokens: 300), next: next)
        guard let price = session.prices.price(model: session.model, at: clock.now(), currency: session.currency)?.prices else {
            return "Next 20 turns: \(Formatting.grouped(block.missTokens)) missed tokens vs \(Formatting.grouped(sliding.missTokens)) with a sliding window."
        }
        let money = { (value: Double) in Formatting.money(value, currency: self.session.currency) }
        return "Next 20 turns: block cut \(Formatting.grouped(block.missTokens)) missed tokens (\(money(block.cost(price)))), "
            + "sliding window \(Formatting.grouped(sliding.missTokens)) (\(money(sliding.cost(price)))), "
            + "summarise everything \(Formatting.grouped(summary.missTokens)) (\(money(summary.cost(price))))."
    }

    /// Applies a confirmed cut: requests start at `ordinal` from now on (saved with the conversation).
    func applyCut(ordinal: Int) {
        if var conversation = state.conversation {
            conversation.historyStart = ordinal
            do {
                try store?.updateConversation(conversation)
            } catch {
                fail("Could not save the cut: \(error)")
                return
            }
            state.conversation = conversation
        } else {
            state.cutOrdinal = ordinal
        }
        accounting.updatePrediction(state: state, draft: editor.text)
        info("History cut: requests now start at message \(ordinal). Expect one miss, then hits on the new prefix.")
    }

    /// Copies with OSC 52, which terminals (and tmux with set-clipboard on) forward to the clipboard.
    func copyLast(code: Bool, ordinal: Int? = nil) {
        let source = ordinal.map { n in state.messages.first { $0.ordinal == n } } ?? state.messages.last(where: { $0.role == .assistant })
        guard let reply = source?.content, !reply.isEmpty else {
            info(ordinal.map { "There is no message \($0) to copy." } ?? "There is no reply to copy.")
            return
        }
        var text = reply
        if code {
            guard let block = Self.lastCodeBlock(in: reply) else {
                info("The last reply has no code block.")
                return
            }
            text = block
        }
        let encoded = Data(text.utf8).base64EncodedString()
        device.writeControl("\u{1B}]52;c;\(encoded)\u{07}")
        info("Copied \(text.count) characters\(code ? " of code" : "") (OSC 52).")
    }

    static func lastCodeBlock(in text: String) -> String? {
        let lines = text.components(separatedBy: "\n")
        var blocks: [[String]] = []
        var current: [String]? = nil
        for line in lines {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                if let block = current { blocks.append(block); current = nil } else { current = [] }
            } else if current != nil {
                current!.append(line)
            }
        }
        if let current { blocks.append(current) }
        return blocks.last.map { $0.joined(separator: "\n") }
    }
}
