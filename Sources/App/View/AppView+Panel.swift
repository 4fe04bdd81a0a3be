import ChatCore
import TerminalUI

extension AppView {
    func panel(_ state: AppState) -> CachePanelModel {
        let currency = environment.currency
        var lastRequest: CachePanelModel.LastRequest?
        // The last request that has token counts (a failure before any text has none).
        if let last = state.totals.recentShown.last(where: { $0.hitTokens != nil || $0.missTokens != nil }) {
            lastRequest = CachePanelModel.LastRequest(hitTokens: last.hitTokens ?? 0, missTokens: last.missTokens ?? 0,
                                                      outputTokens: last.completionTokens ?? 0,
                                                      timeToFirstToken: last.secondsToFirstToken, estimated: last.estimated,
                                                      cost: last.currency == currency.rawValue ? last.cost : nil,
                                                      reasoningTokens: last.reasoningTokens)
        }
        let ratios = state.totals.recentShown.compactMap { entry -> Double? in
            guard let hit = entry.hitTokens, let prompt = entry.promptTokens, prompt > 0, !entry.estimated else { return nil }
            return Double(min(hit, prompt)) / Double(prompt)
        }
        var prediction: CachePanelModel.Prediction?
        if let predicted = state.draft?.plan.prediction {
            prediction = CachePanelModel.Prediction(hitTokens: predicted.hitTokens, missTokens: predicted.missTokens,
                                                    cost: predicted.cost?.amount)
        }
        var documents: CachePanelModel.Documents?
        if !self.documents.isEmpty, self.documents.count == state.conversation.attachments.count {
            let tokens = self.documents.map(\.tokens).reduce(0, +)
            let cached = self.documents.map(\.cachedTokens).reduce(0, +)
            let word = cached == 0 ? "cold" : DocumentStatus.word(cached: cached, of: tokens)
            documents = CachePanelModel.Documents(count: self.documents.count, tokens: tokens,
                                                  cache: word + (self.documents.contains(where: \.predicted) ? " (predicted)" : ""),
                                                  hit: cached * 10 >= tokens * 9)
        }
        var model = CachePanelModel(
            conversation: Self.totals(state.totals.conversationShown, currency: currency),
            allTime: Self.totals(state.totals.allTimeShown, currency: currency),
            lastRequest: lastRequest, hitRatioHistory: ratios,
            reusedPrefixes: state.tally.ranked.prefix(5).map {
                CachePanelModel.ReusedPrefix(label: $0.label, tokens: $0.tokens, uses: $0.count)
            },
            prediction: prediction, predictionPending: state.isBusy && !state.editor.isEmpty,
            warnings: logic.draftWarnings(state), note: logic.draftNote(state), currencySymbol: currency.symbol)
        model.documents = documents
        model.pricing = environment.prices.pricingNote(model: state.conversation.model, at: logic.clock.now(), currency: currency)
        model.balance = state.balance.map { status in
            // A reading from the future (a clock set back) is as unknown as an old one.
            let old = state.balanceNotRefreshed || abs(logic.clock.now().timeIntervalSince(status.reading.time)) > AppLogic.balanceShownAsOldAfter
            return "balance " + status.reading.text() + (old ? " · as of " + balanceTime(status.reading.time) : "")
        }
        model.balanceMismatch = state.balance?.mismatch
        if let budget = environment.budget, let spent = state.spent {
            (model.budgetMeters, model.budgetWarnings) = budget.lines(spentToday: spent.today, spentThisMonth: spent.month, currency: currency)
        }
        return model
    }

    static func totals(_ summary: StatsSummary, currency: Currency) -> CacheTotals {
        let cost = summary.cost(in: currency.rawValue)
        return CacheTotals(hitTokens: summary.hitTokens, missTokens: summary.missTokens, outputTokens: summary.completionTokens,
                           cost: cost?.cost, costWithoutCache: cost?.costWithoutCache)
    }

    func status(_ state: AppState, now: Double) -> StatusBarModel {
        let conversation = state.conversation
        var left: [StatusBarModel.Item] = [StatusBarModel.Item(TerminalSanitizer.clean(environment.endpointName), accent: true),
                                           StatusBarModel.Item(TerminalSanitizer.clean(conversation.model)),
                                           StatusBarModel.Item(conversation.settings().effectiveThinking ? "thinking on" : "thinking off")]
        // The cache is partitioned per user_id: say which partition requests go to.
        if let user = environment.options.userID { left.append(StatusBarModel.Item("user " + TerminalSanitizer.clean(user))) }
        if let title = conversation.record?.title { left.append(StatusBarModel.Item(TerminalSanitizer.clean(title))) }
        if let reason = state.historyOffReason { left.append(StatusBarModel.Item("history off: \(TerminalSanitizer.clean(reason))")) }
        if let countdown = state.turn?.retryCountdown(now: now) {
            left.insert(StatusBarModel.Item("⟳ " + TerminalSanitizer.clean(countdown), accent: true), at: 0)
        } else if let notice = state.notice {
            let prefix = notice.level == .error ? "⚠ " : notice.level == .warning ? "! " : ""
            left.insert(StatusBarModel.Item(prefix + TerminalSanitizer.clean(notice.text), accent: notice.level != .info), at: 0)
        }
        let hints: [StatusBarModel.Hint] = state.isBusy
            ? [.init("Esc", "stop"), .init("F1", "help")]
            : [.init("F1", "help"), .init("^O", "chats"), .init("^N", "new"), .init("F3", "panel"), .init("^Q", "quit")]
        return StatusBarModel(left: left, hints: hints)
    }
}
