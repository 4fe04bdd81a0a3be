import ChatCore
import Foundation
import TerminalUI

/// Attached documents: `/attach PATH...`, `@path` in a message, `/detach`, the check for
/// files changed on disk before a send, and the path every send takes through them.
///
/// A document is part of the conversation's pinned prefix (after the system prompt and
/// few-shot set, before the history; docs/DECISIONS.md 51), so attaching or detaching one
/// in a conversation with history moves everything after it: the cost is said first.
extension AppLogic {
    // MARK: - /attach

    func attachCommand(_ state: inout AppState, _ argument: String) -> [Effect] {
        let paths = Self.words(argument, keepingPatternEscapes: true)
        guard !paths.isEmpty else { return listAttachments(&state) }
        if paths.contains("-") {
            fail(&state, "Standard input is the terminal here: attach a file, or use `cachechat ask -f -` to attach piped text.")
            return []
        }
        return [.loadAttachments(paths, .attach)]
    }

    /// `/attach` alone: what is attached, with tokens.
    func listAttachments(_ state: inout AppState) -> [Effect] {
        let attachments = state.conversation.attachments
        guard !attachments.isEmpty else {
            info(&state, "No documents attached. /attach PATH... (Tab completes paths) or @path in a message attaches files; "
                 + "they are sent after the system prompt, before the history, the same bytes in every conversation.", seconds: 12)
            return []
        }
        let tokens = plan(state, question: .draft("")).attachmentTokens
        let list = attachments.enumerated().map { index, attachment in
            "\(index + 1) \(TerminalSanitizer.clean(attachment.name)) (\(Formatting.grouped(tokens[index])) tok)"
        }
        info(&state, "Attached: " + list.joined(separator: ", ") + ". Alt-Up then Enter opens a card; /detach N removes one.", seconds: 12)
        return []
    }

    /// Files were read: attach them (a file attached before is re-read in its place), unless
    /// the request would no longer fit the context window. Files a message's `@path` words
    /// named are attached only once the user says so: a pasted log can name a private file.
    func attachmentsLoaded(_ state: inout AppState, _ loaded: [Attachment], skipped: [String], purpose: AttachPurpose) -> [Effect] {
        let merged = Self.merge(loaded, into: state.conversation.attachments)
        var candidate = state.conversation
        candidate.attachments = merged.list
        let question: String = if case .mentions(let send) = purpose { send.firstQuestion } else { "" }
        let plan = plan(state, question: .draft(question), conversation: candidate)
        let changed = merged.added + merged.reread
        if !changed.isEmpty {
            do {
                try plan.attachmentsFit(limit: contextLimit(model: plan.settings.model))
            } catch {
                let tokens = plan.attachmentTokens
                let new = changed.map { "\(merged.list[$0].name) (\(Formatting.grouped(tokens[$0])) tokens)" }.joined(separator: ", ")
                var text = "\(new) not attached: "
                if case .tooLarge(_, _, let requestTokens, let limit, let model) = error {
                    text += "requests would be \(Formatting.grouped(requestTokens)) tokens, over \(model)'s context window of "
                        + "\(Formatting.grouped(limit))"
                } else {
                    text += "\(error)"
                }
                fail(&state, TerminalSanitizer.clean(text) + "." + (purpose == .attach ? "" : " Nothing was sent; your message is kept."))
                if case .mentions(let send) = purpose { restoreSend(&state, send) }
                return []
            }
        }
        guard case .mentions(let send) = purpose else {
            return applyAttachments(&state, merged, plan: plan, skipped: skipped, announce: true)
        }
        let missing = skipped.filter { $0.hasPrefix("@") }
        let problems = skipped.filter { !$0.hasPrefix("@") }
        guard !changed.isEmpty else {
            if !missing.isEmpty { info(&state, missing.joined(separator: "; ") + ".", seconds: 8) }
            return proceed(&state, send, stage: .changes)
        }
        let tokens = plan.attachmentTokens
        let names = changed.map { index -> String in
            let attachment = merged.list[index]
            let hidden = (attachment.path ?? "").split(separator: "/").contains { $0.hasPrefix(".") }
            return "\(attachment.path.map(Self.shortPath) ?? attachment.name) "
                + "(\(Formatting.grouped(tokens[index])) tokens\(hidden ? ", a hidden file" : ""))"
        }
        var message = "Your message names " + names.joined(separator: ", ") + ". Attached, "
            + (changed.count == 1 ? "it is" : "they are") + " sent with every request of this conversation"
        if let prediction = plan.prediction {
            message += "; this one: \(Formatting.grouped(prediction.missTokens)) tokens miss"
                + (prediction.cost.map { " (" + Formatting.money($0.amount, currency: $0.currency) + ")" } ?? "")
        }
        message += "."
        if !missing.isEmpty { message += " " + missing.joined(separator: "; ") + "." }
        if !problems.isEmpty { message += " Skipped: " + problems.prefix(3).joined(separator: "; ") + "." }
        state.pending = .attachMentions(loaded, skipped: skipped, then: send)
        state.overlay = .dialog(Dialog(title: changed.count == 1 ? "Attach this file?" : "Attach these files?",
                                       message: TerminalSanitizer.clean(message),
                                       buttons: ["Attach and send", "Send without", "Cancel"]))
        return []
    }

    /// The answer to "Attach this file?".
    func resolveMentions(_ state: inout AppState, _ loaded: [Attachment], skipped: [String], then send: PendingSend,
                         answer: String) -> [Effect] {
        switch answer {
        case "Attach and send":
            let merged = Self.merge(loaded, into: state.conversation.attachments)
            var candidate = state.conversation
            candidate.attachments = merged.list
            let plan = plan(state, question: .draft(send.firstQuestion), conversation: candidate)
            return applyAttachments(&state, merged, plan: plan, skipped: skipped.filter { !$0.hasPrefix("@") }, announce: false)
                + proceed(&state, send, stage: .changes)
        case "Send without":
            return proceed(&state, send, stage: .changes)
        default:
            restoreSend(&state, send)
            info(&state, "Not sent; your message is kept.")
            return []
        }
    }

    struct Merge {
        var list: [Attachment]
        var added: [Int] = []
        var reread: [Int] = []
        var unchanged: [String] = []
    }

    /// `loaded` joined to `list`: a file attached before takes its place (re-read).
    static func merge(_ loaded: [Attachment], into list: [Attachment]) -> Merge {
        var merge = Merge(list: list)
        for attachment in loaded {
            if let index = merge.list.firstIndex(where: { sameSource($0, attachment) }) {
                if merge.list[index].hash == attachment.hash {
                    merge.unchanged.append(attachment.name)
                } else {
                    merge.list[index] = attachment
                    merge.reread.append(index)
                }
            } else {
                merge.list.append(attachment)
                merge.added.append(merge.list.count - 1)
            }
        }
        return merge
    }

    private func applyAttachments(_ state: inout AppState, _ merged: Merge, plan: RequestPlan, skipped: [String],
                                  announce: Bool) -> [Effect] {
        let list = merged.list
        guard !merged.added.isEmpty || !merged.reread.isEmpty else {
            if announce {
                info(&state, merged.unchanged.isEmpty ? "Nothing to attach." : "Already attached, unchanged: "
                     + merged.unchanged.map { TerminalSanitizer.clean($0) }.joined(separator: ", ") + ".")
            }
            return []
        }
        state.conversation.attachments = list
        for index in merged.reread { state.keptCopies[index] = nil }
        let tokens = plan.attachmentTokens
        func named(_ indices: [Int]) -> String {
            indices.map { index in
                "\(TerminalSanitizer.clean(list[index].name)) (\(Formatting.grouped(tokens[index])) tokens"
                    + (list[index].text.isEmpty ? ", empty" : "") + ")"
            }.joined(separator: ", ")
        }
        var parts: [String] = []
        if !merged.added.isEmpty { parts.append("Attached " + named(merged.added)) }
        if !merged.reread.isEmpty { parts.append("Re-read " + named(merged.reread)) }
        var change = parts.joined(separator: "; ") + ": sent after the system prompt in every request of this conversation."
        if !skipped.isEmpty {
            change += " Skipped: " + skipped.prefix(3).joined(separator: "; ") + (skipped.count > 3 ? " and \(skipped.count - 3) more (/log)." : ".")
        }
        if announce { ruleChanged(&state, change) } else { info(&state, change) }
        return persistAttachments(state)
    }

    /// "notes/report.md", "~/notes/report.md": a path as short as it can be said.
    static func shortPath(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        let home = NSHomeDirectory()
        if !home.isEmpty, home != "/", path.hasPrefix(home + "/") { return "~" + path.dropFirst(home.count) }
        return path
    }

    func attachmentsFailed(_ state: inout AppState, _ problem: String, purpose: AttachPurpose) {
        fail(&state, TerminalSanitizer.clean(problem) + (purpose == .attach ? "." : ". Nothing was sent; your message is kept."))
        if case .mentions(let send) = purpose { restoreSend(&state, send) }
    }

    /// The same file (by path), or the same standard-input text.
    static func sameSource(_ a: Attachment, _ b: Attachment) -> Bool {
        if let path = a.path { return path == b.path }
        return b.path == nil && a.name == b.name
    }

    func persistAttachments(_ state: AppState) -> [Effect] {
        // Written out plainly: `id.map { [...] } ?? []` here crashes the 6.3.1 optimizer
        // (CopyPropagation, "Found outside of lifetime use") in release builds.
        guard let id = state.conversation.id else { return [] }
        let attachments = state.conversation.attachments
        return [.saveAttachments(id, attachments)]
    }

    // MARK: - /detach

    func detachCommand(_ state: inout AppState, _ argument: String) -> [Effect] {
        let attachments = state.conversation.attachments
        guard !attachments.isEmpty else {
            info(&state, "Nothing is attached.")
            return []
        }
        let index: Int
        if argument.isEmpty {
            guard attachments.count == 1 else {
                let list = attachments.enumerated().map { "\($0.offset + 1) \(TerminalSanitizer.clean($0.element.name))" }
                info(&state, "Several documents are attached: /detach N or NAME (Tab lists them). " + list.joined(separator: ", "), seconds: 10)
                return []
            }
            index = 0
        } else if let number = Int(argument), attachments.indices.contains(number - 1) {
            index = number - 1
        } else if let found = Self.attachment(named: argument, in: attachments) {
            guard found.count == 1 else {
                info(&state, "Several attached documents are named \(TerminalSanitizer.clean(argument)): /detach "
                     + found.map { String($0 + 1) }.joined(separator: " or "), seconds: 10)
                return []
            }
            index = found[0]
        } else {
            fail(&state, "No attached document is named or numbered “\(TerminalSanitizer.clean(argument))”: /attach lists them.")
            return []
        }
        let name = TerminalSanitizer.clean(attachments[index].name)
        let tokens = plan(state, question: .draft("")).attachmentTokens[index]
        var without = state.conversation
        without.attachments.remove(at: index)
        let held = cachedNow(state)
        let next = plan(state, question: .draft(""), conversation: without).prediction
        var message = "\(name) (\(Formatting.grouped(tokens)) tokens) will no longer be sent with this conversation's requests. "
        if held > 0, let next {
            let reused = min(next.hitTokens, held)
            message += "The next request reuses \(Formatting.grouped(reused)) of the \(Formatting.grouped(held)) tokens the cache "
                + "holds from the last one: \(Formatting.grouped(next.missTokens)) tokens miss"
                + (next.cost.map { " (" + Formatting.money($0.amount, currency: $0.currency) + ")" } ?? "") + "."
        } else {
            message += "Nothing of this conversation is cached yet, so detaching it costs no cache."
        }
        state.pending = .detach(index)
        state.overlay = .dialog(Dialog(title: "Detach \(name)?", message: message, buttons: ["Detach", "Cancel"]))
        return []
    }

    /// The positions of the attachments `argument` names: by name, else by path as typed.
    static func attachment(named argument: String, in attachments: [Attachment]) -> [Int]? {
        let byName = attachments.indices.filter { attachments[$0].name == argument }
        if !byName.isEmpty { return byName }
        let path = AttachmentLoader.absolute(Self.words(argument).first ?? argument)
        let byPath = attachments.indices.filter { attachments[$0].path == path }
        return byPath.isEmpty ? nil : byPath
    }

    func detach(_ state: inout AppState, at index: Int) -> [Effect] {
        guard state.conversation.attachments.indices.contains(index) else { return [] }
        let removed = state.conversation.attachments.remove(at: index)
        state.openCards = Set(state.openCards.compactMap { $0 == index ? nil : $0 > index ? $0 - 1 : $0 })
        state.keptCopies = Dictionary(uniqueKeysWithValues: state.keptCopies.compactMap { key, value in
            key == index ? nil : (key > index ? key - 1 : key, value)
        })
        if state.focus == .attachment(index) { state.focus = nil }
        ruleChanged(&state, "Detached \(TerminalSanitizer.clean(removed.name)).")
        return persistAttachments(state)
    }
}
