import ChatCore
import Foundation
import Store
import TerminalUI

extension ChatApp {
    /// `/fewshot …`: list, edit, create, duplicate, rename, delete and use few-shot sets.
    func runFewShotCommand(_ argument: String) {
        guard let library = fewShots else {
            fail("Few-shot sets are not available here.")
            return
        }
        let words = argument.split(separator: " ").map(String.init)
        switch words.first ?? "list" {
        case "list":
            openFewShotList()
        case "edit" where words.count == 2:
            editFewShot(words[1])
        case "new" where words.count == 2:
            if let problem = FewShotLibrary.nameProblem(words[1]) { fail(problem); return }
            if library.exists(words[1]) { fail("A set named `\(words[1])` exists; /fewshot edit \(words[1])."); return }
            let set = FewShotSet(name: words[1], system: "You are a helpful assistant. Answer like the examples.",
                                 shots: [FewShotSet.Shot(user: "Example question", assistant: "Example answer")])
            do {
                try library.save(set)
                editFewShot(words[1])
            } catch { fail("\(error)") }
        case "dup", "duplicate":
            guard words.count == 3 else { info("Use /fewshot dup NAME NEW-NAME."); return }
            do {
                var set = try library.load(words[1])
                set.name = words[2]
                if let problem = FewShotLibrary.nameProblem(words[2]) { fail(problem); return }
                if library.exists(words[2]) { fail("A set named `\(words[2])` exists."); return }
                try library.save(set)
                info("Duplicated `\(words[1])` as `\(words[2])`.")
            } catch { fail("\(error)") }
        case "rename":
            guard words.count == 3 else { info("Use /fewshot rename NAME NEW-NAME."); return }
            do {
                try library.rename(words[1], to: words[2])
                info("Renamed `\(words[1])` to `\(words[2])`. Conversations keep the version they started with.")
            } catch { fail("\(error)") }
        case "delete" where words.count == 2:
            pendingAction = .deleteFewShot(words[1])
            model.overlay = .dialog(Dialog(title: "Delete few-shot set?",
                                           message: "`\(words[1])` will be removed. Conversations that use it keep their archived version.",
                                           buttons: ["Delete", "Keep"], destructive: true))
        case "use" where words.count >= 2:
            let mode: FewShotMode = words.count > 2 && words[2] == "each" ? .each : .pinned
            useFewShot(words[1], mode: mode)
        case "off":
            resetToNewConversation()
            state.fewShot = nil
            state.pinned = []
            info("New conversation without a few-shot set.")
        default:
            info("/fewshot [list | edit NAME | new NAME | dup NAME NEW | rename NAME NEW | delete NAME | use NAME [pinned|each] | off]")
        }
        needsRedraw = true
    }

    func openFewShotList() {
        guard let library = fewShots else { return }
        let items = library.names().map { name -> ListPanel.Item in
            let detail: String
            if let set = try? library.load(name) {
                detail = "\(set.shots.count) shots · v\(set.contentVersion.prefix(6))" + (set.description.isEmpty ? "" : " · \(set.description)")
            } else {
                detail = "broken file: /fewshot edit shows why"
            }
            return ListPanel.Item(id: name, title: name, detail: TerminalSanitizer.clean(detail))
        }
        if items.isEmpty {
            info("No few-shot sets yet: /fewshot new NAME, or `cachechat fewshot samples --install`.")
            return
        }
        listPurpose = .fewShots
        model.overlay = .list(ListPanel(title: "Few-shot sets — Enter edit, ^U use pinned, ^E one question each, ^D delete", items: items))
    }

    func editFewShot(_ name: String) {
        guard let library = fewShots else { return }
        do {
            let set = try library.load(name)
            let usage = (try? store?.fewShotUsage(name: name))?.values.reduce(0, +) ?? 0
            fewShotEditor = FewShotEditor(set: set, library: library, session: session, conversationsUsing: usage)
            model.overlay = nil
        } catch {
            fail("\(error)")
        }
        needsRedraw = true
    }

    /// Starts a new conversation with the set: pinned in front of a multi-round chat, or
    /// every question sent as the set plus that question alone.
    func useFewShot(_ name: String, mode: FewShotMode) {
        guard let library = fewShots, turn == nil else { return }
        do {
            let set = try library.load(name)
            try library.archive(set)
            resetToNewConversation()
            state = ConversationState(fewShot: set, fewShotMode: mode)
            if let model = set.model { session.model = model }
            accounting.updatePrediction(state: state, draft: editor.text)
            info(mode == .each
                 ? "Few-shot `\(name)`: each question is sent as the set plus that question only."
                 : "Few-shot `\(name)` pinned in front of this conversation.")
        } catch {
            fail("\(error)")
        }
        needsRedraw = true
    }

    func handleFewShotEditor(_ editor: FewShotEditor, _ event: KeyEvent) {
        needsRedraw = true
        switch editor.handle(event) {
        case .stay: break
        case .close: fewShotEditor = nil
        case .use(let mode):
            fewShotEditor = nil
            useFewShot(editor.working.name, mode: mode)
        }
    }

    func handleFewShotListKey(_ event: KeyEvent, item: ListPanel.Item) -> Bool {
        switch event {
        case .char("u", [.ctrl]): model.overlay = nil; useFewShot(item.id, mode: .pinned)
        case .char("e", [.ctrl]): model.overlay = nil; useFewShot(item.id, mode: .each)
        case .char("d", [.ctrl]), .key(.delete, _): model.overlay = nil; runFewShotCommand("delete \(item.id)")
        case .char("r", [.ctrl]): model.overlay = .command(CommandLineBar(commands: Self.commands, text: "/fewshot rename \(item.id) "))
        case .char("y", [.ctrl]): model.overlay = .command(CommandLineBar(commands: Self.commands, text: "/fewshot dup \(item.id) "))
        default: return false
        }
        return true
    }
}
