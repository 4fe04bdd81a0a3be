import Foundation

/// Why a request costs what it is predicted to: the words of the budget guard's question
/// (`confirm_above`) and of `ask --max-cost`'s refusal.
public enum CostGuard {
    /// The reasons worth naming for `plan`'s predicted cost at `date`: how much of the
    /// prompt misses (and whether the cache is cold), attached documents, a model switch
    /// (each model has its own cache), peak hours.
    public static func reasons(plan: RequestPlan, previousModel: String?, prices: PriceTable, currency: Currency,
                               at date: Date) -> [String] {
        var reasons: [String] = []
        let prompt = plan.prompt.ids.count
        if let prediction = plan.prediction {
            var text = "\(Formatting.grouped(prediction.missTokens)) of \(Formatting.grouped(prompt)) prompt tokens miss the cache"
            if prediction.hitTokens == 0 { text += " (cold cache)" }
            reasons.append(text)
        }
        let documents = plan.attachmentTokens.reduce(0, +)
        if documents > 0 { reasons.append("attached documents: \(Formatting.grouped(documents)) tokens") }
        if let previousModel, previousModel != plan.settings.model {
            reasons.append("a model switch (\(previousModel) → \(plan.settings.model)): each model has its own cache")
        }
        if let price = prices.price(model: plan.settings.model, at: date, currency: currency), price.hasPeakPricing, !price.offPeak {
            reasons.append("peak hours (" + prices.peakLine(at: date) + ")")
        }
        return reasons
    }

    /// The most the prompt of `plan` can cost: every token at the cache-miss price, plus
    /// `maxTokens` of output when given (`ask --max-cost` judges this, since a separate
    /// process has no cache prediction it could trust). nil without a price.
    public static func worstCase(plan: RequestPlan, maxTokens: Int?, prices: PriceTable, currency: Currency, at date: Date) -> Double? {
        guard let price = prices.price(model: plan.settings.model, at: date, currency: currency)?.prices else { return nil }
        return (Double(plan.prompt.ids.count) * price.cacheMiss + Double(maxTokens ?? 0) * price.output) / 1_000_000
    }
}
