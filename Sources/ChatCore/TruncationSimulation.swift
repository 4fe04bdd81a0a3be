/// Predicted cache misses of three ways to keep a long conversation inside the context
/// window, over the next turns: a block cut (`TruncationPolicy`), a sliding window, and
/// summarising the history.
///
/// A pure simulation over token sizes. Assumptions, chosen so the strategies are compared
/// on their prefixes alone:
/// - the cache is ideal: a request hits the longest prefix it shares with any earlier
///   request's prompt + reply, exactly (no 64/128-token rounding, no expiry); rounding
///   costs every strategy less than one unit per request;
/// - the conversation so far (pinned prefix + history) was already sent, so it is cached;
/// - replies are the same under every strategy, so their output is left out; only a
///   summary's own generation is counted (`outputTokens`);
/// - the sliding window drops the oldest whole turns until the prompt is under the
///   trigger (one turn per request once full); the block cut drops down to the target once
///   the trigger is passed; summarising replaces all history by one summary message of
///   `summaryTokens`, written by an extra request (its prompt: the cached conversation plus
///   `instructionTokens`).
public struct TruncationSimulation: Sendable {
    /// One round: the new user message and the reply it gets.
    public struct Turn: Sendable, Hashable {
        public var prompt: Int
        public var reply: Int
        public init(prompt: Int, reply: Int) {
            self.prompt = prompt
            self.reply = reply
        }
        public var tokens: Int { prompt + reply }
    }

    public enum Strategy: Sendable, Hashable {
        case blockCut
        case slidingWindow
        case summarise(summaryTokens: Int, instructionTokens: Int = 32)
        /// Drops the oldest `droppingTurns` turns before the first request (`/truncate now`),
        /// then cuts like `blockCut`.
        case cutNow(droppingTurns: Int)
    }

    /// Totals over the simulated requests.
    public struct Outcome: Sendable, Hashable {
        public var requests = 0
        public var hitTokens = 0
        public var missTokens = 0
        /// Tokens generated beyond the replies (summaries).
        public var outputTokens = 0
        /// How often history was cut or summarised.
        public var cuts = 0

        /// Cost in the prices' currency: hits, misses and extra output.
        public func cost(_ prices: TokenPrices) -> Double {
            (Double(hitTokens) * prices.cacheHit + Double(missTokens) * prices.cacheMiss
                + Double(outputTokens) * prices.output) / 1_000_000
        }
    }

    public var pinnedTokens: Int
    public var history: [Turn]
    public var policy: TruncationPolicy

    public init(pinnedTokens: Int, history: [Turn], policy: TruncationPolicy) {
        self.pinnedTokens = pinnedTokens
        self.history = history
        self.policy = policy
    }

    /// A prompt segment: an id (what the cache compares) and its size.
    private struct Block: Equatable {
        var id: Int
        var size: Int
    }

    /// Runs `strategy` over `next` turns.
    public func run(_ strategy: Strategy, next: [Turn]) -> Outcome {
        var nextID = 0
        func block(_ size: Int) -> Block { nextID += 1; return Block(id: nextID, size: size) }
        let pinned = block(pinnedTokens)
        var kept: [[Block]] = history.map { [block($0.prompt), block($0.reply)] }
        var summary: Block? = nil
        var stored: [[Block]] = [[pinned] + kept.flatMap { $0 }]
        var outcome = Outcome()

        func send(_ blocks: [Block], then reply: Block?) {
            let total = blocks.reduce(0) { $0 + $1.size }
            let hit = stored.map { Self.commonSize(blocks, $0) }.max() ?? 0
            outcome.requests += 1
            outcome.hitTokens += hit
            outcome.missTokens += total - hit
            stored.append(reply.map { blocks + [$0] } ?? blocks)
        }
        func size(_ turns: [[Block]], extra: Int) -> Int {
            pinnedTokens + (summary?.size ?? 0) + turns.joined().reduce(0) { $0 + $1.size } + extra
        }

        if case .cutNow(let count) = strategy {
            kept.removeFirst(min(count, kept.count))
            outcome.cuts += 1
        }
        for turn in next {
            switch strategy {
            case .slidingWindow:
                if size(kept, extra: turn.prompt) > policy.triggerTokens { outcome.cuts += 1 }
                while !kept.isEmpty, size(kept, extra: turn.prompt) > policy.triggerTokens { kept.removeFirst() }
            case .blockCut, .cutNow:
                if size(kept, extra: turn.prompt) > policy.triggerTokens {
                    outcome.cuts += 1
                    while !kept.isEmpty, size(kept, extra: turn.prompt) > policy.targetTokens { kept.removeFirst() }
                }
            case .summarise(let summaryTokens, let instructionTokens):
                if size(kept, extra: turn.prompt) > policy.triggerTokens {
                    outcome.cuts += 1
                    let current = [pinned] + (summary.map { [$0] } ?? []) + kept.flatMap { $0 }
                    send(current + [block(instructionTokens)], then: nil)
                    outcome.outputTokens += summaryTokens
                    summary = block(summaryTokens)
                    kept = []
                }
            }
            let user = block(turn.prompt), reply = block(turn.reply)
            send([pinned] + (summary.map { [$0] } ?? []) + kept.flatMap { $0 } + [user], then: reply)
            kept.append([user, reply])
        }
        return outcome
    }

    /// Tokens in the leading blocks two sequences share.
    private static func commonSize(_ a: [Block], _ b: [Block]) -> Int {
        zip(a, b).prefix { $0 == $1 }.reduce(0) { $0 + $1.0.size }
    }
}
