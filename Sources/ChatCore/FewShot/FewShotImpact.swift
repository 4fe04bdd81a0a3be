import Foundation

/// What an edit of a few-shot set costs in cache: where its prefix starts to differ, what
/// the next request with the new version hits and misses, what that costs, and whether
/// appending a new shot instead of inserting it would keep more of the cache.
///
/// The prediction assumes the old version was in steady use (asked with several
/// questions, so its prefix is cached):
/// - **v3** (64-token units): the next request hits the unchanged prefix rounded down to 64.
/// - **v4** (prefix units, multiples of 128): the cached unit of the old version ends at
///   its prefix; it survives only an edit after that unit's end (appending a shot).
///   Otherwise only the fixed-interval units of long inputs (every 4,096 tokens) before
///   the change still match. The request after the next one stores the new common prefix
///   and hits it again.
public struct FewShotImpact: Sendable, Equatable {
    public enum Suggestion: Sendable, Equatable {
        /// Moving the inserted shots (indices into the new set's shots) to the end keeps
        /// `hitIfAppended` tokens cached instead of `hitAfter`.
        case appendInsteadOfInsert(insertedShots: [Int], hitIfAppended: Int)
    }

    public var cacheModel: CacheModelKind
    public var unit: Int
    public var oldPrefixTokens: Int
    public var newPrefixTokens: Int
    /// The first token at which the new version's prefix differs from the old one; nil
    /// when the prompt prefix is unchanged (an edit of the name or description).
    public var changeOffset: Int?
    /// Tokens of the set's prefix a request hit with the old version.
    public var hitBefore: Int
    /// Tokens the next request with the new version hits.
    public var hitAfter: Int
    /// Prompt tokens of the next request (the new set and the question).
    public var promptTokens: Int
    /// Tokens of the next request that are not cached: `promptTokens - hitAfter`.
    public var missedTokens: Int { promptTokens - hitAfter }
    /// Tokens that were cache hits before the edit and are misses after it.
    public var lostTokens: Int { max(0, hitBefore - hitAfter) }
    /// What `lostTokens` cost extra on the next request (miss price minus hit price);
    /// nil when the model has no known price.
    public var extraCost: Double?
    /// The prompt cost of the next request (hits and misses); nil without a price.
    public var nextRequestCost: Double?
    public var currency: Currency
    /// Conversations that use the set; they keep the old version's exact prefix until moved.
    public var conversations: Int
    public var suggestion: Suggestion?

    /// Long inputs are stored every this many tokens by the v4 model.
    public static let longTextInterval = 4096

    /// Compares two versions of a set as rendered for `model`.
    ///
    /// - Parameters:
    ///   - question: the next question (its tokens count as misses); empty counts only the set.
    ///   - conversations: how many stored conversations use the set (see `ChatStore.fewShotUsage`).
    public static func compute(
        from old: FewShotSet, to new: FewShotSet, question: String = "", model: String, thinking: Bool? = nil,
        cacheModel: CacheModelKind = .v4, template: ChatTemplate, prices: PriceTable = .builtIn,
        currency: Currency = .usd, at date: Date, conversations: Int = 0
    ) -> FewShotImpact {
        let unit = cacheModel.defaultUnit
        let before = FewShotLayout(set: old, question: question, model: model, thinking: thinking, template: template)
        let after = FewShotLayout(set: new, question: question, model: model, thinking: thinking, template: template)
        let offset = changeOffset(before, after)
        let hitBefore = before.cacheablePrefix(unit: unit)
        let hitAfter = predictedHit(offset: offset, oldPrefix: before.prefixLength, cacheModel: cacheModel)

        var impact = FewShotImpact(
            cacheModel: cacheModel, unit: unit, oldPrefixTokens: before.prefixLength, newPrefixTokens: after.prefixLength,
            changeOffset: offset, hitBefore: hitBefore, hitAfter: hitAfter, promptTokens: after.promptTokens,
            extraCost: nil, nextRequestCost: nil, currency: currency, conversations: conversations, suggestion: nil)
        if let price = prices.price(model: model, at: date, currency: currency)?.prices {
            impact.extraCost = Double(impact.lostTokens) * (price.cacheMiss - price.cacheHit) / 1_000_000
            impact.nextRequestCost = (Double(hitAfter) * price.cacheHit + Double(impact.missedTokens) * price.cacheMiss) / 1_000_000
        }
        if new.system == old.system, let inserted = insertedShots(old: old.shots, new: new.shots) {
            var appended = old
            appended.shots += inserted.map { new.shots[$0] }
            let layout = FewShotLayout(set: appended, question: question, model: model, thinking: thinking, template: template)
            let hit = predictedHit(offset: changeOffset(before, layout), oldPrefix: before.prefixLength, cacheModel: cacheModel)
            if hit > hitAfter { impact.suggestion = .appendInsteadOfInsert(insertedShots: inserted, hitIfAppended: hit) }
        }
        return impact
    }

    /// nil when the two prefixes are the same tokens.
    static func changeOffset(_ old: FewShotLayout, _ new: FewShotLayout) -> Int? {
        let common = FewShotLayout.commonPrefix(old.ids[..<old.prefixLength], new.ids[..<new.prefixLength])
        return common == old.prefixLength && common == new.prefixLength ? nil : common
    }

    /// The hit of the first request with the new version, after steady use of the old one.
    static func predictedHit(offset: Int?, oldPrefix: Int, cacheModel: CacheModelKind) -> Int {
        let unit = cacheModel.defaultUnit
        let cachedOld = oldPrefix / unit * unit
        guard let offset else { return cachedOld }
        switch cacheModel {
        case .v3:
            return offset / unit * unit
        case .v4:
            let interval = offset / longTextInterval * longTextInterval
            return cachedOld <= offset ? max(cachedOld, interval) : interval
        }
    }

    /// Indices (in `new`) of shots inserted before the end, when `new` is `old` with shots
    /// inserted and nothing else changed; nil otherwise (including a pure append).
    static func insertedShots(old: [FewShotSet.Shot], new: [FewShotSet.Shot]) -> [Int]? {
        guard new.count > old.count else { return nil }
        var matched = 0
        var inserted: [Int] = []
        for (index, shot) in new.enumerated() {
            if matched < old.count && shot == old[matched] { matched += 1 } else { inserted.append(index) }
        }
        guard matched == old.count, inserted != Array(old.count..<new.count) else { return nil }
        return inserted
    }
}
