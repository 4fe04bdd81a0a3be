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
        guard state.turn == nil else {
            info(&state, "A reply is still streaming: wait for it or press Esc to stop it.")
            return []
        }
        let question = text.hasPrefix("//") ? String(text.dropFirst()) : text
        let conversation = state.conversation
        let create = conversation.id == nil
            ? conversation.newRecordSettings(title: ConversationState.title(for: question), endpointName: environment.endpointName)
            : nil
        let serial = state.nextUnsavedSerial
        state.nextUnsavedSerial += 1
        return [.saveQuestion(text: question, conversation: conversation.id, create: create,
                              ordinal: conversation.nextOrdinal, serial: serial, after: conversation.lastStoredMessage)]
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

    /// F5, `/regen`: the last reply again (after a failure, a retry).
    func regenerate(_ state: inout AppState) -> [Effect] {
        guard state.turn == nil else { return [] }
        guard let last = state.conversation.messages.last else {
            info(&state, "There is no reply to regenerate.")
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
        switch event {
        case .started(let replyID, let problem):
            if let replyID {
                turn.replyID = .stored(replyID)
            } else {
                turn.replyID = .unsaved(state.nextUnsavedSerial)
                state.nextUnsavedSerial += 1
            }
            turn.saveProblem = problem
            state.turn = turn
            if let problem { warn(&state, problem + " The reply will be shown but not kept.") }
        case .retrying(let attempt, let delay, let reason):
            turn.retry = TurnState.Retry(reason: reason, attempt: attempt, at: now + delay)
            state.turn = turn
        case .delta(let content, let reasoning):
            // Appending grows the buffers in place: no copy of what arrived before.
            turn.retry = nil
            if turn.firstTokenUptime == nil { turn.firstTokenUptime = now }
            turn.deltas += 1
            if !content.isEmpty { turn.content.append(content) }
            if !reasoning.isEmpty { turn.reasoning.append(reasoning) }
            state.turn = turn
        case .finished(let result):
            return finishTurn(&state, turn, result)
        }
        return []
    }

    /// The reply joins the conversation with its outcome; the cache marks, the predictor,
    /// the reused-prefix tally and the totals learn from the request.
    func finishTurn(_ state: inout AppState, _ turn: TurnState, _ result: TurnResult) -> [Effect] {
        state.turn = nil
        let reply = replyMessage(&state, turn, result)
        state.conversation.messages.append(reply)
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
            if map.hitTokens > 0 { state.tally.record(ReusedPrefix(map: map, pinnedMessageCount: plan.pinnedCount)) }
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
        }
        announce(&state, result)
        if state.pending == .quit, case .dialog(var dialog)? = state.overlay {
            // The question was about a reply in flight; it has ended.
            dialog.message = "The reply has ended and is saved. Quit?"
            state.overlay = .dialog(dialog)
        }
        // Something may have been typed while the reply streamed: predict it now.
        state.predictionDue = state.editor.isEmpty ? nil : now
        state.draft = nil
        return [.refreshTotals(state.conversation.id)]
    }

    /// The reply as the conversation keeps it: the stored row, or (when it could not be
    /// saved) the same text in memory, marked with its outcome.
    private func replyMessage(_ state: inout AppState, _ turn: TurnState, _ result: TurnResult) -> HistoryMessage {
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
        return HistoryMessage(id: id, ordinal: state.conversation.nextOrdinal, role: .assistant, content: result.reply.content,
                              reasoningContent: result.reply.reasoningContent.isEmpty ? nil : result.reply.reasoningContent,
                              created: clock.now(), state: messageState, model: turn.plan.settings.model)
    }

    /// The status bar's word on how the turn ended.
    private func announce(_ state: inout AppState, _ result: TurnResult) {
        if let problem = result.saveProblem {
            fail(&state, problem + " The reply stays on screen until you leave this conversation; /copy copies it.")
            return
        }
        if let problem = result.usageProblem {
            warn(&state, "The server's usage was not understood (\(problem)): this request's tokens and cost are not counted.")
            return
        }
        switch result.outcome {
        case .completed:
            if let usage = result.usage, let hit = usage.resolvedCacheHitTokens, let prompt = usage.resolvedPromptTokens {
                info(&state, "\(Formatting.grouped(hit)) of \(Formatting.grouped(prompt)) prompt tokens from cache")
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
