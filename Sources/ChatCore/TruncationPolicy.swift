/// When a conversation nears the model's context window, cut its history once, in a large
/// block, so that the new prefix stays stable (and cached) for many turns.
///
/// The system prompt and the few-shot set (the first `pinnedMessageCount` messages) are
/// never cut; history is cut in whole turns (a user message with every message that answers
/// it), oldest first, until the prompt is at most `targetFraction` of the window. A sliding
/// window that drops one turn per request would instead change the prefix right after the
/// pinned messages on every request, so every request would miss all of its history
/// (`TruncationSimulation` compares the two).
public struct TruncationPolicy: Sendable, Hashable {
    /// A proposed cut.
    public struct Plan: Sendable, Hashable {
        /// The contiguous block of messages to drop (right after the pinned set).
        public var droppedMessages: Range<Int>
        public var droppedTurns: Int
        public var tokensBefore: Int
        /// Estimated: the sum of the kept messages' spans (the template may add or save a
        /// few tokens at the cut; render the result for the exact count).
        public var tokensAfter: Int
        /// False when even dropping every turn but the last leaves the prompt above target.
        public var reachesTarget: Bool
    }

    public var contextLimit: Int
    /// Offer a cut once the prompt exceeds this share of the window.
    public var triggerFraction: Double
    /// Cut down to at most this share of the window.
    public var targetFraction: Double

    public init(contextLimit: Int, triggerFraction: Double = 0.9, targetFraction: Double = 0.5) {
        self.contextLimit = contextLimit
        self.triggerFraction = triggerFraction
        self.targetFraction = min(targetFraction, triggerFraction)
    }

    public init(model: String, limits: ContextLimits = .builtIn, triggerFraction: Double = 0.9, targetFraction: Double = 0.5) {
        self.init(contextLimit: limits.limit(forModel: model), triggerFraction: triggerFraction, targetFraction: targetFraction)
    }

    public var triggerTokens: Int { Int(Double(contextLimit) * triggerFraction) }
    public var targetTokens: Int { Int(Double(contextLimit) * targetFraction) }

    /// True when a prompt of `tokens` should be offered a cut.
    public func needsTruncation(promptTokens tokens: Int) -> Bool { tokens > triggerTokens }

    /// Whole turns after the pinned messages: each starts at a user message and runs to the
    /// next one; messages between the pinned set and the first user message join the first turn.
    public static func turns(roles: [TemplateRole], pinnedMessageCount: Int) -> [Range<Int>] {
        let start = min(max(0, pinnedMessageCount), roles.count)
        var starts = (start..<roles.count).filter { roles[$0] == .user }
        guard !starts.isEmpty else { return start < roles.count ? [start..<roles.count] : [] }
        starts[0] = start
        return starts.indices.map { i in starts[i]..<(i + 1 < starts.count ? starts[i + 1] : roles.count) }
    }

    /// The cut for a prompt whose messages have these token counts (from the spans), or nil
    /// when the prompt is under the trigger. `overheadTokens` are template tokens outside
    /// the messages (the generation prompt). The last turn (the new message) is always kept.
    public func plan(messageTokens: [Int], roles: [TemplateRole], pinnedMessageCount: Int,
                     overheadTokens: Int = 0) -> Plan? {
        let count = min(messageTokens.count, roles.count)
        let total = messageTokens.prefix(count).reduce(overheadTokens, +)
        guard needsTruncation(promptTokens: total) else { return nil }
        let turns = Self.turns(roles: Array(roles.prefix(count)), pinnedMessageCount: pinnedMessageCount)
        var remaining = total
        var dropped = 0
        while remaining > targetTokens, dropped < turns.count - 1 {
            remaining -= turns[dropped].reduce(0) { $0 + messageTokens[$1] }
            dropped += 1
        }
        guard dropped > 0 else { return nil }
        return Plan(droppedMessages: turns[0].lowerBound..<turns[dropped - 1].upperBound, droppedTurns: dropped,
                    tokensBefore: total, tokensAfter: remaining, reachesTarget: remaining <= targetTokens)
    }
}
