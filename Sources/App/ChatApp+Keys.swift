import ChatCore
import Foundation
import TerminalUI

extension ChatApp {
    /// Routes one input event: the open overlay first, then global keys, then the
    /// transcript's scrolling keys, then the editor.
    func handle(_ event: KeyEvent) {
        if let fewShotEditor, model.overlay == nil {
            if case .char("q", [.ctrl]) = event { requestQuit(); return }
            handleFewShotEditor(fewShotEditor, event)
            return
        }
        if model.overlay != nil {
            handleOverlay(event)
            return
        }
        if handleGlobal(event) { return }
        if case .mouse = event {
            _ = screen.transcriptView.handle(event, model: model.transcript)
            needsRedraw = true
            return
        }
        switch event {
        case .key(.pageUp, _), .key(.pageDown, _), .key(.up, [.shift]), .key(.down, [.shift]),
             .key(.home, [.ctrl]), .key(.end, [.ctrl]):
            let result = screen.transcriptView.handle(event, model: model.transcript)
            if !result.isEmpty {
                needsRedraw = true
                return
            }
        default:
            break
        }
        if case .char("/", []) = event, editor.isEmpty {
            model.overlay = .command(CommandLineBar(commands: Self.commands))
            needsRedraw = true
            return
        }
        if case .char("?", []) = event, editor.isEmpty {
            model.overlay = .help(Self.help)
            needsRedraw = true
            return
        }
        let result = editor.handle(event)
        if result.contains(.submit) { sendDraft() }
        if result.contains(.textChanged) { draftChanged() }
        if result.contains(.redraw) { needsRedraw = true }
    }

    /// Keys that work everywhere except inside an overlay. Returns true when used.
    private func handleGlobal(_ event: KeyEvent) -> Bool {
        switch event {
        case .key(.escape, []):
            if turn != nil { cancelTurn() } else if notice != nil { notice = nil }
            needsRedraw = true
        case .char("c", [.ctrl]):
            if turn != nil { cancelTurn() } else { info("Ctrl-Q quits (Ctrl-D on an empty line too). Esc stops a reply.") }
        case .char("q", [.ctrl]):
            requestQuit()
        case .char("d", [.ctrl]) where editor.isEmpty:
            requestQuit()
        case .key(.function(1), _):
            model.overlay = .help(Self.help)
        case .key(.function(2), _), .char("r", [.alt]):
            reasoningExpanded.toggle()
        case .key(.function(3), _):
            panelVisible.toggle()
            info(panelVisible ? "Cache panel shown (it folds away below 100 columns)." : "Cache panel hidden.")
        case .key(.function(4), _):
            bare.toggle()
            info(bare ? "Bare mode: no panel or marks; select text with the mouse. F4 to leave." : "Bare mode off.")
        case .key(.function(5), _):
            regenerate()
        case .char("n", [.ctrl]) where turn == nil:
            newConversation()
        case .char("o", [.ctrl]):
            openConversationList()
        case .char("l", [.ctrl]):
            device.invalidate()
        default:
            return false
        }
        needsRedraw = true
        return true
    }

    private func handleOverlay(_ event: KeyEvent) {
        guard let overlay = model.overlay else { return }
        // Esc then a key typed at once reads as Alt-key; overlays bind no Alt keys, so it
        // is the Esc that closes them followed by the key.
        if case .char(let character, [.alt]) = event {
            handleOverlay(.key(.escape, []))
            handle(.char(character, []))
            return
        }
        needsRedraw = true
        switch overlay {
        case .help(var help):
            let result = help.handle(event)
            model.overlay = result.contains(.cancel) ? nil : .help(help)
        case .dialog(var dialog):
            let result = dialog.handle(event)
            if result.contains(.confirm) {
                model.overlay = nil
                confirmPending(accepted: dialog.focused == 0)
            } else if result.contains(.cancel) {
                model.overlay = nil
                confirmPending(accepted: false)
            } else {
                model.overlay = .dialog(dialog)
            }
        case .list(var list):
            if listPurpose == .fewShots {
                if let item = list.selectedItem, handleFewShotListKey(event, item: item) { return }
                let result = list.handle(event)
                if result.contains(.confirm), let item = list.selectedItem {
                    model.overlay = nil
                    editFewShot(item.id)
                } else if result.contains(.cancel) {
                    model.overlay = nil
                } else {
                    model.overlay = .list(list)
                }
                return
            }
            switch event {
            case .key(.delete, _), .char("d", [.ctrl]):
                if let item = list.selectedItem { askToDelete(conversationID: item.id) }
                return
            case .char("r", [.ctrl]):
                if let item = list.selectedItem, let id = Int64(item.id) {
                    model.overlay = .command(CommandLineBar(commands: Self.commands, text: "/rename \(id) "))
                }
                return
            default: break
            }
            let result = list.handle(event)
            if result.contains(.confirm), let item = list.selectedItem {
                model.overlay = nil
                openConversation(id: item.id)
            } else if result.contains(.cancel) {
                model.overlay = nil
            } else {
                model.overlay = .list(list)
            }
        case .command(var command):
            let result = command.handle(event)
            if result.contains(.submit) {
                model.overlay = nil
                runCommand(command.text)
            } else if result.contains(.cancel) {
                model.overlay = nil
            } else {
                model.overlay = .command(command)
            }
        }
    }

    /// The draft changed: re-predict its cost and check whether it breaks the cache.
    func draftChanged() {
        // Re-predicting renders the whole conversation: do it when typing pauses, not per key.
        predictionDue = clock.uptime() + 0.12
        needsRedraw = true
    }

    func updateDraftPrediction() {
        accounting.updatePrediction(state: state, draft: editor.text)
        if let prediction = accounting.prediction, accounting.warning == nil {
            let policy = truncationPolicy
            let tokens = prediction.hitTokens + prediction.missTokens
            if policy.needsTruncation(promptTokens: tokens) {
                accounting.setWarning("Near the context window (\(Formatting.grouped(tokens)) of \(Formatting.grouped(policy.contextLimit)) tokens): /truncate cuts old history once, cache-friendly.")
            }
        }
        needsRedraw = true
    }

    func requestQuit() {
        if turn != nil {
            pendingAction = .quit
            model.overlay = .dialog(Dialog(title: "Quit?", message: "A reply is still streaming. Stop it, keep the part received, and quit?",
                                           buttons: ["Quit", "Stay"]))
        } else {
            shutDown()
        }
    }

    func confirmPending(accepted: Bool) {
        defer { pendingAction = nil }
        guard accepted, let action = pendingAction else { return }
        switch action {
        case .quit:
            shutDown()
        case .deleteConversation(let id):
            deleteConversation(id)
        case .deleteFewShot(let name):
            do {
                try fewShots?.delete(name)
                info("Few-shot set `\(name)` deleted (its versions stay archived).")
            } catch { fail("\(error)") }
        case .fork(let messageID, let text):
            fork(at: messageID, text: text)
        case .truncate(let ordinal):
            applyCut(ordinal: ordinal)
        }
    }

    static let help = HelpOverlay(title: "cachechat keys", sections: [
        .init("Writing", [("Enter", "send"), ("Alt-Enter, Shift-Enter, Ctrl-J", "new line"),
                          ("Ctrl-A / Ctrl-E", "start / end of line"), ("Ctrl-K / Ctrl-U", "kill to end / start"),
                          ("Ctrl-W, Alt-Backspace", "delete word back"), ("Alt-B / Alt-F", "word back / forward"),
                          ("Ctrl-Y", "yank"), ("Up / Down", "history (at first / last line)"),
                          ("/", "command line (on an empty draft)"), ("//text", "send text starting with /")]),
        .init("Replies", [("Esc, Ctrl-C", "stop the reply (kept, marked interrupted)"), ("F5, /regen", "regenerate the last reply"),
                          ("F2, Alt-R", "show or fold reasoning"), ("/edit [N]", "edit user message N as a fork"),
                          ("/copy [N] [code]", "copy the last reply (or message N), or its last code block (OSC 52)")]),
        .init("View", [("PgUp / PgDn, wheel", "scroll"), ("Shift-Up / Shift-Down", "scroll a line"),
                       ("Ctrl-Home / Ctrl-End", "top / bottom"), ("F3", "cache panel"), ("F4", "bare mode for selecting text"),
                       ("Ctrl-L", "repaint")]),
        .init("Few-shot sets", [("/fewshot", "list sets: Enter edit, ^U use pinned, ^E one question each"),
                                ("/fewshot new|dup|rename|delete", "manage sets"), ("/fewshot use NAME [each]", "start a conversation with a set"),
                                ("in the editor", "↑↓ select, Enter edit, a/i add, d delete, J/K move, u undo, ^S save")]),
        .init("Conversations", [("Ctrl-O", "list, search (type), open (Enter)"), ("Ctrl-D, Delete (in list)", "delete"),
                                ("Ctrl-R (in list), /rename", "rename"), ("Ctrl-N, /new", "new conversation")]),
        .init("Other", [("F1, ?", "this help"), ("Ctrl-Q, Ctrl-D (empty draft)", "quit")]),
    ])
}
