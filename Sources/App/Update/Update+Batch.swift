import ChatCore
import ChatWire
import Foundation
import TerminalUI

/// `/each`: one question per line, each its own request over the conversation as it
/// stands, warmed up so that they hit the cache (see `BatchState`).
extension AppLogic {
    /// `/each` with the questions after it (one per line; a first line after `/each`
    /// counts too).
    func eachCommand(_ state: inout AppState, _ argument: String) -> [Effect] {
        guard allSaved(&state, "/each") else { return [] }
        let questions = argument.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !questions.isEmpty else {
            state.editor.setText("/each\n")
            draftChanged(&state)
            info(&state, "/each: one question per line (Alt-Enter adds a line), then Enter: each is sent as its own request "
                 + "over this conversation; the first ones alone to warm the cache (one for a v3 cache, two for v4), the rest together.",
                 seconds: 12)
            return []
        }
        return proceed(&state, .each(questions), stage: .mentions)
    }

    /// The parallel requests of one `/each` at most.
    public static let eachParallel = 4

    func startBatch(_ state: inout AppState, _ questions: [String]) -> [Effect] {
        guard !state.isBusy else { return [] }
        if askBeforeSending(&state, plans: { state in questions.map { plan(state, question: .draft($0)) } }, then: .each(questions)) {
            return []
        }
        let base = state.conversation
        let plans = questions.map { plan(state, question: .draft($0)) }
        let model = base.model
        let kind = environment.cacheModel ?? CachePredictor.defaultCacheModel(forModel: model, at: clock.now())
        let worth = WarmupScheduler<Int>.worthWarming(plans.map(\.prompt.ids), unit: kind.defaultUnit)
        let warmups = worth ? WarmupScheduler<Int>.recommendedWarmups(for: kind) : 0
        var ordinal = base.nextOrdinal
        let entries = questions.map { question -> BatchState.Entry in
            defer { ordinal += 2 }
            return BatchState.Entry(question: question, ordinal: ordinal)
        }
        state.batch = BatchState(entries: entries, base: base,
                                 scheduler: WarmupScheduler(Array(questions.indices), constructDelay: environment.warmupWait,
                                                            warmups: warmups),
                                 warmups: min(warmups, max(0, questions.count - 1)), parallel: Self.eachParallel,
                                 startedUptime: now)
        state.editor.commit()
        state.editor.setText("")
        state.draft = nil
        state.predictionDue = nil
        state.scrollToBottom = true
        state.lastSpinnerTick = now
        let shared = WarmupScheduler<Int>.sharedPrefixLength(plans.map(\.prompt.ids))
        let used = min(warmups, questions.count - 1)
        if questions.count == 1 {
            info(&state, "1 question: sent as one request.", seconds: 4)
        } else {
            info(&state, "\(questions.count) questions over a shared prefix of \(Formatting.grouped(shared)) tokens: "
                 + (used == 0 ? "sent together (too short a prefix to warm)."
                    : "\(used) warm-up\(used == 1 ? "" : "s") first (\(kind.rawValue) cache), then up to \(Self.eachParallel) at once."),
                 seconds: 8)
        }
        return batchStep(&state)
    }

    /// Starts what is due: the next question is saved, and its request sent once it is
    /// (one save at a time, so the history keeps question and answer together).
    func batchStep(_ state: inout AppState) -> [Effect] {
        guard var batch = state.batch else { return [] }
        defer { state.batch = batch }
        if batch.stopping { return [] }
        batch.ready += batch.scheduler.due(now: now)
        guard !batch.isSaving, batch.inFlight < batch.parallel, !batch.ready.isEmpty else { return [] }
        let index = batch.ready.removeFirst()
        batch.entries[index].phase = .saving
        let entry = batch.entries[index]
        let conversation = state.conversation
        let create = conversation.id == nil
            ? conversation.newRecordSettings(title: ConversationState.title(for: entry.question), endpointName: environment.endpointName)
            : nil
        let serial = state.nextUnsavedSerial
        state.nextUnsavedSerial += 1
        // The conversation's last row is the previous question's reply (begun when it was
        // sent), or that question when its reply row could not be made, or the last
        // message before the batch: anything else is another writer's.
        var after = batch.base.lastStoredMessage
        if let previous = batch.entries[..<index].last(where: { $0.message != nil }) {
            after = previous.turn?.replyID?.messageID ?? previous.message?.id.messageID ?? after
        }
        // What the history refused before goes first (the question waits behind it).
        let backlog = state.unsavedSaves
        state.unsavedSaves = []
        state.nextSaveRetry = nil
        return [.saveQuestion(text: entry.question, conversation: conversation.id, create: create, ordinal: entry.ordinal,
                              serial: serial, attachments: conversation.attachments, batchEntry: index, after: after,
                              backlog: backlog, behind: waitingTarget(state, in: backlog))]
    }

    /// Another cachechat wrote to the conversation during `/each`: nothing more is sent;
    /// what is in flight ends as it will.
    func batchRefused(_ state: inout AppState) -> [Effect] {
        guard var batch = state.batch else { return [] }
        batch.stopping = true
        batch.ready.removeAll()
        for index in batch.entries.indices where batch.entries[index].phase == .saving {
            batch.entries[index].phase = .notSent
        }
        state.batch = batch
        fail(&state, "Another cachechat added to this conversation during /each: the questions not sent yet are back in "
             + "the editor. Open the conversation again (Ctrl-O) to see it as it is now.")
        return finishBatchIfDone(&state)
    }

    /// A question is saved: its request goes out, over the conversation as it was when
    /// `/each` was sent.
    func batchQuestionSaved(_ state: inout AppState, entry index: Int, _ message: HistoryMessage, record: Conversation?,
                            problem: String?) -> [Effect] {
        guard var batch = state.batch, batch.entries.indices.contains(index) else { return [] }
        if let record {
            state.conversation.record = record
            batch.base.record = record
        }
        if let problem { warn(&state, problem + " It is sent anyway and kept on screen.") }
        var conversation = batch.base
        conversation.messages.append(message)
        let plan = plan(state, question: .lastUserMessage, conversation: conversation)
        let token = state.nextTurnToken
        state.nextTurnToken += 1
        batch.entries[index].message = message
        batch.entries[index].phase = batch.stopping ? .notSent : .running
        guard !batch.stopping else {
            state.batch = batch
            return finishBatchIfDone(&state)
        }
        batch.entries[index].turn = TurnState(token: token, plan: plan, startedAt: clock.now(), startedUptime: now)
        state.batch = batch
        // The next question is saved once this one's reply row exists (`.started`).
        return [.send(plan, token: token)]
    }

    /// A runner event of one `/each` request.
    func handleBatchTurn(_ state: inout AppState, entry index: Int, _ event: TurnEvent) -> [Effect] {
        guard var batch = state.batch, var turn = batch.entries[index].turn else { return [] }
        guard case .finished(let result) = event else {
            advance(&turn, event, &state)
            batch.entries[index].turn = turn
            state.batch = batch
            if case .started = event { return batchStep(&state) }
            return []
        }
        let reply = replyMessage(&state, turn, result, ordinal: batch.entries[index].ordinal + 1)
        learn(&state, from: turn, result, reply: reply)
        batch.entries[index].reply = reply
        batch.entries[index].phase = .done
        batch.entries[index].hitTokens = result.usage?.resolvedCacheHitTokens
        batch.entries[index].cost = result.cost
        batch.entries[index].note = Self.answerNote(result, currency: environment.currency)
        batch.scheduler.finished(now: now)
        state.batch = batch
        flushBatch(&state)
        return batchStep(&state) + finishBatchIfDone(&state) + [.refreshTotals(state.conversation.id)] + refreshBalance(&state)
    }

    /// Entries that ended, in order, join the conversation (question, then answer).
    func flushBatch(_ state: inout AppState) {
        guard var batch = state.batch else { return }
        while batch.flushed < batch.entries.count {
            let entry = batch.entries[batch.flushed]
            guard entry.phase == .done || entry.phase == .notSent else { break }
            if let message = entry.message { state.conversation.messages.append(message) }
            if let reply = entry.reply {
                state.conversation.messages.append(reply)
                if let note = entry.note { state.answerNotes[reply.id] = note }
            }
            batch.flushed += 1
        }
        state.batch = batch
    }

    /// The batch is over: say how it went.
    func finishBatchIfDone(_ state: inout AppState) -> [Effect] {
        guard let batch = state.batch else { return [] }
        if batch.stopping {
            // Questions not started by now never will be.
            for index in batch.entries.indices where batch.entries[index].phase == .waiting {
                state.batch?.entries[index].phase = .notSent
            }
        }
        guard let finished = state.batch, finished.isFinished else { return [] }
        flushBatch(&state)
        state.batch = nil
        let unsent = finished.entries.filter { $0.phase == .notSent && $0.message == nil }.map(\.question)
        if !unsent.isEmpty { restoreSend(&state, .each(unsent)) }
        let answered = finished.entries.filter { $0.reply?.state == .complete }.count
        let notSent = finished.entries.filter { $0.phase == .notSent && $0.message == nil }.count
        let hits = finished.entries.compactMap(\.hitTokens)
        var text = "/each: \(answered) of \(finished.entries.count) answered"
        if !hits.isEmpty {
            text += "; hits " + hits.map(Formatting.grouped).joined(separator: ", ") + " tokens"
            let costs = finished.entries.compactMap(\.cost)
            if let first = costs.first, costs.allSatisfy({ $0.currency == first.currency }) {
                text += "; cost " + Formatting.money(costs.map(\.amount).reduce(0, +), currency: first.currency)
                    + ", saved " + Formatting.money(costs.map { $0.withoutCache - $0.amount }.reduce(0, +), currency: first.currency)
            }
        }
        if notSent > 0 { text += "; \(notSent) not sent (stopped): back in the editor" }
        if answered == finished.entries.count { info(&state, text + ".", seconds: 12) } else { warn(&state, text + ".") }
        state.predictionDue = state.editor.isEmpty ? nil : now
        return []
    }

    /// Esc during `/each`: requests in flight stop (their parts kept), the rest are not sent.
    func stopBatch(_ state: inout AppState) -> [Effect] {
        guard var batch = state.batch, !batch.stopping else { return [] }
        batch.stopping = true
        batch.ready.removeAll()
        let tokens = batch.entries.compactMap { $0.phase == .running ? $0.turn?.token : nil }
        for index in batch.entries.indices where batch.entries[index].turn != nil && batch.entries[index].phase == .running {
            batch.entries[index].turn?.stopping = true
        }
        state.batch = batch
        return tokens.map { .cancel(token: $0) } + finishBatchIfDone(&state)
    }

    /// "● 9,088 of 9,140 prompt tokens from cache · miss 52 · $0.0003".
    static func answerNote(_ result: TurnResult, currency: Currency) -> String? {
        guard let usage = result.usage, let hit = usage.resolvedCacheHitTokens, let prompt = usage.resolvedPromptTokens else {
            return result.usageProblem.map { "usage not understood: \($0)" }
        }
        let mark = hit >= prompt ? "●" : hit > 0 ? "◐" : "○"
        var text = "\(mark) \(Formatting.grouped(hit)) of \(Formatting.grouped(prompt)) prompt tokens from cache"
            + " · miss \(Formatting.grouped(prompt - hit))"
        if let cost = result.cost { text += " · " + Formatting.money(cost.amount, currency: cost.currency) }
        if result.estimated { text += " (estimated)" }
        return text
    }
}
