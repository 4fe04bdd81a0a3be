import ChatCore
import ChatWire
import Foundation
import Store
import TerminalUI

extension ChatApp {
    func openInitialConversation() {
        for problem in themes.problems { warn(problem) }
        if let latest = try? store?.listConversations(limit: 1).first {
            load(latest.conversation)
        } else {
            resetToNewConversation()
        }
    }

    /// Starts an empty conversation; it is created in the store with the first message.
    func newConversation() {
        resetToNewConversation()
        info("New conversation. The first message gives it its title.")
    }

    func resetToNewConversation() {
        state = ConversationState(pinned: state.pinned.filter { $0.role == .system })
        marks = [:]
        horizonMark = nil
        editor.history = []
        accounting.refreshTotals(state: state, store: store)
        accounting.updatePrediction(state: state, draft: editor.text)
        screen.transcriptView.scrollToBottom()
        needsRedraw = true
    }

    func load(_ conversation: Conversation) {
        guard let messages = try? store?.messages(in: conversation.id) else {
            fail("Could not read conversation \(conversation.id) from the history database.")
            return
        }
        state = ConversationState.restore(conversation, messages: messages) { [fewShots] name, version in
            fewShots?.archivedVersion(name: name, version: version)
        }
        if let name = conversation.fewShotSetName, state.fewShot == nil {
            warn("Few-shot set `\(name)` version \(conversation.fewShotVersion ?? "?") is gone; sending without it.")
        }
        session.model = conversation.model
        session.thinking = conversation.thinking
        marks = [:]
        horizonMark = nil
        editor.history = messages.filter { $0.role == .user }.map(\.content)
        accounting.replay(state: state, store: store)
        accounting.refreshTotals(state: state, store: store)
        accounting.updatePrediction(state: state, draft: editor.text)
        screen.transcriptView.scrollToBottom()
        needsRedraw = true
    }

    func openConversation(id text: String) {
        guard let value = Int64(text), let conversation = try? store?.conversation(ConversationID(value)) else {
            fail("Conversation \(text) no longer exists.")
            return
        }
        if turn != nil {
            info("Wait for the reply (or press Esc) before switching conversations.")
            return
        }
        load(conversation)
    }

    func openConversationList() {
        guard let store else {
            info("History is off (the database could not be opened), so there is no list.")
            return
        }
        let rows = (try? store.listConversations(limit: 500)) ?? []
        let items = rows.map { row in
            ListPanel.Item(id: String(row.conversation.id.rawValue), title: TerminalSanitizer.clean(row.conversation.title),
                           detail: "\(row.messageCount) msgs · \(Self.day(row.conversation.updated))")
        }
        listPurpose = .conversations
        var list = ListPanel(title: "Conversations — type to search, Enter open, ^D delete, ^R rename", items: items)
        if let current = state.conversation?.id, let index = items.firstIndex(where: { $0.id == String(current.rawValue) }) {
            for _ in 0..<index { _ = list.handle(.key(.down, [])) }
        }
        model.overlay = .list(list)
        needsRedraw = true
    }

    func askToDelete(conversationID text: String) {
        guard let value = Int64(text), let conversation = try? store?.conversation(ConversationID(value)) else { return }
        pendingAction = .deleteConversation(conversation.id)
        model.overlay = .dialog(Dialog(title: "Delete conversation?",
                                       message: "“\(TerminalSanitizer.clean(conversation.title))” and its messages will be deleted. Its requests stay in the ledger (they were paid for).",
                                       buttons: ["Delete", "Keep"], destructive: true))
        needsRedraw = true
    }

    func deleteConversation(_ id: ConversationID) {
        do {
            try store?.deleteConversation(id)
        } catch {
            fail("Could not delete: \(error)")
            return
        }
        if state.conversation?.id == id { resetToNewConversation() }
        info("Conversation deleted.")
    }

    func rename(_ id: ConversationID?, to title: String) {
        guard let id = id ?? state.conversation?.id else {
            info("Send a first message before naming the conversation.")
            return
        }
        do {
            try store?.renameConversation(id, to: title)
            if state.conversation?.id == id { state.conversation?.title = title }
            info("Renamed to “\(title)”.")
        } catch {
            fail("Could not rename: \(error)")
        }
    }

    /// Editing an earlier user message forks the conversation: first show what that costs.
    func askToEdit(ordinal: Int?) {
        let users = state.messages.filter { $0.role == .user }
        guard let target = ordinal.flatMap({ n in state.messages.first { $0.ordinal == n && $0.role == .user } }) ?? users.last else {
            info("There is no user message to edit.")
            return
        }
        let prefix = state.requestMessages.prefix { message in
            message.content != target.content || message.role != .user
        }
        let rendered = session.render(Array(prefix) + [.user("")], generationPrompt: false)
        let lost = max(0, (accounting.lastRequest?.hitTokens ?? 0) - rendered.ids.count)
        let price = session.prices.price(model: session.model, at: clock.now(), currency: session.currency)
        var costText = ""
        if let price {
            let extra = Double(lost) * (price.prices.cacheMiss - price.prices.cacheHit) / 1_000_000
            costText = " (about \(Formatting.money(extra, currency: session.currency)) more than a hit)"
        }
        pendingAction = .fork(target.id, text: target.content)
        model.overlay = .dialog(Dialog(
            title: "Edit message \(target.ordinal) as a fork?",
            message: "A new conversation keeps the \(target.ordinal - 1) messages before it. The cached prefix ends there: up to \(Formatting.grouped(lost)) tokens that were reused will miss on the next request\(costText). The original stays as it is.",
            buttons: ["Fork and edit", "Cancel"]))
        needsRedraw = true
    }

    func fork(at messageID: MessageID, text: String) {
        guard let message = state.messages.first(where: { $0.id == messageID }) else { return }
        if let store, let conversation = state.conversation {
            do {
                let forked = try store.forkConversation(conversation.id, atOrdinal: message.ordinal,
                                                        title: "\(conversation.title) (edit)")
                load(forked)
            } catch {
                fail("Could not fork: \(error)")
                return
            }
        } else {
            state.messages = Array(state.messages.prefix { $0.id != messageID })
        }
        editor.setText(text)
        accounting.updatePrediction(state: state, draft: text)
        info("Forked. Edit the message and press Enter to send it.")
    }

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
