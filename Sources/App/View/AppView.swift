import ChatCore
import Foundation
import TerminalUI
import Tokenizer

/// Turns the App's state into what the screen shows.
///
/// A function of the state; this class only remembers work it can reuse: the transcript's
/// finished messages are rebuilt when their inputs differ (compared as values — arrays
/// and strings compare in O(1) when unchanged), sanitised text is cached per message, and
/// a streaming reply is sanitised only in its new tail. A keystroke therefore never walks
/// a 2,000-message conversation.
public final class AppView {
    let logic: AppLogic
    var environment: AppEnvironment { logic.environment }
    var tokenizer: any TextTokenizer { logic.template.tokenizer }

    public init(logic: AppLogic) {
        self.logic = logic
    }

    /// The screen model of `state` (overlay and editor are drawn from the state directly).
    public func screen(_ state: AppState, now: Double, width: Int) -> ChatScreenModel {
        ChatScreenModel(transcript: transcript(state, now: now), panel: panel(state), status: status(state, now: now),
                        panelPlacement: state.view.placement, overlay: state.overlay)
    }

    // MARK: - Transcript

    private struct BaseInputs: Equatable {
        var messages: [HistoryMessage]
        var systemPrompt: String?
        var fewShot: FewShotSet?
        var marks: CacheMarks
        var options: ViewOptions
        var model: String
        var isLast: TranscriptID?
        var historyStart: Int
        var focus: TranscriptID?
        var find: String?
        var attachments: [Attachment]
        var openCards: Set<Int>
        var answerNotes: [TranscriptID: String]
        var keptCopies: [Int: String]
    }

    /// An attached document as its card and the panel describe it.
    struct DocumentStatus: Equatable {
        var tokens: Int
        /// Its tokens the cache served (the last request) or will serve (predicted).
        var cachedTokens: Int
        var predicted: Bool

        /// "cached", "99% cached", "not cached", with "(predicted)" for a document the
        /// last request did not carry.
        var cache: String {
            Self.word(cached: cachedTokens, of: tokens) + (predicted ? " (predicted)" : "")
        }

        static func word(cached: Int, of tokens: Int) -> String {
            if tokens > 0, cached >= tokens { return "cached" }
            if cached <= 0 { return "not cached" }
            return "\(min(99, cached * 100 / max(1, tokens)))% cached"
        }
    }

    /// The documents' statuses of the last rebuilt transcript (the panel reads them).
    private(set) var documents: [DocumentStatus] = []

    private var baseInputs: BaseInputs?
    private var base: [TranscriptMessage] = []
    private var baseIDs: [TranscriptID] = []
    /// The last request's marks that still hold for the messages on screen.
    private var marks = CacheMarks.none
    private var cleanText: [TranscriptID: (source: String, clean: String)] = [:]
    private var reasoningCounts: [TranscriptID: (source: String, tokens: Int)] = [:]
    private var stream: StreamMirror?
    private var batchStreams: [Int: StreamMirror] = [:]

    func transcript(_ state: AppState, now: Double) -> TranscriptModel {
        let conversation = state.conversation
        let inputs = BaseInputs(messages: conversation.messages, systemPrompt: conversation.systemPrompt,
                                fewShot: conversation.fewShot, marks: state.view.bare ? .none : (state.exchange?.marks ?? .none),
                                options: state.view, model: conversation.model, isLast: conversation.messages.last?.id,
                                historyStart: conversation.historyStart, focus: state.focus, find: state.find?.query,
                                attachments: conversation.attachments, openCards: state.openCards, answerNotes: state.answerNotes,
                                keptCopies: state.keptCopies)
        if inputs != baseInputs {
            rebuildBase(state)
            baseInputs = inputs
        }
        var messages = base
        var model = TranscriptModel(messages: messages)
        if let turn = state.turn {
            let mirror = stream.flatMap { $0.token == turn.token ? $0 : nil } ?? StreamMirror(token: turn.token)
            mirror.update(turn)
            stream = mirror
            messages.append(TranscriptMessage(
                key: Self.key(.streaming, token: turn.token), role: .assistant, name: turn.plan.settings.model,
                time: time(turn.startedAt), text: "", format: .markdown,
                reasoningExpanded: state.view.reasoningExpanded || turn.content.isEmpty,
                stream: StreamingBody(content: mirror.content, reasoning: mirror.reasoning),
                notes: turn.saveProblem.map { [MessageNote("⚠ \(TerminalSanitizer.clean($0))", .warning)] } ?? []))
            model.streaming = StreamingStatus(frame: state.spinnerFrame, tokensPerSecond: turn.tokensPerSecond(now: now),
                                              phase: turn.phase(now: now))
        } else {
            stream = nil
        }
        if let batch = state.batch {
            messages += batchMessages(batch, state: state, now: now, model: &model)
        } else {
            batchStreams = [:]
        }
        if messages.isEmpty { messages.append(welcome(state)) }
        model.messages = messages
        if let horizon = marks.horizon, let index = baseIDs.firstIndex(of: horizon.id) {
            model.horizon = CacheHorizon(messageIndex: index, insideMessage: horizon.inside)
        }
        return model
    }

    private func rebuildBase(_ state: AppState) {
        let conversation = state.conversation
        marks = state.view.bare ? .none : state.exchange.map { $0.plan.marks($0.marks, stillIn: conversation) } ?? .none
        var messages: [TranscriptMessage] = []
        var ids: [TranscriptID] = []
        for (index, message) in conversation.pinned.enumerated() {
            let id = TranscriptID.pinned(index)
            let role: MessageRole = message.role == .system ? .system : message.role == .assistant ? .assistant : .user
            let name = role == .system ? (conversation.fewShot.map { "System · few-shot set \($0.name)" } ?? "System")
                : role == .user ? "Example question" : "Example answer"
            messages.append(TranscriptMessage(key: Self.key(id), role: role, name: TerminalSanitizer.clean(name),
                                              text: clean(id, message.content), format: .verbatim,
                                              cacheMark: Self.mark(marks[id])))
            ids.append(id)
        }
        documents = documentStatuses(state)
        for (index, attachment) in conversation.attachments.enumerated() {
            let id = TranscriptID.attachment(index)
            var card = documentCard(attachment, index: index, status: documents[index], open: state.openCards.contains(index))
            switch state.keptCopies[index] {
            case AppLogic.goneMark?:
                card.notes.append(MessageNote("⚠ the file is gone from disk (or unreadable): this attached copy is sent", .warning))
            case _?:
                card.notes.append(MessageNote("⚠ the file on disk has changed: this attached copy is sent (/attach its path re-reads it)", .warning))
            case nil:
                break
            }
            card.cacheMark = Self.mark(marks[id])
            card.focused = state.focus == id
            card.focusHint = state.openCards.contains(index) ? " Enter folds · c copy · d detach · Esc" : " Enter opens · c copy · d detach · Esc"
            messages.append(card)
            ids.append(id)
        }
        let last = conversation.messages.last?.id
        for message in conversation.messages {
            var shown = transcriptMessage(message, conversation: conversation, mark: Self.mark(marks[message.id]),
                                          isLast: message.id == last, reasoningExpanded: state.view.reasoningExpanded)
            if let note = state.answerNotes[message.id] { shown.notes.append(MessageNote(note, .info)) }
            shown.number = message.ordinal
            shown.focused = message.id == state.focus
            shown.highlight = state.find?.query
            messages.append(shown)
            ids.append(message.id)
        }
        let live = Set(ids)
        cleanText = cleanText.filter { live.contains($0.key) }
        reasoningCounts = reasoningCounts.filter { live.contains($0.key) }
        base = messages
        baseIDs = ids
    }

    private func transcriptMessage(_ message: HistoryMessage, conversation: ConversationState, mark: CacheMark,
                                   isLast: Bool, reasoningExpanded: Bool) -> TranscriptMessage {
        let role: MessageRole = switch message.role {
        case .user: .user
        case .assistant, .tool: .assistant
        case .system: .system
        }
        var notes: [MessageNote] = []
        switch message.state {
        case .complete: break
        case .streaming: notes.append(MessageNote("… still being written by another cachechat", .info))
        case .interrupted(let reason):
            let note: MessageNote = switch reason {
            case "stopped", "cancelled": MessageNote("■ stopped", .info)
            case "connection lost": MessageNote("■ connection lost — the part received is kept" + (isLast ? "; F5 asks again" : ""), .warning)
            case StoredMessage.State.stoppedReason: MessageNote("■ cachechat stopped before this reply finished", .warning)
            case StoredMessage.State.maxTokensReason: MessageNote("■ cut at max_tokens" + (isLast ? " — /continue carries on" : ""), .info)
            default: MessageNote("■ interrupted: \(TerminalSanitizer.clean(reason))", .warning)
            }
            notes.append(note)
        case .failed(let error):
            notes.append(MessageNote("✗ failed: \(TerminalSanitizer.clean(error))" + (isLast ? " — F5 retries" : ""), .error))
        }
        if case .unsaved = message.id { notes.append(MessageNote("⚠ not saved in the history", .warning)) }
        if !conversation.asksEachQuestionAlone, message.ordinal == conversation.historyStart - 1 {
            notes.append(MessageNote("✂ history cut: requests start after this message (/truncate)", .info))
        }
        let reasoning = message.reasoningContent.flatMap { $0.isEmpty ? nil : $0 }
        return TranscriptMessage(
            key: Self.key(message.id), role: role,
            name: role == .user ? "You" : role == .system ? "System" : TerminalSanitizer.clean(message.model ?? conversation.model),
            time: time(message.created), text: clean(message.id, message.content),
            format: role == .assistant ? .markdown : .verbatim,
            reasoning: reasoning.map { TerminalSanitizer.clean($0) },
            reasoningTokens: reasoning.map { reasoningTokens(message.id, $0) },
            reasoningExpanded: reasoningExpanded, notes: notes, cacheMark: mark)
    }

    // MARK: - Documents

    /// Each attachment's tokens and whether the cache has it: from the last request's
    /// marks when it carried the document, else as predicted for the next request.
    private func documentStatuses(_ state: AppState) -> [DocumentStatus] {
        let attachments = state.conversation.attachments
        guard !attachments.isEmpty else { return [] }
        let plan = logic.plan(state, question: .draft(""))
        let tokens = plan.attachmentTokens
        let predictedHit = plan.prediction?.hitTokens ?? 0
        return attachments.indices.map { index in
            let id = TranscriptID.attachment(index)
            switch marks[id] {
            case .reused?: return DocumentStatus(tokens: tokens[index], cachedTokens: tokens[index], predicted: false)
            case .partial(let reused, let total)?:
                return DocumentStatus(tokens: total, cachedTokens: reused, predicted: false)
            case .notReused?: return DocumentStatus(tokens: tokens[index], cachedTokens: 0, predicted: false)
            case nil:
                let span = plan.index(of: id).flatMap { plan.prompt.span(ofMessage: $0) }
                let cached = span.map { max(0, min(predictedHit, $0.end) - $0.start) } ?? 0
                return DocumentStatus(tokens: tokens[index], cachedTokens: cached, predicted: true)
            }
        }
    }

    /// The folded card of an attached document (its whole text once opened).
    private func documentCard(_ attachment: Attachment, index: Int, status: DocumentStatus, open: Bool) -> TranscriptMessage {
        let id = TranscriptID.attachment(index)
        // Lines as an editor counts them: a final line break ends the last line.
        // CRLF and lone CR end lines too.
        let breaks = attachment.text.reduce(into: 0) { count, character in if character.isNewline { count += 1 } }
        let lines = attachment.text.isEmpty ? 0 : breaks + (attachment.text.last?.isNewline == true ? 0 : 1)
        var summary = "\(Formatting.grouped(status.tokens)) tokens · \(status.cache) · \(Formatting.grouped(lines)) line\(lines == 1 ? "" : "s")"
        summary += open ? " — Enter folds it" : " — Alt-Up, then Enter opens it"
        let text = open ? summary + "\n\n" + clean(id, attachment.text) : summary
        return TranscriptMessage(key: Self.key(id), role: .user, name: "Document \(index + 1) · " + TerminalSanitizer.clean(attachment.name),
                                 text: text, format: .verbatim)
    }

    // MARK: - /each

    /// The questions of an `/each` not yet in the conversation, each with its answer as
    /// far as it has come.
    private func batchMessages(_ batch: BatchState, state: AppState, now: Double, model: inout TranscriptModel) -> [TranscriptMessage] {
        var shown: [TranscriptMessage] = []
        var live: Set<Int> = []
        for index in batch.entries.indices.dropFirst(batch.flushed) {
            let entry = batch.entries[index]
            if let message = entry.message {
                var question = transcriptMessage(message, conversation: state.conversation, mark: .none, isLast: false,
                                                 reasoningExpanded: state.view.reasoningExpanded)
                question.number = message.ordinal
                shown.append(question)
            } else {
                let waiting = switch entry.phase {
                case .notSent: MessageNote("■ not sent: /each was stopped", .info)
                default: MessageNote(batch.scheduler.isDrained ? "… waiting: at most \(batch.parallel) are sent at once"
                                     : "… waiting for the warm-up to fill the cache", .info)
                }
                shown.append(TranscriptMessage(key: TranscriptKey(kind: 8, value: Int64(index)), role: .user, name: "You",
                                               text: TerminalSanitizer.clean(entry.question), format: .verbatim, notes: [waiting]))
            }
            if let reply = entry.reply {
                var answer = transcriptMessage(reply, conversation: state.conversation, mark: .none, isLast: false,
                                               reasoningExpanded: state.view.reasoningExpanded)
                answer.number = reply.ordinal
                if let note = entry.note { answer.notes.append(MessageNote(note, .info)) }
                shown.append(answer)
            } else if let turn = entry.turn {
                live.insert(turn.token)
                let mirror = batchStreams[turn.token] ?? StreamMirror(token: turn.token)
                mirror.update(turn)
                batchStreams[turn.token] = mirror
                shown.append(TranscriptMessage(
                    key: Self.key(.streaming, token: turn.token), role: .assistant, name: turn.plan.settings.model,
                    time: time(turn.startedAt), text: "", format: .markdown,
                    reasoningExpanded: state.view.reasoningExpanded || turn.content.isEmpty,
                    stream: StreamingBody(content: mirror.content, reasoning: mirror.reasoning),
                    notes: [MessageNote("\(turn.phase(now: now)) · question \(index + 1) of \(batch.entries.count)", .info)]))
            }
        }
        batchStreams = batchStreams.filter { live.contains($0.key) }
        model.streaming = StreamingStatus(frame: state.spinnerFrame, tokensPerSecond: nil,
                                          phase: "/each: \(batch.entries.filter { $0.phase == .done }.count) of \(batch.entries.count) answered")
        return shown
    }

    /// Whether the endpoint's cache works in V4's prefix units (persisted at the ends of
    /// requests and where two requests meet), as the predictor assumes.
    func v4Cache(_ state: AppState) -> Bool {
        (environment.cacheModel ?? CachePredictor.defaultCacheModel(forModel: state.conversation.model)) == .v4
    }

    private func welcome(_ state: AppState) -> TranscriptMessage {
        let thinking = state.conversation.settings().effectiveThinking
        return TranscriptMessage(
            key: Self.key(.welcome), role: .system, name: "cachechat",
            text: "Connected to **\(TerminalSanitizer.clean(environment.endpointName))** with `\(TerminalSanitizer.clean(state.conversation.model))`"
                + (thinking ? " (thinking on)" : "") + ". Type a message and press Enter. After each reply the gutter shows which "
                + "messages the prompt cache served (● reused, ◐ partly, ○ not) and "
                + (state.view.panelVisible
                    ? "the cache panel (F3) adds up what it saved; while you type, it predicts the next request's hit and cost."
                    : "the line above the editor shows the last request's hit, miss and cost; while you type, it predicts the next "
                        + "request's (F3 opens the full cache panel).")
                + (thinking ? " In thinking mode a reply's reasoning is not sent back, so a follow-up can reuse the conversation only up to your previous question"
                    + (v4Cache(state) ? ", and DeepSeek's V4 cache keeps that part once two requests have shared it: the first follow-ups hit little" : "")
                    + ". That is expected." : "")
                + "\n\nF1 lists every key, `/` opens the commands, Ctrl-O your conversations, `/fewshot` your few-shot sets.")
    }

    /// Sanitised text, cached per message while its source is unchanged.
    private func clean(_ id: TranscriptID, _ text: String) -> String {
        if let cached = cleanText[id], cached.source == text { return cached.clean }
        let cleaned = TerminalSanitizer.clean(text)
        cleanText[id] = (text, cleaned)
        return cleaned
    }

    /// Reasoning tokens of a stored reply, counted once.
    private func reasoningTokens(_ id: TranscriptID, _ text: String) -> Int {
        if let cached = reasoningCounts[id], cached.source == text { return cached.tokens }
        let count = tokenizer.encode(text).count
        reasoningCounts[id] = (text, count)
        return count
    }

    // MARK: - Keys, marks, times

    static func key(_ id: TranscriptID, token: Int = 0) -> TranscriptKey {
        switch id {
        case .pinned(let index): TranscriptKey(kind: 1, value: Int64(index))
        case .stored(let message): TranscriptKey(kind: 2, value: message.rawValue)
        case .unsaved(let serial): TranscriptKey(kind: 3, value: Int64(serial))
        case .draft: TranscriptKey(kind: 4, value: 0)
        case .streaming: TranscriptKey(kind: 5, value: Int64(token))
        case .welcome: TranscriptKey(kind: 6, value: 0)
        case .attachment(let index): TranscriptKey(kind: 7, value: Int64(index))
        }
    }

    static func mark(_ mark: CacheMarks.Mark?) -> CacheMark {
        switch mark {
        case .reused?: .reused
        case .partial(let reused, let total)?: .partial(reused: reused, total: total)
        case .notReused?: .notReused
        case nil: .none
        }
    }

    /// "14:02" in the environment's time zone.
    func time(_ date: Date) -> String { environment.localZone.parts(of: date).hourMinute }

    /// "14:02" today, "2026-12-04 14:02" on another day (the environment's zone).
    func balanceTime(_ date: Date) -> String {
        let zone = environment.localZone
        let parts = zone.parts(of: date)
        let today = zone.parts(of: logic.clock.now())
        return (parts.year, parts.month, parts.day) == (today.year, today.month, today.day) ? parts.hourMinute : parts.dateAndTime
    }
}

/// The streaming reply sanitised for the terminal, one new tail at a time (the sanitizer
/// is a streaming state machine: an escape sequence split across deltas is still removed).
final class StreamMirror {
    let token: Int
    private var contentSanitizer = TerminalSanitizer()
    private var reasoningSanitizer = TerminalSanitizer()
    private var contentRead = 0
    private var reasoningRead = 0
    private(set) var content = AppendOnlyText()
    private(set) var reasoning = AppendOnlyText()
    /// While nothing needed cleaning, the mirror is the turn's own text (one buffer, not
    /// two copies of a long reply); the first piece that does gives it a buffer of its own.
    private var contentShared = true
    private var reasoningShared = true

    init(token: Int) { self.token = token }

    func update(_ turn: TurnState) {
        if turn.content.utf8Count > contentRead {
            Self.mirror(turn.content, from: contentRead, into: &content, shared: &contentShared, with: &contentSanitizer)
            contentRead = turn.content.utf8Count
        }
        if turn.reasoning.utf8Count > reasoningRead {
            Self.mirror(turn.reasoning, from: reasoningRead, into: &reasoning, shared: &reasoningShared, with: &reasoningSanitizer)
            reasoningRead = turn.reasoning.utf8Count
        }
    }

    private static func mirror(_ source: AppendOnlyText, from offset: Int, into mirror: inout AppendOnlyText,
                               shared: inout Bool, with sanitizer: inout TerminalSanitizer) {
        let piece = source.suffix(fromUTF8: offset)
        let cleaned = sanitizer.clean(piece)
        // Cleaning only removes or shortens, so the same length means the same text.
        if shared && cleaned.utf8.count == piece.utf8.count {
            mirror = source
            return
        }
        if shared {
            mirror = AppendOnlyText(mirror.string)
            shared = false
        }
        mirror.append(cleaned)
    }
}
