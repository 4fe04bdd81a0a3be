import ChatCore
import ChatWire
import Foundation
import TerminalUI

extension AppLogic {
    /// Enter: a command, or a question. The draft stays in the editor until the question
    /// is on its way, so an error before that loses nothing.
    func submit(_ state: inout AppState) -> [Effect] {
        let text = state.editor.text
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        if text.hasPrefix("/") && !text.hasPrefix("//") { return runCommandLine(&state, text) }
        guard !state.isBusy else {
            info(&state, "A reply is still streaming: wait for it or press Esc to stop it.")
            return []
        }
        let question = text.hasPrefix("//") ? String(text.dropFirst()) : text
        return proceed(&state, .question(question), stage: .mentions)
    }

    /// Saves the question (creating the stored conversation, with its attachments, when it
    /// has none yet); the send follows once it is saved. `confirm_above` asks first.
    func saveQuestion(_ state: inout AppState, _ question: String) -> [Effect] {
        guard state.turn == nil, state.batch == nil else { return [] }
        if askBeforeSending(&state, plan: { plan($0, question: .draft(question)) }, then: .draft) { return [] }
        let conversation = state.conversation
        let create = conversation.id == nil
            ? conversation.newRecordSettings(title: ConversationState.title(for: question), endpointName: environment.endpointName)
            : nil
        let serial = state.nextUnsavedSerial
        state.nextUnsavedSerial += 1
        // What the history refused before goes first: a question is never stored before it.
        let backlog = state.unsavedSaves
        state.unsavedSaves = []
        state.nextSaveRetry = nil
        return [.saveQuestion(text: question, conversation: conversation.id, create: create,
                              ordinal: conversation.nextOrdinal, serial: serial, attachments: conversation.attachments,
                              after: conversation.lastStoredMessage, backlog: backlog, behind: waitingTarget(state, in: backlog))]
    }

    /// `confirm_above`: a request predicted to cost more (a question, F5's retry, a
    /// `/continue`) opens a dialog that says why; "Send" sends it as it is — unless it now
    /// costs more than the dialog said (the clock crossed into peak hours while it was
    /// open), which is asked again with both amounts.
    func askBeforeSending(_ state: inout AppState, plan: (AppState) -> RequestPlan, then send: ConfirmedSend) -> Bool {
        askBeforeSending(&state, plans: { [plan($0)] }, then: send)
    }

    /// `askBeforeSending` for several requests at once (`/each`): their predicted costs
    /// added up, each as if sent now (the warm-up makes the later ones cheaper).
    func askBeforeSending(_ state: inout AppState, plans makePlans: (AppState) -> [RequestPlan], then send: ConfirmedSend) -> Bool {
        let confirmed = state.sendConfirmed
        state.sendConfirmed = false
        guard let limit = environment.confirmAbove else { return false }
        let shown = confirmed ? state.confirmedCost : nil
        if confirmed && shown == nil { return false }
        let plans = makePlans(state)
        guard let plan = plans.first else { return false }
        let confirmAbove = Formatting.money(limit, currency: environment.currency)
        let costs = plans.compactMap { $0.prediction?.cost }
        let cost = costs.count == plans.count
            ? costs.dropFirst().reduce(costs[0]) { Cost(amount: $0.amount + $1.amount, withoutCache: $0.withoutCache + $1.withoutCache, currency: $0.currency) }
            : nil
        guard let cost else {
            guard !confirmed else { return false }
            // No price for this model (in this currency): the guard cannot judge, so it asks.
            state.confirmedCost = nil
            state.pending = .confirmSend(send)
            state.overlay = .dialog(Dialog(
                title: "Send without a known price?",
                message: "confirm_above is \(confirmAbove), but no price is known for "
                    + "\(TerminalSanitizer.clean(plan.settings.model)) in \(environment.currency.rawValue): the cost of this request "
                    + "cannot be predicted (\(Formatting.grouped(plan.prediction?.missTokens ?? plan.prompt.tokenCount)) tokens would miss).",
                buttons: ["Send", "Cancel"]))
            return true
        }
        let amount = Formatting.money(cost.amount, currency: cost.currency)
        let title: String
        var message: String
        if let shown {
            // Accepted at `shown`: only a dearer request asks again.
            guard cost.amount > shown * (1 + 1e-9) else { return false }
            title = "Now about \(amount): send?"
            message = "When you were asked the prompt was predicted to cost \(Formatting.money(shown, currency: cost.currency)); "
                + "it is \(amount) now, above confirm_above (\(confirmAbove)), before any output: "
        } else if plans.count > 1 {
            guard cost.amount > limit else { return false }
            title = "Send \(plans.count) questions for up to about \(amount)?"
            message = "The \(plans.count) prompts are predicted to cost \(amount) together, each as if sent now (the warm-up makes "
                + "the later ones cheaper), above confirm_above (\(confirmAbove)), before any output: "
        } else {
            guard cost.amount > limit else { return false }
            title = "Send for about \(amount)?"
            message = "The prompt is predicted to cost \(amount), above confirm_above (\(confirmAbove)), before any output: "
        }
        message += costReasons(state, plan: plan, send: send).joined(separator: "; ") + "."
        state.confirmedCost = cost.amount
        state.pending = .confirmSend(send)
        state.overlay = .dialog(Dialog(title: title, message: message, buttons: ["Send", "Cancel"]))
        return true
    }

    /// Why a send costs what it does: the cache it misses, attached documents, the hour's
    /// price, and — for a new question — what changed since the conversation's last request
    /// (a model, the reasoning effort, the system prompt: `DraftCheck`'s causes).
    func costReasons(_ state: AppState, plan: RequestPlan, send: ConfirmedSend) -> [String] {
        var changes: [String] = []
        var previousModel = state.exchange?.plan.settings.model
        var isQuestion = send == .draft
        if case .each = send { isQuestion = true }
        if isQuestion, let exchange = state.exchange {
            let check = DraftCheck(previous: exchange.plan, reply: exchange.reply, previousSequence: exchange.sequence, draft: plan)
            changes = check.causes.map(Self.describe)
            previousModel = nil  // a model switch is among the causes
        }
        var reasons = CostGuard.reasons(plan: plan, previousModel: previousModel, prices: environment.prices,
                                        currency: environment.currency, at: clock.now())
        reasons.insert(contentsOf: changes, at: min(1, reasons.count))
        return reasons
    }

    /// The question is in the conversation (saved or not): send it.
    func questionSaved(_ state: inout AppState, _ message: HistoryMessage, record: Conversation?, problem: String?) -> [Effect] {
        if let record { state.conversation.record = record }
        state.conversation.messages.append(message)
        state.editor.commit()
        state.editor.setText("")
        state.draft = nil
        state.predictionDue = nil
        state.scrollToBottom = true
        let effects = startTurn(&state)
        if let problem { warn(&state, problem + " It is sent anyway and kept on screen.") }
        return effects
    }

    /// Sends the conversation as it stands: its last message is the question.
    func startTurn(_ state: inout AppState) -> [Effect] {
        let plan = plan(state, question: .lastUserMessage)
        let token = state.nextTurnToken
        state.nextTurnToken += 1
        state.turn = TurnState(token: token, plan: plan, startedAt: clock.now(), startedUptime: now)
        state.lastSpinnerTick = now
        state.notice = nil  // the last turn's outcome no longer describes what is on screen
        return [.send(plan, token: token)]
    }

    /// `/continue`: the last reply, cut at max_tokens or stopped, carries on where it ended
    /// (chat prefix completion on the beta base URL): the prompt and the partial reply are a
    /// cached prefix, only the tail is new; the parts are stored as one reply.
    func continueReply(_ state: inout AppState) -> [Effect] {
        guard isIdle(&state), allSaved(&state, "continuing the reply") else { return [] }
        guard let last = state.conversation.messages.last, last.role == .assistant, last.isSent else {
            info(&state, "There is no reply to continue: /continue carries on the last reply after it was cut (max_tokens) or stopped.")
            return []
        }
        guard last.canContinue else {
            info(&state, "The last reply ended as the model meant it to: there is nothing to continue (/continue carries on a "
                 + "reply cut at max_tokens or stopped).")
            return []
        }
        let plan = plan(state, question: .continueLastReply)
        if askBeforeSending(&state, plan: { _ in plan }, then: .continueReply) { return [] }
        state.conversation.messages.removeLast()
        let token = state.nextTurnToken
        state.nextTurnToken += 1
        var turn = TurnState(token: token, plan: plan, startedAt: clock.now(), startedUptime: now)
        turn.content.append(last.content)
        if let reasoning = last.reasoningContent { turn.reasoning.append(reasoning) }
        state.turn = turn
        state.lastSpinnerTick = now
        state.notice = nil
        if let changed = continuationChanges(plan.settings, reply: last, before: state.exchange?.plan.settings) {
            state.turn?.continuedDifferently = changed
            warn(&state, "Continuing \(changed).")
        }
        return [.send(plan, token: token)]
    }

    /// What differs between the request that began a reply and the one continuing it
    /// (after `/model`, `/json`, `/effort`, `/think`), said before it goes; nil when nothing.
    func continuationChanges(_ now: RequestSettings, reply: HistoryMessage, before: RequestSettings?) -> String? {
        var changes: [String] = []
        if let began = reply.model ?? before?.model, began != now.model {
            changes.append("with \(TerminalSanitizer.clean(now.model)) (began with \(TerminalSanitizer.clean(began)); cold cache)")
        }
        if let before {
            if before.options.jsonObject != now.options.jsonObject {
                changes.append(now.options.jsonObject ? "in JSON mode (began without)" : "without JSON mode (began in it)")
            }
            if before.effectiveThinking != now.effectiveThinking {
                changes.append(now.effectiveThinking ? "with thinking on" : "with thinking off")
            } else if before.renderedEffort != now.renderedEffort {
                changes.append("at \(now.renderedEffort?.rawValue ?? "default") effort, not \(before.renderedEffort?.rawValue ?? "default")")
            }
        }
        return changes.isEmpty ? nil : changes.joined(separator: ", ")
    }

    /// F5, `/regen`: the last reply again (after a failure, a retry).
    func regenerate(_ state: inout AppState) -> [Effect] {
        guard state.turn == nil, allSaved(&state, "regenerating") else { return [] }
        guard let last = state.conversation.messages.last else {
            info(&state, "There is no reply to regenerate.")
            return []
        }
        guard last.role == .assistant || last.role == .user else {
            info(&state, "There is no reply to regenerate.")
            return []
        }
        var question = state.conversation
        if last.role == .assistant { question.messages.removeLast() }
        if askBeforeSending(&state, plan: { plan($0, question: .lastUserMessage, conversation: question) }, then: .regenerate) {
            return []
        }
        switch last.role {
        case .assistant:
            if let id = last.id.messageID { return [.deleteMessage(id)] }
            state.conversation.messages.removeLast()
            return startTurn(&state)
        case .user:
            return startTurn(&state)
        default:
            info(&state, "There is no reply to regenerate.")
            return []
        }
    }

    /// The old reply is gone from the history: send again.
    func messageDeleted(_ state: inout AppState, _ id: MessageID) -> [Effect] {
        state.conversation.messages.removeAll { $0.id == .stored(id) }
        return startTurn(&state)
    }

    /// Esc, Ctrl-C while streaming: stop at once, keep what arrived.
    func stop(_ state: inout AppState) -> [Effect] {
        guard var turn = state.turn, !turn.stopping else { return [] }
        turn.stopping = true
        state.turn = turn
        return [.cancel(token: turn.token)]
    }

    // MARK: - Turn events

    func handleTurn(_ state: inout AppState, _ event: TurnEvent) -> [Effect] {
        guard var turn = state.turn else { return [] }
        if case .finished(let result) = event { return finishTurn(&state, turn, result) }
        advance(&turn, event, &state)
        state.turn = turn
        return []
    }

    /// A runner event before the end of a request, applied to its turn.
    func advance(_ turn: inout TurnState, _ event: TurnEvent, _ state: inout AppState) {
        switch event {
        case .started(let replyID, let problem):
            if let replyID {
                turn.replyID = .stored(replyID)
            } else {
                turn.replyID = .unsaved(state.nextUnsavedSerial)
                state.nextUnsavedSerial += 1
            }
            turn.saveProblem = problem
            if let problem { warn(&state, problem + " The reply will be shown but not kept.") }
        case .retrying(let attempt, let delay, let reason):
            turn.retry = TurnState.Retry(reason: reason, attempt: attempt, at: now + delay)
        case .delta(let content, let reasoning):
            // Appending grows the buffers in place: no copy of what arrived before.
            turn.retry = nil
            if turn.firstTokenUptime == nil { turn.firstTokenUptime = now }
            turn.deltas += 1
            if !content.isEmpty { turn.content.append(content) }
            if !reasoning.isEmpty { turn.reasoning.append(reasoning) }
        case .finished:
            break
        }
    }

    /// The reply joins the conversation with its outcome; the cache marks, the predictor,
    /// the reused-prefix tally and the totals learn from the request.
    func finishTurn(_ state: inout AppState, _ turn: TurnState, _ result: TurnResult) -> [Effect] {
        state.turn = nil
        let reply = replyMessage(&state, turn, result)
        state.conversation.messages.append(reply)
        learn(&state, from: turn, result, reply: reply)
        announce(&state, result, jsonObject: turn.plan.settings.options.jsonObject, continuedDifferently: turn.continuedDifferently)
        if state.pending == .quit, case .dialog(var dialog)? = state.overlay {
            // The question was about a reply in flight; it has ended — saved, or not.
            if state.unsavedSaves.isEmpty {
                dialog.message = "The reply has ended and is saved. Quit?"
            } else {
                dialog = unsavedQuitDialog(state)
            }
            state.overlay = .dialog(dialog)
        }
        // Something may have been typed while the reply streamed: predict it now.
        state.predictionDue = state.editor.isEmpty ? nil : now
        state.draft = nil
        return [.refreshTotals(state.conversation.id)] + refreshBalance(&state)
    }

    /// The cache marks, the predictor, the reused-prefix tally and the unsaved totals learn
    /// from a request that ended (a turn, or one `/each` question).
    func learn(_ state: inout AppState, from turn: TurnState, _ result: TurnResult, reply: HistoryMessage) {
        let plan = turn.plan
        let kept = reply.isSent ? reply.templateMessage : nil
        if !result.estimated, let usage = result.usage, let hit = usage.resolvedCacheHitTokens {
            let map = plan.reuseMap(hitTokens: hit, serverPromptTokens: usage.resolvedPromptTokens)
            let sequence = result.outcome == .completed
                ? plan.cacheSequence(replyContent: result.reply.content, reasoning: result.reply.reasoningContent, template: template)
                : CacheSequence(ids: plan.prompt.ids, promptLength: plan.prompt.ids.count)
            let key = predictorKey(model: plan.settings.model)
            var predictor = predictor(state, model: plan.settings.model)
            predictor.record(sequence: sequence, actualHit: hit, now: turn.startedAt.timeIntervalSince1970)
            state.predictors[key] = predictor
            if map.hitTokens > 0 { state.tally.record(ReusedPrefix(map: map, pinnedMessageCount: plan.pinnedCount, documents: plan.documentItems)) }
            if let id = plan.conversation { state.talliedConversations.insert(id) }
            state.exchange = Exchange(plan: plan, reply: kept, sequence: sequence.ids, hitTokens: hit, marks: plan.marks(for: map))
            if let approximation = map.approximation {
                warn(&state, "Cache marks are approximate: the server counted \(Formatting.grouped(approximation.serverTokens)) prompt tokens, we counted \(Formatting.grouped(approximation.localTokens)).")
            }
        } else {
            if result.receivedReply {
                // The server read the prompt (it began to answer), so it is cached now,
                // even though no usage says how much of it hit.
                var predictor = predictor(state, model: plan.settings.model)
                predictor.recordUnconfirmed(promptIDs: plan.prompt.ids, now: turn.startedAt.timeIntervalSince1970)
                state.predictors[predictorKey(model: plan.settings.model)] = predictor
            }
            state.exchange = Exchange(plan: plan, reply: kept, sequence: nil, hitTokens: nil, marks: .none)
        }
        if result.saveProblem != nil {
            state.totals.unsavedHere.append(result.ledger)
            state.totals.unsavedInSession.append(result.ledger)
            if let retry = result.retrySave {
                state.unsavedSaves.append(AppState.UnsavedSave(conversation: plan.conversation, retry: retry, target: result.saveTarget))
                if let target = result.saveTarget { state.conversation.saveTarget = target }
                if state.nextSaveRetry == nil { state.nextSaveRetry = now + AppLogic.saveRetryInterval }
            }
        }
    }

    /// The reply as the conversation keeps it: the stored row, or (when it could not be
    /// saved) the same text in memory, marked with its outcome.
    func replyMessage(_ state: inout AppState, _ turn: TurnState, _ result: TurnResult, ordinal: Int? = nil) -> HistoryMessage {
        if result.saveProblem == nil, let stored = result.storedReply { return HistoryMessage(stored) }
        var id = turn.replyID ?? .unsaved(state.nextUnsavedSerial)
        if id.messageID != nil || turn.replyID == nil {
            id = .unsaved(state.nextUnsavedSerial)
            state.nextUnsavedSerial += 1
        }
        let messageState: StoredMessage.State = switch result.outcome {
        case .completed: .complete
        case .stopped: .interrupted(reason: "stopped")
        case .connectionLost: .interrupted(reason: "connection lost")
        case .failed(let error): .failed(message: error.message)
        }
        return HistoryMessage(id: id, ordinal: ordinal ?? state.conversation.nextOrdinal, role: .assistant, content: result.reply.content,
                              reasoningContent: result.reply.reasoningContent.isEmpty ? nil : result.reply.reasoningContent,
                              created: clock.now(), state: messageState, model: turn.plan.settings.model)
    }

    /// The status bar's word on how the turn ended.
    private func announce(_ state: inout AppState, _ result: TurnResult, jsonObject: Bool, continuedDifferently: String? = nil) {
        if let problem = result.saveProblem {
            fail(&state, problem + (result.retrySave == nil ? " The reply stays on screen until you leave this conversation; /copy copies it."
                 : " The reply stays on screen; cachechat tries again every \(Int(AppLogic.saveRetryInterval)) s, /save tries now, /copy copies it."))
            return
        }
        if let problem = result.usageProblem {
            warn(&state, "The server's usage was not understood (\(problem)): this request's tokens and cost are not counted.")
            return
        }
        if jsonObject, result.outcome == .completed, result.reply.content.allSatisfy(\.isWhitespace) {
            fail(&state, APIError.emptyJSONReply().message + " (/json off leaves JSON mode.)")
            return
        }
        switch result.outcome {
        case .completed:
            if let usage = result.usage, let hit = usage.resolvedCacheHitTokens, let prompt = usage.resolvedPromptTokens {
                let line = "\(Formatting.grouped(hit)) of \(Formatting.grouped(prompt)) prompt tokens from cache"
                if let changed = continuedDifferently {
                    warn(&state, "Continued \(changed) · " + line)
                } else {
                    info(&state, line)
                }
            }
        case .stopped:
            if !result.receivedReply {
                info(&state, "Stopped before any reply arrived.")
            } else {
                info(&state, "Stopped. The part received is kept" + (result.estimated ? " (its tokens are estimated: the server sent no usage)." : "."))
            }
        case .connectionLost:
            warn(&state, "The connection dropped: the part received is kept; F5 asks again.")
        case .failed(let error):
            fail(&state, "Failed: \(error.message)" + (error.isRetryable ? " — F5 retries." : " — F5 sends it again once fixed."))
        }
    }
}
