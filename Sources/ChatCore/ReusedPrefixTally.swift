/// How often each distinct reused prefix was reused, for the side panel ("reused 12x").
///
/// A prefix is identified by the fingerprint of its tokens (`ReusedPrefix.hash`), so
/// "system + 4 shots" reused by ten requests counts once with a count of ten, while the same
/// label over an edited system prompt is a different prefix. The tally is bounded: beyond
/// `capacity` distinct prefixes the one recorded longest ago is forgotten.
public struct ReusedPrefixTally: Sendable {
    /// One distinct reused prefix.
    public struct Item: Sendable, Hashable {
        public var hash: PrefixHash
        /// The label of the most recent reuse.
        public var label: String
        public var tokens: Int
        /// How many requests reused it.
        public var count: Int
        /// Order of the last reuse (larger is more recent).
        public var lastSequence: Int

        /// "reused 12x".
        public var countLabel: String { "reused \(count)x" }
    }

    public let capacity: Int
    private var items: [PrefixHash: Item] = [:]
    private var sequence = 0

    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// Counts one reuse; returns the prefix's count so far, or nil when nothing was reused
    /// or the prefix has no fingerprint (a map built without ids).
    @discardableResult
    public mutating func record(_ prefix: ReusedPrefix) -> Int? {
        guard prefix.tokens > 0, let hash = prefix.hash else { return nil }
        sequence += 1
        var item = items[hash] ?? Item(hash: hash, label: prefix.groups, tokens: prefix.tokens, count: 0, lastSequence: 0)
        item.count += 1
        item.label = prefix.groups
        item.lastSequence = sequence
        items[hash] = item
        if items.count > capacity, let oldest = items.values.min(by: { $0.lastSequence < $1.lastSequence }) {
            items[oldest.hash] = nil
        }
        return item.count
    }

    /// How many requests reused the prefix with this fingerprint.
    public func count(of hash: PrefixHash) -> Int { items[hash]?.count ?? 0 }

    /// Distinct prefixes seen.
    public var distinctCount: Int { items.count }

    /// Most reused first; ties by more tokens, then by most recent.
    public var ranked: [Item] {
        items.values.sorted {
            ($0.count, $0.tokens, $0.lastSequence) > ($1.count, $1.tokens, $1.lastSequence)
        }
    }
}
