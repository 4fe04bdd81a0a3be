import ChatCore
import Config
import Foundation
import TerminalUI

extension AppLogic {
    /// `/fewshot …`: list, edit, create, duplicate, rename, delete and use few-shot sets.
    func fewShotCommand(_ state: inout AppState, _ argument: String) -> [Effect] {
        let words = argument.split(separator: " ").map(String.init)
        switch words.first ?? "list" {
        case "list":
            return [.listFewShots]
        case "edit" where words.count == 2:
            return [.editFewShot(words[1])]
        case "new" where words.count == 2:
            if let problem = FewShotLibrary.nameProblem(words[1]) {
                fail(&state, problem)
                return []
            }
            return [.fewShotFile(.create(words[1]))]
        case "dup", "duplicate":
            guard words.count == 3 else {
                info(&state, "Use /fewshot dup NAME NEW-NAME.")
                return []
            }
            if let problem = FewShotLibrary.nameProblem(words[2]) {
                fail(&state, problem)
                return []
            }
            return [.fewShotFile(.duplicate(words[1], as: words[2]))]
        case "rename":
            guard words.count == 3 else {
                info(&state, "Use /fewshot rename NAME NEW-NAME.")
                return []
            }
            return [.fewShotFile(.rename(words[1], to: words[2]))]
        case "delete" where words.count == 2:
            state.pending = .deleteFewShot(words[1])
            state.overlay = .dialog(Dialog(title: "Delete few-shot set?",
                                           message: "`\(words[1])` will be removed. Conversations that use it keep their archived version.",
                                           buttons: ["Delete", "Keep"], focused: 1, destructive: true))
            return []
        case "use" where words.count >= 2:
            let mode: FewShotMode = words.count > 2 && words[2] == "each" ? .each : .pinned
            return [.loadFewShot(words[1], mode)]
        case "off":
            let old = state.conversation
            state.conversation = ConversationState(model: old.model, thinking: old.thinking, reasoningEffort: old.reasoningEffort)
            resetConversationView(&state)
            info(&state, "New conversation without a few-shot set.")
            return [.refreshTotals(nil)]
        default:
            info(&state, "/fewshot [list | edit NAME | new NAME | dup NAME NEW | rename NAME NEW | delete NAME | use NAME [pinned|each] | off]")
            return []
        }
    }

    func showFewShotList(_ state: inout AppState, _ entries: [(name: String, detail: String)]) {
        guard !entries.isEmpty else {
            info(&state, "No few-shot sets yet: /fewshot new NAME, or `cachechat fewshot samples --install`.")
            return
        }
        state.listPurpose = .fewShots
        state.overlay = .list(ListPanel(title: "Few-shot sets — Enter edit, ^U use pinned, ^E one question each, ^D delete",
                                        items: entries.map { ListPanel.Item(id: $0.name, title: $0.name, detail: TerminalSanitizer.clean($0.detail)) }))
    }

    /// A new conversation with the set: pinned in front of a multi-round chat, or every
    /// question sent as the set plus that question alone.
    func useFewShot(_ state: inout AppState, _ set: FewShotSet, mode: FewShotMode) -> [Effect] {
        let old = state.conversation
        state.conversation = ConversationState(model: set.model ?? old.model, thinking: old.thinking, reasoningEffort: old.reasoningEffort,
                                               fewShot: set, fewShotMode: mode)
        resetConversationView(&state)
        let before = old.id == nil ? "" : "; the last one stays in Ctrl-O"
        info(&state, mode == .each
             ? "New conversation: each question is sent as the set plus that question only (few-shot `\(set.name)`\(before))."
             : "New conversation with few-shot `\(set.name)` pinned in front of it\(before).")
        return [.refreshTotals(nil)]
    }

    func startEditingFewShot(_ state: inout AppState, _ set: FewShotSet, conversationsUsing: Int) {
        state.fewShotEditor = FewShotEditor(
            set: set, context: FewShotEditor.Context(template: template, model: state.conversation.model, prices: environment.prices,
                                                     currency: environment.currency, now: clock.now()),
            conversationsUsing: conversationsUsing)
        state.overlay = nil
    }

    func handleFewShotEditor(_ state: inout AppState, _ event: KeyEvent) -> [Effect] {
        guard var editor = state.fewShotEditor else { return [] }
        let outcome = editor.handle(event)
        state.fewShotEditor = editor
        switch outcome {
        case .stay:
            return []
        case .close:
            state.fewShotEditor = nil
            return []
        case .save(let set):
            return [.saveFewShot(set, editing: true)]
        case .use(let mode):
            state.fewShotEditor = nil
            return requireIdle(&state) { [.loadFewShot(editor.working.name, mode)] }
        }
    }

    /// Keys of the few-shot list that act on the selected set.
    func handleFewShotListKey(_ state: inout AppState, _ event: KeyEvent, item: ListPanel.Item) -> [Effect]? {
        switch event {
        case .char("u", [.ctrl]):
            state.overlay = nil
            return fewShotCommand(&state, "use \(item.id)")
        case .char("e", [.ctrl]):
            state.overlay = nil
            return fewShotCommand(&state, "use \(item.id) each")
        case .char("d", [.ctrl]), .key(.delete, _):
            state.overlay = nil
            return fewShotCommand(&state, "delete \(item.id)")
        case .char("r", [.ctrl]):
            state.overlay = .command(commandLine(text: "/fewshot rename \(item.id) ", state: state))
            return []
        case .char("y", [.ctrl]):
            state.overlay = .command(commandLine(text: "/fewshot dup \(item.id) ", state: state))
            return []
        default:
            return nil
        }
    }
}
