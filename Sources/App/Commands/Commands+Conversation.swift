import ChatCore
import ChatWire
import Foundation
import TerminalUI

extension AppLogic {
    // MARK: - Conversations

    /// A fresh conversation with this one's model, thinking mode and pinned prefix (the
    /// system prompt, or the whole few-shot set in the same mode). Created in the history
    /// with its first message.
    func newConversation(_ state: inout AppState) -> [Effect] {
        stashDraft(&state)
        let old = state.conversation
        state.conversation = ConversationState(model: old.model, thinking: old.thinking, reasoningEffort: old.reasoningEffort,
                                               systemPrompt: old.systemPrompt, fewShot: old.fewShot, fewShotMode: old.fewShotMode,
                                               attachments: old.attachments)
        restoreDraft(&state)
        resetConversationView(&state)
        info(&state, "New conversation. The first message gives it its title."
             + (old.fewShot.map { " Few-shot set `\($0.name)` stays pinned; /fewshot off drops it." } ?? "")
             + (old.attachments.isEmpty ? "" : " Attached documents stay (the same bytes hit the cache); /detach drops one."))
        return [.refreshTotals(nil)]
    }

    /// Everything that belonged to the previous conversation goes.
    func resetConversationView(_ state: inout AppState) {
        state.exchange = nil
        state.openCards = []
        state.keptCopies = [:]
        state.answerNotes = [:]
        state.draft = nil
        state.editor.history = state.conversation.messages.filter { $0.role == .user }.map(\.content)
        state.totals.conversation = StatsSummary()
        state.totals.recent = []
        state.totals.unsavedHere = []
        repredict(&state)
    }

    func openConversationList(_ state: inout AppState) -> [Effect] {
        [.listConversations]
    }

    /// How many conversations the list shows.
    public static let conversationListLimit = 500
    /// How many a search shows: each needs a snippet, and a longer list is narrowed by
    /// typing another word.
    public static let conversationSearchLimit = 200

    func showConversationList(_ state: inout AppState, _ rows: [ConversationSummary]) {
        let items = conversationItems(rows.map(ConversationMatch.init(listed:)))
        state.listPurpose = .conversations
        state.listSearchDue = nil
        var list = ListPanel(title: "Conversations — type to search titles and messages, Enter open, ^D delete, ^R rename",
                             items: items)
        list.filtersLocally = false
        if let current = state.conversation.id, let index = items.firstIndex(where: { $0.id == String(current.rawValue) }) {
            for _ in 0..<index { _ = list.handle(.key(.down, [])) }
        }
        state.overlay = .list(list)
    }

    /// The list's rows: the title (its matching words marked), size and last activity,
    /// and under it the first matching message in context ("#3 assistant: …words…").
    func conversationItems(_ matches: [ConversationMatch]) -> [ListPanel.Item] {
        matches.map { match in
            let title = match.title.sanitized()
            var context = ""
            var contextMarks: [Range<Int>] = []
            if let message = match.message {
                let snippet = message.snippet.sanitized()
                let label = "#\(message.ordinal) \(message.inReasoning ? "reasoning" : message.role.rawValue): "
                context = label + snippet.text
                contextMarks = snippet.matches.map { ($0.lowerBound + label.count)..<($0.upperBound + label.count) }
                if match.matchingMessages > 1 { context += "  (+\(match.matchingMessages - 1) more)" }
            }
            return ListPanel.Item(id: String(match.conversation.id.rawValue), title: title.text,
                                  detail: "\(match.summary.messageCount) msgs · \(day(match.conversation.updated))",
                                  titleMarks: title.matches, context: context, contextMarks: contextMarks)
        }
    }

    func renameCurrent(_ state: inout AppState, _ title: String) -> [Effect] {
        guard !title.isEmpty else {
            info(&state, "Use /rename TITLE.")
            return []
        }
        guard let id = state.renameTarget ?? state.conversation.id else {
            info(&state, "Send a first message before naming the conversation.")
            return []
        }
        // A title is one line of text: line breaks, tabs and controls become spaces.
        let clean = String(String.UnicodeScalarView(title.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        guard !clean.isEmpty else {
            info(&state, "Use /rename TITLE.")
            return []
        }
        return [.rename(id, clean)]
    }

    func askToDeleteCurrent(_ state: inout AppState) -> [Effect] {
        guard let record = state.conversation.record else {
            info(&state, "Nothing to delete: this conversation has not been saved.")
            return []
        }
        askToDelete(&state, record)
        return []
    }

    func askToDelete(_ state: inout AppState, _ record: Conversation) {
        state.pending = .deleteConversation(record.id)
        state.overlay = .dialog(Dialog(
            title: "Delete conversation?",
            message: "“\(TerminalSanitizer.clean(record.title))” and its messages will be deleted. Its requests stay in the ledger (they were paid for).",
            buttons: ["Delete", "Keep"], focused: 1, destructive: true))
    }

    func export(_ state: inout AppState, _ argument: String) -> [Effect] {
        // `--documents` (anywhere) includes the attached documents' whole text.
        let documents = argument.split(separator: " ").contains("--documents")
        let argument = argument.split(separator: " ", omittingEmptySubsequences: false).filter { $0 != "--documents" }
            .joined(separator: " ").trimmingCharacters(in: .whitespaces)
        let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
        guard let id = state.conversation.id else {
            info(&state, "Nothing to export yet.")
            return []
        }
        var format: HistoryExportFormat
        var path: String?
        switch parts.first {
        case nil, "md", "markdown":
            format = .markdown
            path = parts.count > 1 ? Self.unescapedPath(parts[1]) : nil
        case "json":
            format = .json
            path = parts.count > 1 ? Self.unescapedPath(parts[1]) : nil
        case let word? where word.contains("/") || word.contains(".") || word.hasPrefix("~"):
            // `/export PATH`: the format follows the file's extension (Markdown otherwise).
            path = Self.unescapedPath(argument)
            format = argument.lowercased().hasSuffix(".json") ? .json : .markdown
        default:
            fail(&state, "Unknown export format `\(parts[0])`: use /export [md|json] [PATH] (a file or a folder).")
            return []
        }
        let title = state.conversation.record?.title ?? "conversation"
        let name = Self.exportName(title: title, id: id) + (format == .json ? ".json" : ".md")
        return [.export(id, format, path: path, name: name, replace: false, documents: documents)]
    }

    /// A path typed with escaped spaces (as Tab completes them) or plain ones.
    static func unescapedPath(_ text: String) -> String {
        text.replacingOccurrences(of: "\\ ", with: " ")
    }

    /// "why-are-cache-hits-cheaper-12": the title in lower-case words, safe in any file
    /// system, at most 60 characters, then the conversation's id (titles repeat).
    static func exportName(title: String, id: ConversationID) -> String {
        var slug = ""
        for scalar in title.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.value < 0x3000 || scalar.properties.isIdeographic {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty && !slug.hasSuffix("-") {
                slug += "-"
            }
            if slug.count >= 60 { break }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return (slug.isEmpty ? "conversation" : slug) + "-\(id.rawValue)"
    }

    // MARK: - Messages

    /// `/copy [N] [code]`: message N (as numbered in the transcript) or the last reply, or
    /// the last code block in it.
    func copy(_ state: inout AppState, _ argument: String) -> [Effect] {
        var ordinal: Int?
        var code = false
        for word in argument.split(separator: " ") {
            if word == "code" {
                code = true
            } else if let number = Int(word) {
                ordinal = number
            } else {
                fail(&state, "/copy takes a message number and/or `code`, not “\(word)”: /copy, /copy 3, /copy code, /copy 3 code.")
                return []
            }
        }
        let source: HistoryMessage?
        if let ordinal {
            source = state.conversation.messages.first { $0.ordinal == ordinal }
            guard source != nil else {
                let count = state.conversation.messages.count
                fail(&state, count == 0 ? "There are no messages to copy yet." : "There is no message \(ordinal): messages are numbered 1 to \(state.conversation.messages.last?.ordinal ?? count).")
                return []
            }
        } else {
            source = state.conversation.messages.last { $0.role == .assistant && !$0.content.isEmpty }
        }
        guard let text = source?.content, !text.isEmpty else {
            info(&state, ordinal == nil ? "There is no reply to copy." : "Message \(ordinal!) is empty.")
            return []
        }
        if code {
            guard let block = Self.lastCodeBlock(in: text) else {
                info(&state, ordinal.map { "Message \($0) has no code block." } ?? "The last reply has no code block.")
                return []
            }
            return [.copy(block, what: "code")]
        }
        return [.copy(text, what: ordinal.map { "message \($0)" } ?? "the last reply")]
    }

    static func lastCodeBlock(in text: String) -> String? {
        var blocks: [[String]] = []
        var current: [String]?
        for line in text.components(separatedBy: "\n") {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                if let block = current { blocks.append(block); current = nil } else { current = [] }
            } else if current != nil {
                current!.append(line)
            }
        }
        if let current { blocks.append(current) }
        return blocks.last.map { $0.joined(separator: "\n") }
    }

    /// `/edit [N]`: editing an earlier user message forks the conversation; first say what
    /// that costs in cache.
    func askToEdit(_ state: inout AppState, _ argument: String) -> [Effect] {
        guard allSaved(&state, "/edit") else { return [] }
        let messages = state.conversation.messages
        let target: HistoryMessage
        if argument.isEmpty {
            guard let last = messages.last(where: { $0.role == .user }) else {
                info(&state, "There is no message of yours to edit yet.")
                return []
            }
            target = last
        } else {
            guard let number = Int(argument) else {
                fail(&state, "/edit takes a message number (as shown in the transcript), not “\(argument)”.")
                return []
            }
            guard let found = messages.first(where: { $0.ordinal == number }) else {
                fail(&state, messages.isEmpty ? "There are no messages yet."
                    : "There is no message \(number): messages are numbered \(messages.first!.ordinal) to \(messages.last!.ordinal).")
                return []
            }
            guard found.role == .user else {
                fail(&state, "Message \(number) is a reply; /edit edits your own messages (regenerate a reply with F5).")
                return []
            }
            target = found
        }
        // The fork keeps what comes before the message: cached tokens after it are lost.
        var lost = 0
        if let exchange = state.exchange {
            // What the cache holds beyond the fork point: the fork's prompt stops there.
            let held = cachedNow(state)
            if let index = exchange.plan.index(of: target.id), let span = exchange.plan.prompt.span(ofMessage: index) {
                lost = max(0, held - span.start)
            } else {
                lost = held  // the message was not in the last request (before a history cut)
            }
        }
        var costText = ""
        if let price = environment.prices.price(model: state.conversation.model, at: clock.now(), currency: environment.currency) {
            let extra = Double(lost) * (price.prices.cacheMiss - price.prices.cacheHit) / 1_000_000
            costText = " (about \(Formatting.money(extra, currency: environment.currency)) more than a hit)"
        }
        state.pending = .fork(target.id)
        state.overlay = .dialog(Dialog(
            title: "Edit message \(target.ordinal) as a fork?",
            message: "A new conversation keeps the \(target.ordinal - 1) messages before it, and the original stays as it is. "
                + (state.conversation.historyStart > 1 && state.conversation.historyStart < target.ordinal
                    ? "The history cut stays: its requests start at message \(state.conversation.historyStart). " : "")
                + "Up to \(Formatting.grouped(lost)) cached tokens after that point will miss on the next request\(costText).",
            buttons: ["Fork and edit", "Cancel"]))
        return []
    }

    func fork(_ state: inout AppState, at id: TranscriptID) -> [Effect] {
        guard let message = state.conversation.messages.first(where: { $0.id == id }) else { return [] }
        if let record = state.conversation.record {
            return [.fork(record.id, atOrdinal: message.ordinal, title: "\(record.title) (edit)", draft: message.content)]
        }
        state.conversation.messages = state.conversation.messages.filter { $0.ordinal < message.ordinal }
        state.exchange = nil
        state.editor.setText(message.content)
        info(&state, "Forked. Edit the message and press Enter to send it.")
        repredict(&state)
        return []
    }

    // MARK: - Quitting

    func requestQuit(_ state: inout AppState) -> [Effect] {
        // A reply already being stopped (Esc and Ctrl-Q typed at once) needs no question.
        if let batch = state.batch, !batch.stopping {
            state.pending = .quit
            state.overlay = .dialog(Dialog(title: "Quit?", message: "/each is still answering. Stop it, keep the parts received, and quit?",
                                           buttons: ["Quit", "Stay"]))
            return []
        }
        if let turn = state.turn, !turn.stopping {
            state.pending = .quit
            let unsaved = state.unsavedSaves.isEmpty ? ""
                : " \(state.unsavedSaves.count) message\(state.unsavedSaves.count == 1 ? "" : "s") the history refused would be lost."
            state.overlay = .dialog(Dialog(title: "Quit?", message: "A reply is still streaming. Stop it, keep the part received, and quit?"
                                                                + unsaved,
                                           buttons: ["Quit", "Stay"], focused: unsaved.isEmpty ? 0 : 1, destructive: !unsaved.isEmpty))
            return []
        }
        // Messages the history refused (a full disk) exist only in this process.
        if !state.unsavedSaves.isEmpty {
            state.pending = .quit
            state.overlay = .dialog(unsavedQuitDialog(state))
            return []
        }
        return quitNow(&state)
    }

    /// "Quit without saving?": what quitting now would lose, opened on Stay.
    func unsavedQuitDialog(_ state: AppState) -> Dialog {
        let count = state.unsavedSaves.count
        return Dialog(
            title: "Quit without saving?",
            message: "\(count == 1 ? "A message is" : "\(count) messages are") kept in memory only: the history refused "
                + "\(count == 1 ? "it" : "them"). Quitting loses \(count == 1 ? "it" : "them"). "
                + "Stay to /save again once there is room, or /export the conversation elsewhere.",
            buttons: ["Quit", "Stay"], focused: 1, destructive: true)
    }

    /// Stops a reply in flight (kept, marked stopped) and leaves.
    func quitNow(_ state: inout AppState) -> [Effect] {
        state.isFinished = true
        // `/each` questions not sent yet are kept as the draft.
        let unsent = state.batch?.entries.filter { $0.phase == .waiting }.map(\.question) ?? []
        if !unsent.isEmpty { restoreSend(&state, .each(unsent)) }
        let draft = state.editor.text
        stashDraft(&state)
        if !draft.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            state.farewell = "Your unsent draft (\(Formatting.grouped(draft.count)) characters) is kept: it is back in the editor "
                + (state.conversation.id == nil ? "with your next new conversation (Ctrl-N, or at start when there is no other)."
                                                : "when you open this conversation again.")
        }
        let batchTokens = state.batch?.entries.compactMap { $0.phase == .running ? $0.turn?.token : nil } ?? []
        return (state.turn.map { [.cancel(token: $0.token)] } ?? []) + batchTokens.map { .cancel(token: $0) }
            + [.saveRemembered(rememberedToSave(state))]
    }

    /// The editor's text is this conversation's draft: kept (in memory, and on disk at
    /// the next save) when the conversation is left.
    func stashDraft(_ state: inout AppState) {
        // An empty editor keeps nothing and removes nothing: a draft shown in the editor was
        // taken out of the kept ones when it was restored, and one not shown yet (a new
        // conversation's, at start) must stay.
        let key = RememberedState.draftKey(state.conversation.id)
        if !state.editor.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            state.remembered.drafts[key] = state.editor.text
        }
    }

    /// What state.json gets now: the kept state with the editor's text as the open
    /// conversation's draft. Restoring a draft takes it out of the kept ones, so a save
    /// during the session (a balance reading, a theme) without it would leave the draft only
    /// in memory, and a crash after that would lose it; the next save (at the latest on
    /// quitting) replaces it, so a draft sent meanwhile does not come back.
    func rememberedToSave(_ state: AppState) -> RememberedState {
        var remembered = state.remembered
        if !state.editor.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            remembered.drafts[RememberedState.draftKey(state.conversation.id)] = state.editor.text
        }
        return remembered
    }

    /// The editor shows the draft kept for the conversation now open.
    func restoreDraft(_ state: inout AppState) {
        let key = RememberedState.draftKey(state.conversation.id)
        state.editor.setText(state.remembered.drafts[key] ?? "")
        // It lives in the editor now; leaving the conversation (or quitting) keeps it again.
        state.remembered.drafts[key] = nil
        draftChanged(&state)
    }

    /// "2026-12-05 14:02" in the environment's time zone.
    func day(_ date: Date) -> String { environment.localZone.parts(of: date).dateAndTime }
}
