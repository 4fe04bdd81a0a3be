import ChatCore
import Foundation
import TerminalUI

extension AppLogic {
    /// Routes one key: the few-shot editor or the open overlay first, then the keys bound
    /// to commands, then the transcript's scrolling keys, then the editor.
    func handleKey(_ state: inout AppState, _ event: KeyEvent) -> [Effect] {
        // Ctrl-R's rename target lives as long as its command line: once that is gone (sent,
        // cancelled, or replaced by a dialog), a /rename names the open conversation again.
        if case .command? = state.overlay {} else { state.renameTarget = nil }
        if state.fewShotEditor != nil, state.overlay == nil {
            if case .char("q", [.ctrl]) = event { return requestQuit(&state) }
            return handleFewShotEditor(&state, event)
        }
        if state.overlay != nil { return handleOverlay(&state, event) }
        let armed = state.escapeArmed
        state.escapeArmed = false
        let ctrlX = state.ctrlXArmed
        state.ctrlXArmed = false
        if ctrlX, case .char("e", [.ctrl]) = event { return [.editInEditor(state.editor.text)] }
        if state.focus != nil, let effects = handleFocusKey(&state, event) { return effects }
        switch event {
        case .key(.up, [.alt]):
            return enterFocus(&state)
        case .key(.up, []) where armed:
            return enterFocus(&state)
        case .char("x", [.ctrl]):
            state.ctrlXArmed = true
            return []
        case .char("z", [.ctrl]):
            return [.suspendProgram]
        case .key(.escape, []):
            if state.turn != nil { return stop(&state) }
            if state.batch != nil { return stopBatch(&state) }
            state.notice = nil
            state.escapeArmed = true
            return []
        case .char("c", [.ctrl]):
            if state.turn != nil { return stop(&state) }
            if state.batch != nil { return stopBatch(&state) }
            info(&state, "Ctrl-Q quits (Ctrl-D on an empty line too). Esc stops a reply.")
            return []
        case .char("d", [.ctrl]) where state.editor.isEmpty:
            return requestQuit(&state)
        case .char("/", []) where state.editor.isEmpty:
            state.overlay = .command(commandLine(state: state))
            return []
        case .mouse, .key(.pageUp, _), .key(.pageDown, _), .key(.up, [.shift]), .key(.down, [.shift]),
             .key(.home, [.ctrl]), .key(.end, [.ctrl]):
            state.scrollRequests.append(event)
            return []
        default:
            break
        }
        for command in Self.commands {
            if let binding = command.keys.first(where: { $0.matches(event) }) {
                return run(command, &state, binding.argument)
            }
        }
        if case .key(.tab, []) = event, let effects = completeMention(&state) { return effects }
        let result = state.editor.handle(event)
        if result == .ignored, let plain = event.withoutAlt {
            // Esc then a key typed at once reads as Alt-key. Bound to nothing, it is what
            // was typed: the Esc (which stops a reply) and then the key.
            return handleKey(&state, .key(.escape, [])) + handleKey(&state, plain)
        }
        var effects: [Effect] = []
        if result.contains(.submit) { effects += submit(&state) }
        if result.contains(.textChanged) { draftChanged(&state) }
        return effects
    }

    private func handleOverlay(_ state: inout AppState, _ event: KeyEvent) -> [Effect] {
        guard let overlay = state.overlay else { return [] }
        if case .char("q", [.ctrl]) = event, state.pending != .quit {
            // Ctrl-Q quits from anywhere: whatever the overlay was asking is left undone.
            state.overlay = nil
            state.pending = nil
            return requestQuit(&state)
        }
        // Esc then a key typed at once reads as Alt-key; overlays bind no Alt keys, so it
        // is the Esc that closes them followed by the key.
        if let plain = event.withoutAlt {
            return handleOverlay(&state, .key(.escape, [])) + handleKey(&state, plain)
        }
        switch overlay {
        case .help(var help):
            if case .char(_, let modifiers) = event, modifiers.isSubset(of: [.shift]) {
                // Typing goes to the editor: help closes and nothing typed is lost.
                state.overlay = nil
                return handleKey(&state, event)
            }
            help.screen = state.view.screenSize
            let result = help.handle(event)
            state.overlay = result.contains(.cancel) ? nil : .help(help)
        case .dialog(var dialog):
            let result = dialog.handle(event)
            if result.contains(.confirm) {
                state.overlay = nil
                return confirmPending(&state, choice: dialog.focused, dialog: dialog)
            } else if result.contains(.cancel) {
                state.overlay = nil
                if case .changedAttachments(_, let send)? = state.pending { restoreSend(&state, send) }
                if case .attachMentions(_, _, let send)? = state.pending { restoreSend(&state, send) }
                if case .confirmSend(.each(let questions))? = state.pending { restoreSend(&state, .each(questions)) }
                state.pending = nil
            } else {
                state.overlay = .dialog(dialog)
            }
        case .list(var list):
            if state.listPurpose == .models {
                let result = list.handle(event)
                if result.contains(.confirm), let item = list.selectedItem {
                    state.overlay = nil
                    guard isIdle(&state) else { return [] }
                    return setModel(&state, item.id)
                }
                state.overlay = result.contains(.cancel) ? nil : .list(list)
                return []
            }
            if state.listPurpose == .fewShots {
                if let item = list.selectedItem, let effects = handleFewShotListKey(&state, event, item: item) { return effects }
                let result = list.handle(event)
                if result.contains(.confirm), let item = list.selectedItem {
                    state.overlay = nil
                    return [.editFewShot(item.id)]
                }
                state.overlay = result.contains(.cancel) ? nil : .list(list)
                return []
            }
            switch event {
            case .key(.delete, _), .char("d", [.ctrl]):
                if let item = list.selectedItem, let id = Int64(item.id) {
                    state.pending = .deleteConversation(ConversationID(id))
                    state.overlay = .dialog(Dialog(title: "Delete conversation?",
                                                   message: "“\(item.title)” and its messages will be deleted. Its requests stay in the ledger (they were paid for).",
                                                   buttons: ["Delete", "Keep"], focused: 1, destructive: true))
                }
                return []
            case .char("r", [.ctrl]):
                // The selected conversation, open or not: its title to edit on the command line.
                if let item = list.selectedItem, let id = Int64(item.id) {
                    state.renameTarget = ConversationID(id)
                    state.overlay = .command(commandLine(text: "/rename " + item.title, state: state))
                }
                return []
            default:
                break
            }
            let filter = list.filter
            let result = list.handle(event)
            if result.contains(.confirm), let item = list.selectedItem, let id = Int64(item.id) {
                state.overlay = nil
                return requireIdle(&state) { [.openConversation(ConversationID(id))] }
            }
            state.overlay = result.contains(.cancel) ? nil : .list(list)
            // Typing searches titles and messages (AppLogic.tick), once per read of keys.
            if state.overlay != nil, list.filter != filter { state.listSearchDue = now }
        case .command(var command):
            if case .char("/", []) = event, command.text == "/" {
                // `//` at the start of the editor is a message that begins with `/`.
                state.overlay = nil
                state.editor.setText("//")
                draftChanged(&state)
                return []
            }
            let result = command.handle(event)
            if result.contains(.submit) {
                state.overlay = nil
                defer { state.renameTarget = nil }
                return runCommandLine(&state, command.text)
            }
            if result.contains(.cancel) || !command.text.hasPrefix("/") { state.renameTarget = nil }
            if !result.contains(.cancel), !command.text.hasPrefix("/") {
                // The `/` was deleted (Ctrl-U, Backspace): what is left is a message draft.
                state.overlay = nil
                state.editor.setText(command.text)
                draftChanged(&state)
                return []
            }
            state.overlay = result.contains(.cancel) ? nil : .command(command)
        }
        return []
    }

    /// The dialog was answered with button `choice`.
    func confirmPending(_ state: inout AppState, choice: Int, dialog: Dialog) -> [Effect] {
        guard let action = state.pending else { return [] }
        state.pending = nil
        if case .changedAttachments(let onDisk, let send) = action {
            return resolveChangedAttachments(&state, onDisk: onDisk, then: send, answer: dialog.buttons[choice])
        }
        if case .attachMentions(let loaded, let skipped, let send) = action {
            return resolveMentions(&state, loaded, skipped: skipped, then: send, answer: dialog.buttons[choice])
        }
        // The first button says yes; destructive dialogs open on the last (Keep, Cancel).
        guard choice == 0 else {
            // `/each`'s questions left the editor when it ran: Cancel puts them back.
            if case .confirmSend(.each(let questions)) = action { restoreSend(&state, .each(questions)) }
            return []
        }
        switch action {
        case .quit: return quitNow(&state)
        case .confirmSend(let send):
            // The confirmation holds for this one resubmission only, which resumes where
            // the price was asked (the `@path` files and changed attachments are settled).
            state.sendConfirmed = true
            defer { state.sendConfirmed = false }
            switch send {
            case .draft:
                let text = state.editor.text
                return saveQuestion(&state, text.hasPrefix("//") ? String(text.dropFirst()) : text)
            case .regenerate: return regenerate(&state)
            case .continueReply: return continueReply(&state)
            case .each(let questions): return startBatch(&state, questions)
            }
        case .deleteConversation(let id): return [.deleteConversation(id)]
        case .deleteFewShot(let name): return [.fewShotFile(.delete(name))]
        case .fork(let id): return fork(&state, at: id)
        case .regenerateFork(let id): return regenerateInFork(&state, reply: id)
        case .truncate(let ordinal): return applyCut(&state, ordinal: ordinal)
        case .detach(let index): return detach(&state, at: index)
        case .changedAttachments, .attachMentions: return []
        case .replaceExport(let id, let format, let path, let documents):
            return [.export(id, format, path: path, name: (path as NSString).lastPathComponent, replace: true, documents: documents)]
        }
    }

    /// Tab after `@path` in the draft completes the path (a folder ends with "/"); with
    /// several candidates, their common start, and the candidates in the status bar. Nil
    /// when the word at the cursor is not an `@` word (Tab then indents).
    func completeMention(_ state: inout AppState) -> [Effect]? {
        let before = state.editor.characters[..<state.editor.cursor]
        // The word starts after the last blank not escaped with a backslash.
        let wordStart = before.indices.last { index in
            (before[index] == " " && (index == 0 || before[index - 1] != "\\")) || before[index] == "\n" || before[index] == "\t"
        }.map { $0 + 1 } ?? 0
        let word = String(before[wordStart...])
        guard word.hasPrefix("@") else { return nil }
        let typed = String(word.dropFirst())
        let candidates = Self.pathCompleter(typed)
        guard !candidates.isEmpty else {
            info(&state, "No file starts with “\(TerminalSanitizer.clean(typed))”.")
            return []
        }
        var common = candidates[0]
        for candidate in candidates.dropFirst() {
            common = String(zip(common, candidate).prefix { $0 == $1 }.map(\.0))
        }
        if common.count > typed.count {
            state.editor.insert(String(common.dropFirst(typed.count)))
            draftChanged(&state)
        }
        if candidates.count > 1 {
            let names = candidates.prefix(8).map { ($0 as NSString).lastPathComponent + ($0.hasSuffix("/") ? "/" : "") }
            info(&state, "\(candidates.count) files: " + names.joined(separator: "  ") + (candidates.count > 8 ? "  …" : ""), seconds: 8)
        }
        return []
    }
}
