import ChatCore
import ChatWire
import Foundation
import Store
import TerminalUI
import Tokenizer

/// The numbers behind the cache panel and the transcript's cache marks: totals from the
/// ledger, the last request's reuse, and the predicted hit and cost of the draft.
///
/// Expensive work happens when something changes (a turn ends, the draft changes), never
/// per frame: the panel model is assembled from cached values.
final class CacheAccounting {
    let session: ChatSession
    let counter: PromptCounter
    private var predictors: [String: PrefixCache] = [:]
    private(set) var conversationTotals = CacheTotals()
    private(set) var allTimeTotals = CacheTotals()
    private(set) var hitRatios: [Double] = []
    private(set) var lastRequest: CachePanelModel.LastRequest?
    private(set) var prediction: CachePanelModel.Prediction?
    private(set) var warning: String?
    private(set) var reusedPrefixes: [String: CachePanelModel.ReusedPrefix] = [:]
    private var reusedOrder: [String] = []

    init(session: ChatSession) {
        self.session = session
        counter = PromptCounter(tokenizer: session.template.tokenizer)
    }

    // MARK: - Totals

    /// Re-reads totals from the ledger (after a turn, or when the conversation changes).
    func refreshTotals(state: ConversationState, store: ChatStore?) {
        guard let store else { return }
        let currency = session.currency.rawValue
        if let id = state.conversation?.id, let summary = try? store.totals(for: id) {
            conversationTotals = Self.totals(summary, currency: currency)
            let entries = (try? store.ledgerEntries(LedgerFilter(conversation: id))) ?? []
            hitRatios = entries.compactMap { entry in
                guard let hit = entry.hitTokens, let prompt = entry.promptTokens, prompt > 0 else { return nil }
                return Double(hit) / Double(prompt)
            }
            if let last = entries.last {
                lastRequest = CachePanelModel.LastRequest(hitTokens: last.hitTokens ?? 0, missTokens: last.missTokens ?? 0,
                                                          outputTokens: last.completionTokens ?? 0,
                                                          timeToFirstToken: last.secondsToFirstToken)
            } else {
                lastRequest = nil
            }
        } else {
            conversationTotals = CacheTotals()
            hitRatios = []
            lastRequest = nil
        }
        if let summary = try? store.stats() { allTimeTotals = Self.totals(summary, currency: currency) }
    }

    static func totals(_ summary: StatsSummary, currency: String) -> CacheTotals {
        let cost = summary.cost(in: currency)
        return CacheTotals(hitTokens: summary.hitTokens, missTokens: summary.missTokens, outputTokens: summary.completionTokens,
                           cost: cost?.cost, costWithoutCache: cost?.costWithoutCache)
    }

    // MARK: - After a turn

    /// Records a finished turn: the predictor learns what the server now caches, the
    /// reused prefix is tallied, and the per-message marks are returned.
    func record(_ turn: Turn, state: ConversationState) -> (marks: [Int: CacheMark], horizon: (index: Int, inside: Bool)?) {
        guard let usage = turn.reply.usage, let hit = usage.resolvedCacheHitTokens else { return ([:], nil) }
        if turn.phase == .completed {
            let continuation = session.render(turn.request.messages + [.assistant(turn.reply.content,
                reasoning: turn.reply.reasoningContent.isEmpty ? nil : turn.reply.reasoningContent)], generationPrompt: false)
            var sequence = continuation.ids
            if !sequence.starts(with: turn.prompt.ids) { sequence = turn.prompt.ids }
            var cache = predictor()
            let hashes = PrefixHash.prefixes(of: sequence)
            _ = cache.lookup(Array(hashes[0...turn.prompt.ids.count]), now: session.clock.now().timeIntervalSince1970)
            _ = cache.record(hashes, promptLength: turn.prompt.ids.count, hit: hit, now: session.clock.now().timeIntervalSince1970)
            predictors[predictorKey] = cache
        }
        let spans = turn.prompt.spans.filter { !$0.isGenerationPrompt }
        var marks: [Int: CacheMark] = [:]
        var horizon: (Int, Bool)? = nil
        for span in spans {
            let reused = min(max(hit - span.start, 0), span.tokenCount)
            if reused == span.tokenCount && span.tokenCount > 0 {
                marks[span.messageIndex] = .reused
            } else if reused > 0 {
                marks[span.messageIndex] = .partial(reused: reused, total: span.tokenCount)
                horizon = (span.messageIndex, true)
            } else {
                marks[span.messageIndex] = .notReused
                if horizon == nil, span.messageIndex > 0 { horizon = (span.messageIndex - 1, false) }
            }
        }
        if horizon == nil, let last = spans.last, hit >= last.end { horizon = (last.messageIndex, false) }
        if hit > 0 { tally(turn: turn, hit: hit, spans: spans) }
        return (marks, horizon)
    }

    /// Counts reuse of a prefix, labelled by what it covers: "system + 4 shots".
    private func tally(turn: Turn, hit: Int, spans: [MessageSpan]) {
        let covered = spans.filter { $0.end <= hit }
        let messages = turn.request.messages
        var parts: [String] = []
        if covered.contains(where: { messages[$0.messageIndex].role == .system }) { parts.append("system") }
        let pinnedShots = covered.filter { $0.messageIndex < turn.pinnedCount && messages[$0.messageIndex].role == .assistant }.count
        if pinnedShots > 0 { parts.append("\(pinnedShots) shot\(pinnedShots == 1 ? "" : "s")") }
        let turns = covered.filter { $0.messageIndex >= turn.pinnedCount && messages[$0.messageIndex].role == .user }.count
        if turns > 0 { parts.append("\(turns) turn\(turns == 1 ? "" : "s")") }
        let label = parts.isEmpty ? "\(hit) tokens" : parts.joined(separator: " + ")
        let key = "\(label)|\(hit)"
        if var existing = reusedPrefixes[key] {
            existing.uses += 1
            reusedPrefixes[key] = existing
        } else {
            reusedPrefixes[key] = CachePanelModel.ReusedPrefix(label: label, tokens: hit, uses: 1)
            reusedOrder.append(key)
        }
    }

    // MARK: - Prediction

    private var predictorKey: String { "\(session.endpoint.displayName)|\(session.endpoint.baseURL)|\(session.model)" }

    private func predictor() -> PrefixCache {
        predictors[predictorKey] ?? PrefixCache(kind: .v4, settings: CacheSettings(unit: 128))
    }

    /// Predicts the draft's hit, miss and cost; called when the draft or the conversation changes.
    func updatePrediction(state: ConversationState, draft: String) {
        let trimmed = draft.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            prediction = nil
            return
        }
        let messages = state.requestMessages(adding: draft).map(TemplateMessage.init(chat:))
        let entry = ModelTemplates.template(forModel: session.model)
        let rendered = counter.render(messages: messages, family: entry.family, thinking: session.effectiveThinking)
        let hit = predictor().peek(PrefixHash.prefixes(of: rendered.ids), now: session.clock.now().timeIntervalSince1970)
        let usage = Usage(promptTokens: rendered.ids.count, completionTokens: 0, cacheHitTokens: hit,
                          cacheMissTokens: rendered.ids.count - hit)
        let cost = session.prices.price(model: session.model, at: session.clock.now(), currency: session.currency)
            .flatMap { Cost(usage: usage, price: $0) }
        prediction = CachePanelModel.Prediction(hitTokens: hit, missTokens: rendered.ids.count - hit, cost: cost?.amount)
    }

    func setWarning(_ text: String?) { warning = text }

    func panelModel(state: ConversationState, draft: String, turn: Turn?) -> CachePanelModel {
        CachePanelModel(conversation: conversationTotals, allTime: allTimeTotals, lastRequest: lastRequest,
                        hitRatioHistory: hitRatios, reusedPrefixes: reusedOrder.compactMap { reusedPrefixes[$0] }
                            .sorted { $0.uses > $1.uses }.prefix(5).map { $0 },
                        prediction: prediction, warning: warning, currencySymbol: session.currency.symbol)
    }
}

extension ChatSession {
    /// Renders messages with this session's model and thinking mode.
    public func render(_ messages: [ChatMessage], generationPrompt: Bool) -> RenderedPrompt {
        let entry = ModelTemplates.template(forModel: model)
        return template.render(messages: messages.map(TemplateMessage.init(chat:)), family: entry.family,
                               thinking: effectiveThinking, addGenerationPrompt: generationPrompt)
    }
}
