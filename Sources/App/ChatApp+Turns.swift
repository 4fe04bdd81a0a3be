import ChatCore
import ChatWire
import Foundation
import TerminalUI

extension ChatApp {
    /// Sends the draft. It stays in the editor until the request is on its way, so an
    /// error before that loses nothing.
    func sendDraft() {
        let text = editor.text
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        guard turn == nil else {
            info("A reply is still streaming: wait for it or press Esc to stop it.")
            return
        }
        if text.hasPrefix("/") && !text.hasPrefix("//") {
            runCommand(text)
            return
        }
        let message = text.hasPrefix("//") ? String(text.dropFirst()) : text
        if predictionDue != nil || accounting.prediction == nil {
            // The prediction is recorded with the request: make sure it is for this text.
            predictionDue = nil
            accounting.updatePrediction(state: state, draft: message)
        }
        do {
            let sentIDs = requestMessageIDs()
            turn = try session.send(message, in: &state, predictedHitTokens: accounting.prediction?.hitTokens)
            pendingRequestIDs = sentIDs + [Int(state.messages.last!.id.rawValue)]
            editor.commit()
            editor.setText("")
            accounting.updatePrediction(state: state, draft: "")
            accounting.setWarning(nil)
            notice = nil
            screen.transcriptView.scrollToBottom()
        } catch {
            fail("Could not send: \(error). Your message is still in the editor.")
        }
        needsRedraw = true
    }

    /// Sends the conversation again without its last reply.
    func regenerate() {
        guard turn == nil else { return }
        guard let last = state.messages.last, last.role == .assistant else {
            info("There is no reply to regenerate.")
            return
        }
        if let store, state.conversation != nil {
            do {
                try store.deleteLastMessage(last.id)
            } catch {
                fail("Could not remove the old reply: \(error)")
                return
            }
        }
        state.messages.removeLast()
        do {
            pendingRequestIDs = requestMessageIDs()
            turn = try session.sendCurrent(state, predictedHitTokens: nil)
        } catch {
            fail("Could not regenerate: \(error)")
        }
        needsRedraw = true
    }

    func handleTurnEvent(_ turn: Turn, _ event: ChatCallEvent) {
        needsRedraw = true
        switch event {
        case .completed, .failed:
            finishTurn(turn)
        case .retrying:
            break  // the status bar counts down from turn.retry
        case .stream:
            break
        }
    }

    private func finishTurn(_ finished: Turn) {
        let reply = session.replyMessage(for: finished, ordinal: state.messages.count + 1)
        state.messages.append(reply)
        if let stored = try? store?.conversation(state.conversation?.id ?? ConversationID(0)) { state.conversation = stored }
        applyReuse(accounting.record(finished, state: state))
        accounting.refreshTotals(state: state, store: store)
        lastTurn = finished
        turn = nil
        switch finished.phase {
        case .failed(let error):
            fail(error.message)
        case .cancelled:
            info("Stopped. The partial reply is kept and marked interrupted.")
        default:
            if let usage = finished.reply.usage, let hit = usage.resolvedCacheHitTokens, let prompt = usage.resolvedPromptTokens {
                info("\(Formatting.grouped(hit)) of \(Formatting.grouped(prompt)) prompt tokens from cache")
            }
        }
        accounting.updatePrediction(state: state, draft: editor.text)
    }

    /// Turns the reuse map of the last request into gutter marks and the horizon line.
    func applyReuse(_ map: ReuseMap?) {
        marks = [:]
        horizonMark = nil
        guard let map else { return }
        for entry in map.entries where !entry.span.isGenerationPrompt && entry.messageIndex < pendingRequestIDs.count {
            let id = pendingRequestIDs[entry.messageIndex]
            switch entry.reuse {
            case .full: marks[id] = .reused
            case .partial(let reused, let total): marks[id] = .partial(reused: reused, total: total)
            case .none: marks[id] = .notReused
            }
        }
        switch map.horizon {
        case .afterLastMessage:
            if let last = pendingRequestIDs.last, map.hitTokens > 0 { horizonMark = (last, false) }
        case .message(let index, let offset):
            if offset > 0, index < pendingRequestIDs.count {
                horizonMark = (pendingRequestIDs[index], true)
            } else if index > 0, index - 1 < pendingRequestIDs.count {
                horizonMark = (pendingRequestIDs[index - 1], false)
            }
        }
        if let approximation = map.approximation {
            warn("Cache marks are approximate: the server counted \(approximation.serverTokens) prompt tokens, we counted \(approximation.localTokens).")
        }
    }

    /// Esc while streaming: stop at once, keep what arrived.
    func cancelTurn() {
        guard let turn else { return }
        session.cancel(turn)
    }
}
