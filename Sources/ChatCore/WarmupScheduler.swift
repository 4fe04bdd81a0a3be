/// Sends a batch of requests that share a long prefix (several questions about one
/// document) so that they hit the cache: the first ones alone, each followed by a wait
/// while the server builds its cache, then the rest at once.
///
/// DeepSeek builds a cache entry seconds after the request that stores it, so requests
/// sent together all miss the prefix they share. With the v3 model one warm-up request is
/// enough: it stores every 64-token unit of its prompt. With the v4 model the first
/// request stores units at the end of its own input and output and every 4,096 tokens;
/// the shared prefix itself is stored only when a second request misses on it (the
/// common-prefix rule), so two warm-ups are needed for the rest to hit all of it
/// (`recommendedWarmups(for:)`).
///
/// Pure: time comes in as seconds (any monotonic clock); the caller sends what `due`
/// returns and reports each warm-up's end with `finished`.
public struct WarmupScheduler<Item> {
    /// Seconds the server needs to build a cache entry after a request ends.
    public let constructDelay: Double
    private var pending: [Item]
    private var warmupsLeft: Int
    private var waitingForReply = false
    private var readyAt: Double?

    /// - Parameters:
    ///   - warmups: requests sent one at a time before the rest; 0 sends everything at once.
    public init(_ items: [Item], constructDelay: Double, warmups: Int = 1) {
        pending = items
        self.constructDelay = constructDelay
        warmupsLeft = max(0, min(warmups, items.count - 1))
    }

    /// Warm-ups that let the rest of a batch hit the whole shared prefix.
    public static func recommendedWarmups(for kind: CacheModelKind) -> Int { kind == .v3 ? 1 : 2 }

    /// Tokens every prompt of the batch starts with.
    public static func sharedPrefixLength(_ prompts: [[Int]]) -> Int {
        guard var shared = prompts.first?.count else { return 0 }
        for prompt in prompts.dropFirst() {
            shared = min(shared, zip(prompts[0], prompt).prefix { $0 == $1 }.count)
        }
        return shared
    }

    /// Whether holding the batch back can pay: the shared prefix covers at least one cache unit.
    public static func worthWarming(_ prompts: [[Int]], unit: Int) -> Bool {
        prompts.count > 1 && sharedPrefixLength(prompts) >= unit
    }

    /// Nothing left to send.
    public var isDrained: Bool { pending.isEmpty }

    /// When `due` will next return something without a reply arriving first; nil while a
    /// warm-up is in flight or when drained.
    public var nextWakeUp: Double? { pending.isEmpty || waitingForReply ? nil : readyAt }

    /// The items to send now (possibly none).
    public mutating func due(now: Double) -> [Item] {
        guard !pending.isEmpty, !waitingForReply else { return [] }
        if let readyAt, now < readyAt { return [] }
        if warmupsLeft > 0 {
            warmupsLeft -= 1
            waitingForReply = true
            readyAt = nil
            return [pending.removeFirst()]
        }
        defer { pending.removeAll() }
        return pending
    }

    /// Reports that the warm-up in flight ended (completed or failed) at `now`.
    public mutating func finished(now: Double) {
        guard waitingForReply else { return }
        waitingForReply = false
        readyAt = now + constructDelay
    }
}
