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
        .init("truncate", "plan a cache-friendly cut of old history"),
        .init("new", "start a new conversation"),
        .init("rename", "rename this conversation: /rename TITLE"),
        .init("delete", "delete this conversation"),
        .init("regen", "regenerate the last reply"),
        .init("edit", "edit user message N as a fork: /edit [N]"),
        .init("copy", "copy the last reply (or /copy code) with OSC 52"),
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
            showTruncationPlan()
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
            copyLast(code: argument == "code")
        case "panel":
            panelVisible.toggle()
        case "bare":
            bare.toggle()
        case "help":
            model.overlay = .help(Self.help)
        case "quit", "q", "exit":
            requestQuit()
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
        model.overlay = .dialog(Dialog(title: "Statistics", message: text + ". `cachechat stats --by day` has more.", buttons: ["OK"]))
    }

    func showTruncationPlan() {
        info("History truncation planning arrives with the ledger's truncation policy.")
    }

    /// Copies with OSC 52, which terminals (and tmux with set-clipboard on) forward to the clipboard.
    func copyLast(code: Bool) {
        guard let reply = state.messages.last(where: { $0.role == .assistant })?.content, !reply.isEmpty else {
            info("There is no reply to copy.")
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
