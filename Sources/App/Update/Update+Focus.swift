import ChatCore
import Foundation
import TerminalUI

/// The message focus: Alt-Up (or Esc then Up) puts it on the last message; Up/Down (k/j)
/// move it; c copies the message, b its last code block, e edits it as a fork (your own
/// messages), r writes the reply again (the last one in place, an earlier one in a fork);
/// Esc, q or Enter give the keys back to the editor. Numbers are in every header (#N),
/// the same numbers `/edit N` and `/copy N` take.
extension AppLogic {
    /// Keys while the focus is on a message; nil hands the key back (the focus is left and
    /// the key handled as usual, so typing never goes nowhere).
    func handleFocusKey(_ state: inout AppState, _ event: KeyEvent) -> [Effect]? {
        let items = focusables(state)
        guard let focus = state.focus, let index = items.firstIndex(of: focus) else {
            state.focus = nil
            return nil
        }
        switch event {
        case .key(.up, []), .key(.up, [.alt]), .char("k", []):
            moveFocus(&state, to: max(0, index - 1))
            return []
        case .key(.down, []), .key(.down, [.alt]), .char("j", []):
            if index + 1 < items.count { moveFocus(&state, to: index + 1) } else { leaveFocus(&state) }
            return []
        case .key(.home, []), .char("g", []):
            moveFocus(&state, to: 0)
            return []
        case .key(.end, []), .char("G", []):
            moveFocus(&state, to: items.count - 1)
            return []
        default:
            break
        }
        if case .attachment(let position) = focus { return handleCardKey(&state, event, position: position) }
        guard let message = state.conversation.messages.first(where: { $0.id == focus }) else { return nil }
        switch event {
        case .key(.escape, []), .char("q", []), .key(.enter, []):
            leaveFocus(&state)
        case .key(.pageUp, _), .key(.pageDown, _), .mouse:
            state.scrollRequests.append(event)
        case .char("c", []):
            return copy(&state, "\(message.ordinal)")
        case .char("b", []):
            return copy(&state, "\(message.ordinal) code")
        case .char("e", []):
            guard message.role == .user else {
                info(&state, "e edits your own messages; r writes a reply again.")
                return []
            }
            let effects = run(named: "edit", &state, "\(message.ordinal)")
            if state.overlay != nil || state.editor.text == message.content { state.focus = nil }
            return effects
        case .char("r", []):
            return regenerateFrom(&state, message)
        case .char("n", []) where state.find != nil:
            stepFind(&state, by: -1)
        case .char("N", []) where state.find != nil:
            stepFind(&state, by: 1)
        default:
            leaveFocus(&state)
            return nil
        }
        return []
    }

    /// Keys on an attached document's card: Enter opens or folds it, c copies its text,
    /// d detaches it (after saying what that costs).
    private func handleCardKey(_ state: inout AppState, _ event: KeyEvent, position: Int) -> [Effect]? {
        guard state.conversation.attachments.indices.contains(position) else {
            state.focus = nil
            return nil
        }
        let attachment = state.conversation.attachments[position]
        switch event {
        case .key(.enter, []), .char(" ", []), .char("o", []):
            if state.openCards.remove(position) == nil { state.openCards.insert(position) }
            state.reveal = .attachment(position)
        case .key(.escape, []), .char("q", []):
            leaveFocus(&state)
        case .key(.pageUp, _), .key(.pageDown, _), .mouse:
            state.scrollRequests.append(event)
        case .char("c", []):
            return [.copy(attachment.text, what: TerminalSanitizer.clean(attachment.name))]
        case .char("d", []):
            return run(named: "detach", &state, "\(position + 1)")
        case .char("e", []), .char("r", []), .char("b", []):
            info(&state, "On a document: Enter opens or folds it, c copies its text, d detaches it.")
        default:
            leaveFocus(&state)
            return nil
        }
        return []
    }

    /// What the focus moves over, top to bottom: the attached documents' cards, then the
    /// messages.
    func focusables(_ state: AppState) -> [TranscriptID] {
        state.conversation.attachments.indices.map { TranscriptID.attachment($0) } + state.conversation.messages.map(\.id)
    }

    /// Alt-Up, or Esc then Up: the focus goes to the last message.
    func enterFocus(_ state: inout AppState) -> [Effect] {
        let items = focusables(state)
        guard !items.isEmpty else {
            info(&state, "No messages yet: the focus (Alt-Up) moves over messages once there are some.")
            return []
        }
        moveFocus(&state, to: items.count - 1)
        info(&state, "Message focus: ↑↓ move · c copy · b code block · e edit · r regenerate · Enter opens a document · Esc back to the editor.")
        return []
    }

    private func moveFocus(_ state: inout AppState, to index: Int) {
        let items = focusables(state)
        guard items.indices.contains(index) else { return }
        let id = items[index]
        state.focus = id
        state.reveal = id
    }

    func leaveFocus(_ state: inout AppState) {
        state.focus = nil
        state.find = nil
        state.notice = nil
        state.scrollToBottom = true
    }

    /// `/find TEXT`, Ctrl-F: the messages that contain TEXT (any case), the newest shown
    /// first with the focus on it; every match highlighted.
    func find(_ state: inout AppState, _ query: String) -> [Effect] {
        guard !query.isEmpty else {
            state.overlay = .command(commandLine(text: "/find ", state: state))
            return []
        }
        let needle = query.lowercased()
        let matches = state.conversation.messages.filter { message in
            message.content.lowercased().contains(needle)
        }.map(\.id)
        guard let last = matches.last else {
            state.find = nil
            info(&state, "No message in this conversation contains “\(query)”.")
            return []
        }
        state.find = FindState(query: query, matches: matches, index: matches.count - 1)
        state.focus = last
        state.reveal = last
        announceFind(&state)
        return []
    }

    func stepFind(_ state: inout AppState, by step: Int) {
        guard var find = state.find else { return }
        find.index = (find.index + step + find.matches.count) % find.matches.count
        state.find = find
        state.focus = find.matches[find.index]
        state.reveal = state.focus
        announceFind(&state)
    }

    private func announceFind(_ state: inout AppState) {
        guard let find = state.find else { return }
        info(&state, "“\(find.query)”: match \(find.index + 1) of \(find.matches.count) — n older, N newer, c copy, Esc ends.", seconds: 3_600)
    }

    /// r: the reply to `message` (itself, when it is a reply) written again: the last one
    /// in place (F5), an earlier one in a fork, after saying what the fork costs.
    func regenerateFrom(_ state: inout AppState, _ message: HistoryMessage) -> [Effect] {
        guard state.turn == nil else {
            info(&state, "Wait for the reply or press Esc to stop it.")
            return []
        }
        guard allSaved(&state, "regenerating") else { return [] }
        let messages = state.conversation.messages
        let reply = message.role == .assistant ? message
            : messages.first { $0.ordinal > message.ordinal && $0.role == .assistant }
        guard let reply, reply.id != messages.last?.id else {
            if message.id == messages.last?.id || reply?.id == messages.last?.id {
                state.focus = nil
                return regenerate(&state)
            }
            info(&state, "Message \(message.ordinal) has no reply to write again.")
            return []
        }
        state.pending = .regenerateFork(reply.id)
        state.overlay = .dialog(Dialog(
            title: "Write reply \(reply.ordinal) again in a fork?",
            message: "A new conversation keeps the \(reply.ordinal - 1) messages before it and asks for that reply again; "
                + "this conversation stays as it is. The fork's prompt is this conversation's up to that point, so it "
                + "starts from the cache this one filled.",
            buttons: ["Fork and regenerate", "Cancel"], focused: 1))
        return []
    }

    func regenerateInFork(_ state: inout AppState, reply id: TranscriptID) -> [Effect] {
        state.focus = nil
        guard allSaved(&state, "regenerating in a fork") else { return [] }
        guard let reply = state.conversation.messages.first(where: { $0.id == id }) else { return [] }
        if let record = state.conversation.record {
            return [.fork(record.id, atOrdinal: reply.ordinal, title: "\(record.title) (regenerated)", draft: "", regenerate: true)]
        }
        // Nothing saved: the in-memory conversation is cut back to before the reply.
        state.conversation.messages = state.conversation.messages.filter { $0.ordinal < reply.ordinal }
        state.exchange = nil
        state.scrollToBottom = true
        return startTurn(&state)
    }
}
