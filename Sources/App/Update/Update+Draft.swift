import ChatCore
import Foundation
import TerminalUI

extension AppLogic {
    /// Seconds of quiet typing before the draft is predicted: predicting renders and hashes
    /// the whole prompt, so it waits for a pause instead of running per key.
    public static let predictionDelay = 0.12

    /// The draft changed: predict it once typing pauses.
    func draftChanged(_ state: inout AppState) {
        state.predictionDue = now + Self.predictionDelay
    }

    /// Plans the draft, predicts its hit and cost, checks it against this conversation's
    /// last request and against the context window.
    func updateDraft(_ state: inout AppState) {
        let text = state.editor.text
        // While a reply streams, the next request will carry that reply too, and it is not
        // written yet: the draft is predicted when the reply ends.
        guard !state.isBusy, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !text.hasPrefix("/") || text.hasPrefix("//") else {
            state.draft = nil
            return
        }
        let question = text.hasPrefix("//") ? String(text.dropFirst()) : text
        let plan = plan(state, question: .draft(question))
        var check: DraftCheck?
        var lost = 0
        if let exchange = state.exchange {
            check = DraftCheck(previous: exchange.plan, reply: exchange.reply, previousSequence: exchange.sequence, draft: plan)
            if check?.breaksCache == true {
                // A change that loses nothing (the cache held less than what still matches)
                // is not worth a warning.
                lost = max(0, cachedNow(state) - (plan.prediction?.hitTokens ?? 0))
            }
        }
        let limit = contextLimit(model: plan.settings.model)
        let policy = TruncationPolicy(contextLimit: limit)
        let tokens = plan.prompt.ids.count
        let reserved = max(0, plan.settings.options.maxTokens ?? 0)
        let context = policy.needsTruncation(promptTokens: tokens + reserved) || tokens + reserved > limit
            ? ContextCheck(tokens: tokens, limit: limit, reserved: reserved) : nil
        state.draft = DraftState(plan: plan, check: check, lostTokens: lost, context: context, text: text)
    }

    /// The draft warning in words; its numbers are the Draft line's.
    func draftWarnings(_ state: AppState) -> [String] {
        guard let draft = state.draft else { return [] }
        var warnings: [String] = []
        if let check = draft.check, check.breaksCache, draft.lostTokens > 0, let prediction = draft.plan.prediction {
            warnings.append(describe(check, draft: draft.plan, lostTokens: draft.lostTokens, missTokens: prediction.missTokens, state: state))
        }
        if let context = draft.context {
            let numbers = "\(Formatting.grouped(context.tokens)) of \(Formatting.grouped(context.limit)) tokens"
                + (context.reserved > 0 ? ", with max_tokens \(Formatting.grouped(context.reserved))" : "")
            warnings.append(context.over
                ? "Over the context window (\(numbers)): the request would fail. /truncate cuts old history once, cache-friendly."
                : "Near the context window (\(numbers)): /truncate cuts old history once, cache-friendly.")
        }
        return warnings
    }

    /// Tokens of what the conversation's last request left in the cache that are still
    /// there now: the most the next request can reuse (0 without a last request).
    func cachedNow(_ state: AppState) -> Int {
        guard let exchange = state.exchange else { return 0 }
        let ids = exchange.sequence ?? exchange.plan.prompt.ids
        return predictor(state, model: exchange.plan.settings.model)
            .predict(promptIDs: ids, now: clock.now().timeIntervalSince1970).hitTokens
    }

    /// A rule of the conversation changed (model, thinking, system prompt, few-shot set):
    /// says so, and warns with numbers when the next request will reuse less of the cache.
    func ruleChanged(_ state: inout AppState, _ change: String) {
        repredict(&state)
        let held = cachedNow(state)
        let next = plan(state, question: .draft("")).prediction?.hitTokens ?? 0
        if held > next {
            var cost = ""
            if let price = environment.prices.price(model: state.conversation.model, at: clock.now(), currency: environment.currency) {
                let extra = Double(held - next) * (price.prices.cacheMiss - price.prices.cacheHit) / 1_000_000
                cost = " (about \(Formatting.money(extra, currency: environment.currency)) more than hits)"
            }
            warn(&state, "\(change) The next request reuses \(Formatting.grouped(next)) of the \(Formatting.grouped(held)) "
                 + "tokens the cache holds from the last one: \(Formatting.grouped(held - next)) will miss\(cost).")
        } else {
            info(&state, change)
        }
    }

    /// A note that is not a warning: thinking mode's usual lag, explained once.
    func draftNote(_ state: AppState) -> String? {
        guard let check = state.draft?.check, !check.breaksCache, check.thinkingLag else { return nil }
        let v4 = (environment.cacheModel ?? CachePredictor.defaultCacheModel(forModel: state.conversation.model)) == .v4
        return "Thinking mode: the last reply's reasoning is not sent back, so reuse ends near your previous question"
            + (v4 ? " (on V4's cache, once two requests have shared that part)" : "") + ". Expected."
    }

    func describe(_ check: DraftCheck, draft: RequestPlan, lostTokens: Int, missTokens: Int, state: AppState) -> String {
        var text = "Breaks the cache"
        if let id = check.firstDifference { text += " at " + label(of: id, in: draft, state: state) }
        let reasons = check.causes.map(Self.describe)
        if !reasons.isEmpty { text += " (" + reasons.joined(separator: "; ") + ")" }
        text += ": \(Formatting.grouped(lostTokens)) cached tokens lost, \(Formatting.grouped(missTokens)) tokens will miss"
        if let old = check.previousExcerpt, let new = check.currentExcerpt, !old.isEmpty || !new.isEmpty {
            text += ". Was “\(old)”, now “\(new)”"
        }
        return text
    }

    /// How a person finds a message: "the system prompt", "shot 2", "message 5".
    func label(of id: TranscriptID, in plan: RequestPlan, state: AppState) -> String {
        switch id {
        case .pinned(let index):
            if index == 0 { return "the system prompt" }
            return "shot \((index + 1) / 2)"
        case .attachment(let index):
            let name = state.conversation.attachments.indices.contains(index) ? state.conversation.attachments[index].name : nil
            return name.map { "the attached \($0)" } ?? "an attachment"
        case .draft: return "your draft"
        default:
            if let message = state.conversation.messages.first(where: { $0.id == id }) { return "message \(message.ordinal)" }
            return "a message"
        }
    }

    static func describe(_ cause: DraftCheck.Cause) -> String {
        switch cause {
        case .model(let from, let to): "model changed from \(from) to \(to): each model has its own cache"
        case .systemPrompt: "system prompt changed"
        case .fewShotSet: "another few-shot set"
        case .fewShotVersion: "the few-shot set was edited"
        case .thinking(_, let to): "thinking turned \(to ? "on" : "off"): the end of the last turn renders differently"
        case .reasoningEffort(let from, let to):
            "reasoning effort \(from?.rawValue ?? "default") → \(to?.rawValue ?? "default"): max adds a preamble at the start"
        case .truncationCut(let from, let to): "history cut moved from message \(from) to \(to)"
        case .earlierMessageEdited: "an earlier message was edited"
        case .messageRemoved: "a message was removed"
        case .messageInserted: "a message was inserted"
        case .roleChanged: "a message changed role"
        case .volatileValue(let value): "a changing \(value) in the prefix"
        case .templateReRender: "the last turn renders differently now"
        }
    }
}
