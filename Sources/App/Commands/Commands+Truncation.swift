import ChatCore
import Foundation
import TerminalUI

extension AppLogic {
    /// `/truncate`: when the conversation nears the window, offer one large cut that keeps
    /// the pinned prefix, with the predicted miss cost against a sliding window and against
    /// summarising everything over the next 20 turns.
    func showTruncationPlan(_ state: inout AppState, force: Bool) -> [Effect] {
        let conversation = state.conversation
        let policy = truncationPolicy(model: conversation.model)
        let draft = state.editor.text.isEmpty ? " " : state.editor.text
        let used = force ? TruncationPolicy(contextLimit: 1, triggerFraction: 0, targetFraction: 0.5) : policy
        guard let (ordinal, plan) = conversation.blockCut(adding: draft, policy: used, options: environment.options,
                                                          renderer: renderer) else {
            let tokens = RequestPlan(conversation, question: .draft(draft), options: environment.options, renderer: renderer).prompt.ids.count
            info(&state, "The prompt is \(Formatting.grouped(tokens)) of \(Formatting.grouped(policy.contextLimit)) tokens: "
                 + "no cut needed until \(Formatting.grouped(policy.triggerTokens))" + (force ? ", and there is no whole turn to drop." : "."))
            return []
        }
        state.pending = .truncate(ordinal: ordinal)
        state.overlay = .dialog(Dialog(
            title: "Cut old history once?",
            message: "Drop \(plan.droppedTurns) oldest turn(s) (\(Formatting.grouped(plan.tokensBefore - plan.tokensAfter)) tokens), keeping the system prompt"
                + (conversation.fewShot == nil ? "" : " and the few-shot set") + ": \(Formatting.grouped(plan.tokensBefore)) → \(Formatting.grouped(plan.tokensAfter)) tokens. "
                + "The next request misses the kept history once; the new prefix then stays cached. " + truncationComparison(state, policy: policy)
                + " Messages stay in the transcript and the history.",
            buttons: ["Cut", "Cancel"]))
        return []
    }

    /// Predicted miss tokens and cost of the next 20 turns: block cut, sliding window, summary.
    func truncationComparison(_ state: AppState, policy: TruncationPolicy) -> String {
        let request = RequestPlan(state.conversation, question: .lastUserMessage, options: environment.options, renderer: renderer)
        let (tokens, _) = request.itemTokens
        let pinnedTokens = tokens.prefix(request.pinnedCount).reduce(0, +)
        var turns: [TruncationSimulation.Turn] = []
        var pendingUser = 0
        for (index, item) in request.items.enumerated() where index >= request.pinnedCount {
            if item.message.role == .user {
                pendingUser = tokens[index]
            } else {
                turns.append(TruncationSimulation.Turn(prompt: pendingUser, reply: tokens[index]))
                pendingUser = 0
            }
        }
        guard !turns.isEmpty else { return "" }
        let average = TruncationSimulation.Turn(prompt: turns.map(\.prompt).reduce(0, +) / turns.count,
                                                reply: turns.map(\.reply).reduce(0, +) / turns.count)
        let simulation = TruncationSimulation(pinnedTokens: pinnedTokens, history: turns, policy: policy)
        let next = Array(repeating: average, count: 20)
        let block = simulation.run(.blockCut, next: next)
        let sliding = simulation.run(.slidingWindow, next: next)
        let summary = simulation.run(.summarise(summaryTokens: 300), next: next)
        let currency = environment.currency
        guard let price = environment.prices.price(model: state.conversation.model, at: clock.now(), currency: currency)?.prices else {
            return "Next 20 turns: \(Formatting.grouped(block.missTokens)) missed tokens vs \(Formatting.grouped(sliding.missTokens)) with a sliding window."
        }
        let money = { (value: Double) in Formatting.money(value, currency: currency) }
        return "Next 20 turns: block cut \(Formatting.grouped(block.missTokens)) missed tokens (\(money(block.cost(price)))), "
            + "sliding window \(Formatting.grouped(sliding.missTokens)) (\(money(sliding.cost(price)))), "
            + "summarise everything \(Formatting.grouped(summary.missTokens)) (\(money(summary.cost(price))))."
    }

    /// A confirmed cut: requests start at `ordinal` from now on (saved with the conversation).
    func applyCut(_ state: inout AppState, ordinal: Int) -> [Effect] {
        state.conversation = state.conversation.cut(at: ordinal)
        info(&state, "History cut: requests now start at message \(ordinal). Expect one miss, then hits on the new prefix.")
        repredict(&state)
        return persistRules(state)
    }
}
