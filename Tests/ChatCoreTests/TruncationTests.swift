import ChatCore
import Testing

@Suite struct TruncationTests {
    /// system, 2 shots (4 messages), then 30 turns of varying size; one tool message in a turn.
    static func conversation() -> (roles: [TemplateRole], tokens: [Int]) {
        var roles: [TemplateRole] = [.system, .user, .assistant, .user, .assistant]
        var tokens = [600, 80, 40, 90, 30]
        for turn in 0..<30 {
            roles += [.user, .assistant]
            tokens += [200 + (turn * 37) % 300, 900 + (turn * 53) % 700]
            if turn == 4 { roles.append(.tool); tokens.append(150) }
        }
        return (roles, tokens)
    }

    @Test func turnsAreWholeAndStartAtUserMessages() {
        let (roles, _) = Self.conversation()
        let turns = TruncationPolicy.turns(roles: roles, pinnedMessageCount: 5)
        #expect(turns.count == 30)
        #expect(turns.first?.lowerBound == 5 && turns.last?.upperBound == roles.count)
        for (a, b) in zip(turns, turns.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        for turn in turns { #expect(roles[turn.lowerBound] == .user) }
        #expect(turns.contains { $0.count == 3 })  // the turn with the tool result stays whole
        // Messages between the pinned set and the first user join the first turn.
        #expect(TruncationPolicy.turns(roles: [.system, .assistant, .user, .assistant], pinnedMessageCount: 1) == [1..<4])
    }

    @Test func blockCutKeepsPinnedMessagesAndWholeTurns() throws {
        let (roles, tokens) = Self.conversation()
        let total = tokens.reduce(0, +)
        let policy = TruncationPolicy(contextLimit: total + 500, triggerFraction: 0.9, targetFraction: 0.5)
        let plan = try #require(policy.plan(messageTokens: tokens, roles: roles, pinnedMessageCount: 5, overheadTokens: 2))
        #expect(plan.droppedMessages.lowerBound == 5)  // pinned kept
        let turns = TruncationPolicy.turns(roles: roles, pinnedMessageCount: 5)
        #expect(turns.contains { $0.upperBound == plan.droppedMessages.upperBound })  // ends on a turn boundary
        #expect(roles[plan.droppedMessages.upperBound] == .user)
        #expect(plan.droppedTurns == turns.filter { $0.upperBound <= plan.droppedMessages.upperBound }.count)
        let kept = tokens.indices.filter { !plan.droppedMessages.contains($0) }.map { tokens[$0] }.reduce(2, +)
        #expect(plan.tokensBefore == total + 2)
        #expect(plan.tokensAfter == kept)
        #expect(plan.tokensAfter <= policy.targetTokens && plan.reachesTarget)
        // Dropping one turn fewer would not reach the target: the cut is no bigger than needed.
        let lastDropped = try #require(turns.last { $0.upperBound == plan.droppedMessages.upperBound })
        #expect(kept + lastDropped.reduce(0) { $0 + tokens[$1] } > policy.targetTokens)
        // Under the trigger nothing is offered.
        #expect(TruncationPolicy(contextLimit: total * 2).plan(messageTokens: tokens, roles: roles, pinnedMessageCount: 5) == nil)
    }

    @Test func contextLimitsAreDataWithAFallback() {
        #expect(ContextLimits.builtIn.limit(forModel: "deepseek-chat") == 131_072)
        #expect(ContextLimits.builtIn.limit(forModel: "some-new-model") == 131_072)
        let configured = ContextLimits.builtIn.setting(1_048_576, forModel: "deepseek-v4-pro")
        #expect(TruncationPolicy(model: "deepseek-v4-pro", limits: configured).contextLimit == 1_048_576)
        #expect(TruncationPolicy(model: "deepseek-v4-pro", limits: configured).targetTokens == 524_288)
    }

    @Test func blockCutMissesLessThanASlidingWindowOverTwentyTurns() {
        let history = (0..<60).map { TruncationSimulation.Turn(prompt: 300 + ($0 * 41) % 400, reply: 1_200 + ($0 * 67) % 900) }
        let next = (0..<20).map { TruncationSimulation.Turn(prompt: 250 + ($0 * 29) % 350, reply: 1_000 + ($0 * 71) % 800) }
        let pinned = 3_000
        let size = pinned + history.reduce(0) { $0 + $1.tokens }
        let policy = TruncationPolicy(contextLimit: size + 2_000, triggerFraction: 0.95, targetFraction: 0.5)
        let simulation = TruncationSimulation(pinnedTokens: pinned, history: history, policy: policy)

        let block = simulation.run(.blockCut, next: next)
        let sliding = simulation.run(.slidingWindow, next: next)
        let summary = simulation.run(.summarise(summaryTokens: 2_000), next: next)
        #expect(block.requests == 20 && sliding.requests == 20 && summary.requests == 21)
        #expect(block.missTokens < sliding.missTokens)
        #expect(block.cuts == 1)
        #expect(sliding.cuts >= 10)
        // A request that slid the window hits only the pinned prefix.
        #expect(sliding.hitTokens >= pinned * 20)
        #expect(sliding.hitTokens < pinned * 20 + (20 - sliding.cuts) * policy.triggerTokens)
        // Summarising: one big miss, then only the new messages.
        let newPrompts = next.dropFirst().reduce(0) { $0 + $1.prompt }
        #expect(summary.missTokens == 32 + 2_000 + next[0].prompt + newPrompts)
        #expect(summary.outputTokens == 2_000)
        // Costs follow the tokens (V4-Flash prices).
        let prices = TokenPrices(cacheHit: 0.0028, cacheMiss: 0.14, output: 0.28)
        #expect(block.cost(prices) < sliding.cost(prices))
        #expect(abs(block.cost(prices) - (Double(block.hitTokens) * 0.0028 + Double(block.missTokens) * 0.14) / 1_000_000) < 1e-12)
    }

    @Test func blockCutMissesOnlyTheCutThenTheNewMessages() {
        let history = (0..<10).map { _ in TruncationSimulation.Turn(prompt: 100, reply: 400) }
        let next = (0..<5).map { _ in TruncationSimulation.Turn(prompt: 100, reply: 400) }
        // 1,000 pinned + 5,000 history + 100 new = 6,100 > 0.9 × 6,500; target 3,250 keeps 4 turns.
        let policy = TruncationPolicy(contextLimit: 6_500, triggerFraction: 0.9, targetFraction: 0.5)
        let outcome = TruncationSimulation(pinnedTokens: 1_000, history: history, policy: policy).run(.blockCut, next: next)
        // First request: everything after the pinned prefix misses; then only each new message.
        let keptTurns = (3_250 - 1_000 - 100) / 500
        #expect(outcome.missTokens == keptTurns * 500 + 100 + 4 * 100)
        // Request k > 1 hits the pinned prefix, the kept turns and the k − 1 turns since the cut.
        #expect(outcome.hitTokens == 1_000 + (2...5).reduce(0) { $0 + 1_000 + keptTurns * 500 + ($1 - 1) * 500 })
        #expect(outcome.cuts == 1)
    }
}
