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
    private(set) var conversationTotals = CacheTotals()
    private(set) var allTimeTotals = CacheTotals()
    private(set) var hitRatios: [Double] = []
    private(set) var lastRequest: CachePanelModel.LastRequest?
    private(set) var prediction: CachePanelModel.Prediction?
    private(set) var warning: String?

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

    /// The last request's messages and cache sequence, for the draft's request diff.
    private(set) var lastRequestMessages: [TemplateMessage] = []
    private(set) var lastSequence: [Int] = []
    private var tally = ReusedPrefixTally()
    private(set) var lastReuse: ReuseMap?

    /// Records a finished turn: the predictor learns what the server now caches, the
    /// reused prefix is tallied, and the reuse map (marks and horizon) is returned.
    func record(_ turn: Turn, state: ConversationState) -> ReuseMap? {
        let messages = turn.request.messages.map(TemplateMessage.init(chat:))
        guard let usage = turn.reply.usage, let hit = usage.resolvedCacheHitTokens else {
            lastReuse = nil
            return nil
        }
        let entry = ModelTemplates.template(forModel: session.model)
        let reply = TemplateMessage(role: .assistant, content: turn.reply.content,
                                    reasoningContent: turn.reply.reasoningContent.isEmpty ? nil : turn.reply.reasoningContent)
        let sequence = session.template.continuation(of: turn.prompt, messages: messages, reply: reply, family: entry.family,
                                                     thinking: session.effectiveThinking)
        let now = session.clock.now().timeIntervalSince1970
        var predictor = predictor()
        predictor.record(sequence: turn.phase == .completed ? sequence : CacheSequence(ids: turn.prompt.ids, promptLength: turn.prompt.ids.count),
                         actualHit: hit, now: now)
        predictors[predictorKey] = predictor
        lastRequestMessages = messages
        lastSequence = turn.phase == .completed ? sequence.ids : turn.prompt.ids
        let map = ReuseMap(prompt: turn.prompt, hitTokens: hit, serverPromptTokens: usage.resolvedPromptTokens)
        lastReuse = map
        if hit > 0 { tally.record(ReusedPrefix(map: map, pinnedMessageCount: turn.pinnedCount)) }
        return map
    }

    /// Rebuilds what the server should still hold for a conversation just opened, by
    /// replaying its last requests (with the hits the ledger recorded for them), so the
    /// first prediction after a restart is not blind.
    func replay(state: ConversationState, store: ChatStore?, turns: Int = 2) {
        guard let store, let id = state.conversation?.id,
              let ledger = try? store.ledgerEntries(LedgerFilter(conversation: id)) else { return }
        let byMessage = Dictionary(ledger.compactMap { entry in entry.message.map { ($0, entry) } }, uniquingKeysWith: { $1 })
        let entry = ModelTemplates.template(forModel: session.model)
        var predictor = predictor()
        let replies = state.messages.indices.filter { state.messages[$0].role == .assistant }.suffix(turns)
        for index in replies {
            let reply = state.messages[index]
            guard case .complete = reply.state, let ledgerEntry = byMessage[reply.id], let hit = ledgerEntry.hitTokens else { continue }
            let history = ConversationState(conversation: state.conversation, messages: Array(state.messages[..<index]),
                                            pinned: state.pinned, fewShot: state.fewShot, fewShotMode: state.fewShotMode)
            let messages = history.requestMessages.map(TemplateMessage.init(chat:))
            let prompt = session.template.render(messages: messages, family: entry.family, thinking: session.effectiveThinking)
            let sequence = session.template.continuation(
                of: prompt, messages: messages,
                reply: TemplateMessage(role: .assistant, content: reply.content, reasoningContent: reply.reasoningContent),
                family: entry.family, thinking: session.effectiveThinking)
            predictor.record(sequence: sequence, actualHit: hit, now: ledgerEntry.time.timeIntervalSince1970)
            lastRequestMessages = messages
            lastSequence = sequence.ids
        }
        predictors[predictorKey] = predictor
    }

    // MARK: - Prediction

    private var predictors: [CachePredictor.Key: CachePredictor] = [:]

    private var predictorKey: CachePredictor.Key {
        CachePredictor.Key(endpoint: session.endpoint.displayName + "|" + session.endpoint.baseURL, model: session.model,
                           maskedKey: session.endpoint.keySource?.maskedKey ?? "")
    }

    private func predictor() -> CachePredictor {
        if let existing = predictors[predictorKey] { return existing }
        return CachePredictor(model: session.model, kind: session.cacheModel, prices: session.prices, currency: session.currency)
    }

    /// Prediction accuracy so far for this endpoint and model.
    var accuracy: PredictionAccuracy { predictor().accuracy }

    /// Predicts the draft's hit, miss and cost, and checks whether the draft breaks the
    /// cache; called when the draft or the conversation changes.
    func updatePrediction(state: ConversationState, draft: String) {
        let trimmed = draft.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            prediction = nil
            warning = nil
            return
        }
        let messages = state.requestMessages(adding: draft).map(TemplateMessage.init(chat:))
        let entry = ModelTemplates.template(forModel: session.model)
        let rendered = counter.render(messages: messages, family: entry.family, thinking: session.effectiveThinking)
        let predicted = predictor().predict(prefixHashes: hashes(for: rendered.ids), now: session.clock.now().timeIntervalSince1970)
        prediction = CachePanelModel.Prediction(hitTokens: predicted.hitTokens, missTokens: predicted.missTokens,
                                                cost: predicted.cost?.amount)
        warning = Self.warning(previous: lastRequestMessages, current: messages, pinned: state.pinned.count,
                               previousIDs: lastSequence, currentIDs: rendered.ids)
    }

    private var hashedIDs: [Int] = []
    private var hashed: [PrefixHash] = [.empty]

    /// Prefix hashes of `ids`, reusing those of the previous prediction up to where the ids
    /// differ: after a keystroke only the draft's tokens are hashed again.
    private func hashes(for ids: [Int]) -> [PrefixHash] {
        let limit = min(ids.count, hashedIDs.count)
        var common = 0
        ids.withUnsafeBufferPointer { new in
            hashedIDs.withUnsafeBufferPointer { old in
                while common < limit && new[common] == old[common] { common += 1 }
            }
        }
        hashed.removeSubrange((common + 1)...)
        hashed.reserveCapacity(ids.count + 1)
        var hash = hashed[common]
        for id in ids[common...] {
            hash = hash.appending(id)
            hashed.append(hash)
        }
        hashedIDs = ids
        return hashed
    }

    /// The request-diff warning for the panel: where and why the draft breaks the cache.
    static func warning(previous: [TemplateMessage], current: [TemplateMessage], pinned: Int,
                        previousIDs: [Int], currentIDs: [Int]) -> String? {
        guard !previous.isEmpty else { return nil }
        let diff = RequestDiff(previous: previous, current: current, pinnedMessageCount: pinned,
                               previousIDs: previousIDs, currentIDs: currentIDs)
        guard !diff.isPrefixStable else { return nil }
        var text = "Breaks the cache"
        if let index = diff.messageIndex { text += " at message \(index + 1)" }
        let reasons = diff.causes.map(describe)
        if !reasons.isEmpty { text += " (" + reasons.joined(separator: ", ") + ")" }
        if let after = diff.tokensAfterDifference { text += ": \(Formatting.grouped(after)) tokens will miss" }
        if let old = diff.previousExcerpt, let new = diff.currentExcerpt, !old.isEmpty || !new.isEmpty {
            text += ". Was “\(old)”, now “\(new)”"
        }
        return text
    }

    static func describe(_ cause: RequestDiff.Cause) -> String {
        switch cause {
        case .systemPromptChanged: "system prompt changed"
        case .fewShotSetChanged: "few-shot set changed"
        case .earlierMessageEdited: "earlier message edited"
        case .messageInserted: "message inserted"
        case .messageRemoved: "message removed"
        case .roleChanged: "role changed"
        case .volatileValue(let value): "changing \(value) in the prefix"
        case .templateReRender: "the previous turn renders differently now (thinking mode, or a reply that was not kept)"
        }
    }

    func setWarning(_ text: String?) { warning = text }

    func panelModel(state: ConversationState, draft: String, turn: Turn?) -> CachePanelModel {
        CachePanelModel(conversation: conversationTotals, allTime: allTimeTotals, lastRequest: lastRequest,
                        hitRatioHistory: hitRatios,
                        reusedPrefixes: tally.ranked.prefix(5).map {
                            CachePanelModel.ReusedPrefix(label: $0.label, tokens: $0.tokens, uses: $0.count)
                        },
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
