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
        let before = RequestPlan(conversation, question: .draft(draft), options: environment.options, renderer: renderer)
        let tokens = before.prompt.ids.count
        // `now`: as if the window were the prompt as it stands: about half of it goes.
        let used = force ? TruncationPolicy(contextLimit: max(1, tokens), triggerFraction: 0, targetFraction: 0.5) : policy
        guard var ordinal = conversation.blockCut(adding: draft, policy: used, options: environment.options, renderer: renderer)?.ordinal else {
            info(&state, "The prompt is \(Formatting.grouped(tokens)) of \(Formatting.grouped(policy.contextLimit)) tokens: "
                 + "no cut needed until \(Formatting.grouped(policy.triggerTokens))" + (force ? ", and there is no whole turn to drop." : "."))
            return []
        }
        // `now` keeps the last exchange: a follow-up needs what it follows.
        let sent = conversation.sentMessages
        if force, let lastQuestion = sent.last(where: { $0.role == .user }) { ordinal = min(ordinal, lastQuestion.ordinal) }
        let dropped = sent.filter { $0.ordinal < ordinal }
        let droppedTurns = dropped.filter { $0.role == .user }.count
        guard droppedTurns > 0 else {
            info(&state, "Only the last exchange is sent: there is no whole turn to drop.")
            return []
        }
        // The numbers are those of the request that would be sent after the cut.
        let after = RequestPlan(conversation.cut(at: ordinal), question: .draft(draft), options: environment.options, renderer: renderer)
        let keptHistory = after.items.filter { $0.part == .history }.count
        state.pending = .truncate(ordinal: ordinal)
        state.overlay = .dialog(Dialog(
            title: "Cut old history once?",
            message: "Drop the \(droppedTurns) oldest turn(s) (messages \(dropped.first!.ordinal)–\(dropped.last!.ordinal)), keeping the "
                + (conversation.fewShot == nil ? "system prompt" : "few-shot set") + " and \(keptHistory) message(s): "
                + "\(Formatting.grouped(tokens)) → \(Formatting.grouped(after.prompt.ids.count)) tokens. "
                + "The next request misses the kept history once; the new prefix then stays cached. "
                + truncationComparison(state, policy: policy, force: force ? droppedTurns : nil)
                + " Messages stay in the transcript and the history.",
            buttons: ["Cut", "Cancel"]))
        return []
    }

    /// Predicted miss tokens and cost of the next 20 turns: block cut, sliding window and
    /// summary under the model's window; for `/truncate now` (`force`: the turns it drops),
    /// cutting now against not cutting.
    func truncationComparison(_ state: AppState, policy: TruncationPolicy, force droppedTurns: Int? = nil) -> String {
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
        let price = environment.prices.price(model: state.conversation.model, at: clock.now(), currency: environment.currency)?.prices
        let describe = { (name: String, outcome: TruncationSimulation.Outcome) -> String in
            "\(name) \(Formatting.grouped(outcome.missTokens)) missed tokens"
                + (price.map { " (\(Formatting.money(outcome.cost($0), currency: self.environment.currency)) in all)" } ?? "")
        }
        if let droppedTurns {
            let now = simulation.run(.cutNow(droppingTurns: droppedTurns), next: next)
            let later = simulation.run(.blockCut, next: next)
            return "Next 20 turns: " + describe("cutting now", now) + ", " + describe("not cutting", later) + "."
        }
        return "Next 20 turns: " + describe("block cut", simulation.run(.blockCut, next: next)) + ", "
            + describe("sliding window", simulation.run(.slidingWindow, next: next)) + ", "
            + describe("summarise everything", simulation.run(.summarise(summaryTokens: 300), next: next)) + "."
    }

    /// A confirmed cut: requests start at `ordinal` from now on (saved with the conversation).
    func applyCut(_ state: inout AppState, ordinal: Int) -> [Effect] {
        state.conversation = state.conversation.cut(at: ordinal)
        info(&state, "History cut: requests now start at message \(ordinal). Expect one miss, then hits on the new prefix.")
        repredict(&state)
        return persistRules(state)
    }
}
