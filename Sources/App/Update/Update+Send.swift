import ChatCore
import ChatWire
import Foundation
import TerminalUI

/// The path every send takes (a message or `/each`): the `@path` files it names are
/// attached (after asking), the attached files are checked for changes on disk, then the
/// question is saved and sent. Also the parsing of `@path` words and quoted arguments.
extension AppLogic {
    /// A send that did not happen goes back into the editor (when it is empty): the draft,
    /// or `/each` with its questions.
    func restoreSend(_ state: inout AppState, _ send: PendingSend) {
        guard state.editor.isEmpty else { return }
        switch send {
        case .question(let text): state.editor.setText(text)
        case .each(let questions): state.editor.setText("/each\n" + questions.joined(separator: "\n"))
        }
    }

    /// The steps of a send: attach the `@path` files it names, check the attached files
    /// for changes on disk, then send.
    enum SendStage { case mentions, changes, send }

    func proceed(_ state: inout AppState, _ send: PendingSend, stage: SendStage) -> [Effect] {
        switch stage {
        case .mentions:
            let mentioned = Self.mentions(in: send.text)
            if !mentioned.isEmpty { return [.loadAttachments(mentioned, .mentions(send))] }
            return proceed(&state, send, stage: .changes)
        case .changes:
            let attachments = state.conversation.attachments
            if attachments.contains(where: { $0.path != nil }) { return [.checkAttachments(attachments, then: send)] }
            return proceed(&state, send, stage: .send)
        case .send:
            switch send {
            case .question(let text): return saveQuestion(&state, text)
            case .each(let questions): return startBatch(&state, questions)
            }
        }
    }

    /// The attached files as they are on disk now: send, or first ask about those that
    /// changed, with what each choice costs.
    func attachmentsOnDisk(_ state: inout AppState, _ onDisk: [Attachment?], then send: PendingSend) -> [Effect] {
        let attachments = state.conversation.attachments
        guard onDisk.count == attachments.count else { return proceed(&state, send, stage: .send) }
        let changed = attachments.indices.filter { index in
            guard attachments[index].path != nil else { return false }
            let now = onDisk[index]?.hash
            return now != attachments[index].hash && state.keptCopies[index] != (now ?? Self.goneMark)
        }
        guard !changed.isEmpty else { return proceed(&state, send, stage: .send) }
        let gone = changed.filter { onDisk[$0] == nil }
        let rereadable = changed.filter { onDisk[$0] != nil }
        for index in gone { state.keptCopies[index] = Self.goneMark }
        let goneText = gone.isEmpty ? "" : gone.map { TerminalSanitizer.clean(attachments[$0].name) }.joined(separator: ", ")
            + (gone.count == 1 ? " is" : " are") + " gone from disk (or unreadable): the attached copy is sent."
        guard !rereadable.isEmpty else {
            warn(&state, goneText)
            return proceed(&state, send, stage: .send)
        }
        var reread = state.conversation
        for index in rereadable { reread.attachments[index] = onDisk[index]! }
        let question = RequestPlan.Question.draft(send.firstQuestion)
        let rereadPlan = plan(state, question: question, conversation: reread)
        let keepPlan = plan(state, question: question)
        var fits = true
        do { try rereadPlan.attachmentsFit(limit: contextLimit(model: rereadPlan.settings.model)) } catch { fits = false }
        let names = rereadable.map { TerminalSanitizer.clean(attachments[$0].name) }.joined(separator: ", ")
        let first = TerminalSanitizer.clean(attachments[rereadable[0]].name)
        func misses(_ plan: RequestPlan) -> String {
            guard let prediction = plan.prediction else { return "not known" }
            return "\(Formatting.grouped(prediction.missTokens)) tokens miss"
                + (prediction.cost.map { " (" + Formatting.money($0.amount, currency: $0.currency) + ")" } ?? "")
        }
        var message: String
        if fits {
            message = "\(names) changed on disk since attached. Re-read: " + misses(rereadPlan)
                + " — everything from \(first) on. Keep the attached copy: " + misses(keepPlan) + "."
        } else {
            message = "\(names) changed on disk since attached, and re-read the request would be "
                + "\(Formatting.grouped(rereadPlan.prompt.tokenCount)) tokens, over \(rereadPlan.settings.model)'s context window of "
                + "\(Formatting.grouped(contextLimit(model: rereadPlan.settings.model))): it cannot be re-read. Keep the attached copy: "
                + misses(keepPlan) + "."
        }
        if !goneText.isEmpty { message += " " + goneText }
        state.pending = .changedAttachments(onDisk: onDisk, then: send)
        state.overlay = .dialog(Dialog(title: rereadable.count == 1 ? "\(first) changed" : "Attached files changed", message: message,
                                       buttons: fits ? ["Re-read", "Keep attached copy", "Cancel"] : ["Keep attached copy", "Cancel"]))
        return []
    }

    /// The answer to "changed on disk": Re-read, Keep attached copy, or Cancel.
    func resolveChangedAttachments(_ state: inout AppState, onDisk: [Attachment?], then send: PendingSend, answer: String) -> [Effect] {
        let attachments = state.conversation.attachments
        guard onDisk.count == attachments.count, answer == "Re-read" || answer == "Keep attached copy" else {
            restoreSend(&state, send)
            info(&state, "Not sent; your message is kept.")
            return []
        }
        let changed = attachments.indices.filter { attachments[$0].path != nil && onDisk[$0] != nil && onDisk[$0]!.hash != attachments[$0].hash }
        if answer == "Keep attached copy" {
            for index in changed { state.keptCopies[index] = onDisk[index]!.hash }
            return proceed(&state, send, stage: .send)
        }
        for index in changed {
            state.conversation.attachments[index] = onDisk[index]!
            state.keptCopies[index] = nil
        }
        info(&state, "Re-read " + changed.map { TerminalSanitizer.clean(attachments[$0].name) }.joined(separator: ", ") + ".")
        return persistAttachments(state) + proceed(&state, send, stage: .send)
    }

    static let goneMark = "gone"

    // MARK: - Words

    /// `@path` words of a message: at the start of a word, a path after the `@` (what
    /// exists is attached when sent, after asking; anything else stays plain text). A path
    /// with spaces is quoted (`@"my file.txt"`) or escaped (`@my\ file.txt`).
    static func mentions(in text: String) -> [String] {
        var found: [String] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let atWordStart = index == 0 || characters[index - 1].isWhitespace
            guard characters[index] == "@", atWordStart, index + 1 < characters.count else {
                index += 1
                continue
            }
            index += 1
            var path = ""
            if characters[index] == "\"" || characters[index] == "'" {
                let quote = characters[index]
                index += 1
                while index < characters.count, characters[index] != quote, !characters[index].isNewline {
                    path.append(characters[index])
                    index += 1
                }
                index += 1
            } else {
                while index < characters.count, !characters[index].isWhitespace {
                    if characters[index] == "\\", index + 1 < characters.count, characters[index + 1] == " " {
                        path.append(" ")
                        index += 2
                        continue
                    }
                    path.append(characters[index])
                    index += 1
                }
            }
            if !path.isEmpty, !found.contains(path) { found.append(path) }
        }
        return found
    }

    /// Arguments split at spaces, with '…' and "…" quoting and backslash escapes (paths
    /// with spaces, as a shell would take them).
    ///
    /// With `keepingPatternEscapes`, a pattern character (`*`, `?`, `[`, `]`, `\\`) that was
    /// escaped or quoted stays escaped with a backslash, so that the attachment loader takes
    /// it literally (`/attach a\\*b.txt`, `/attach "a*b.txt"`).
    static func words(_ text: String, keepingPatternEscapes: Bool = false) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        func literal(_ character: Character) {
            if keepingPatternEscapes, "*?[]\\".contains(character) { current.append("\\") }
            current.append(character)
        }
        for character in text {
            if escaped {
                literal(character)
                escaped = false
                continue
            }
            if character == "\\", quote != "'" {
                escaped = true
                inWord = true
                continue
            }
            if let open = quote {
                if character == open { quote = nil } else { literal(character) }
                continue
            }
            if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" || character == "\n" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

extension PendingSend {
    /// The question the cost of a send is shown for (the first of `/each`'s).
    var firstQuestion: String {
        switch self {
        case .question(let text): text
        case .each(let questions): questions.first ?? ""
        }
    }
}
