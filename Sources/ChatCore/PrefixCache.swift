/// Which of DeepSeek's two observed caching behaviours to emulate.
public enum CacheModelKind: String, Sendable, CaseIterable {
    /// Every prompt is stored in whole 64-token units; a request hits the longest stored
    /// whole-unit prefix.
    case v3
    /// Prefix units are persisted at the end of each input, at the end of each output,
    /// every `longTextInterval` tokens of a long input, and at a common prefix detected
    /// between requests; a request hits the longest stored unit that is its prefix,
    /// reported in multiples of 128.
    case v4

    public var defaultUnit: Int { self == .v3 ? 64 : 128 }
}

/// A change to persist: a unit stored or touched, or (V4) a block seen.
public enum CacheMutation: Sendable, Equatable {
    case unit(PrefixHash, CacheEntry)
    case block(PrefixHash, lastSeen: Double)
}

/// The prefix cache of one API key, exact to the token. Pure: time comes in as `now`.
public struct PrefixCache: Sendable {
    public let kind: CacheModelKind
    public let settings: CacheSettings
    private(set) var entries: [PrefixHash: CacheEntry] = [:]
    /// V4: fingerprints of every unit-aligned prefix of earlier requests, for common-prefix detection.
    private(set) var blocks: [PrefixHash: Double] = [:]
    /// V4: distinct unit lengths, ascending, with how many entries have each.
    private var lengths: [Int] = []
    private var lengthCounts: [Int: Int] = [:]
    private var recordsSinceSweep = 0

    public init(kind: CacheModelKind, settings: CacheSettings) {
        self.kind = kind
        self.settings = settings
    }

    public var entryCount: Int { entries.count }

    /// The tokens of a prompt (given as its prefix hashes) served from cache, in whole units.
    /// A hit refreshes the unit's lifetime; the refresh is returned for persistence.
    public mutating func lookup(_ hashes: [PrefixHash], now: Double) -> (hit: Int, mutations: [CacheMutation]) {
        guard let (hit, hash) = find(hashes, now: now), var entry = entries[hash] else { return (0, []) }
        entry.lastUsed = now
        entries[hash] = entry
        return (hit, [.unit(hash, entry)])
    }

    /// What `lookup` would answer, without refreshing anything: the prediction of a hit.
    public func peek(_ hashes: [PrefixHash], now: Double) -> Int {
        find(hashes, now: now)?.hit ?? 0
    }

    private func find(_ hashes: [PrefixHash], now: Double) -> (hit: Int, hash: PrefixHash)? {
        let count = hashes.count - 1
        let unit = settings.unit
        switch kind {
        case .v3:
            var k = count / unit
            while k > 0 {
                if isLive(hashes[k * unit], now: now) { return (k * unit, hashes[k * unit]) }
                k -= 1
            }
        case .v4:
            var index = upperBound(lengths, count) - 1
            while index >= 0 {
                let length = lengths[index]
                if length >= unit, isLive(hashes[length], now: now) { return ((length / unit) * unit, hashes[length]) }
                index -= 1
            }
        }
        return nil
    }

    /// Stores what a request leaves behind. `hashes` covers the prompt followed by the
    /// output as the next request would render it; `promptLength` marks where the output starts.
    public mutating func record(_ hashes: [PrefixHash], promptLength: Int, hit: Int, now: Double) -> [CacheMutation] {
        let total = hashes.count - 1
        let readyAt = now + settings.constructDelay
        var mutations: [CacheMutation] = []
        let unit = settings.unit
        switch kind {
        case .v3:
            var k = 1
            while k * unit <= promptLength {
                mutations.append(store(hashes[k * unit], length: k * unit, readyAt: readyAt, now: now))
                k += 1
            }
        case .v4:
            // Common prefix with earlier requests, found on this request's miss.
            // Seen blocks are prefix-closed, so the longest shared one is found by bisection.
            var low = 0, high = promptLength / unit
            while low < high {
                let mid = (low + high + 1) / 2
                if blocks[hashes[mid * unit]] != nil { low = mid } else { high = mid - 1 }
            }
            let k = low
            if k * unit > hit {
                mutations.append(store(hashes[k * unit], length: k * unit, readyAt: readyAt, now: now))
            }
            var boundary = settings.longTextInterval
            while boundary < promptLength {
                mutations.append(store(hashes[boundary], length: boundary, readyAt: readyAt, now: now))
                boundary += settings.longTextInterval
            }
            if promptLength > 0 {
                mutations.append(store(hashes[promptLength], length: promptLength, readyAt: readyAt, now: now))
            }
            if total > promptLength {
                mutations.append(store(hashes[total], length: total, readyAt: readyAt, now: now))
            }
            var block = unit
            while block <= total {
                blocks[hashes[block]] = now
                mutations.append(.block(hashes[block], lastSeen: now))
                block += unit
            }
        }
        recordsSinceSweep += 1
        if recordsSinceSweep >= 256 || entries.count > settings.maxEntries {
            sweep(now: now)
        }
        return mutations
    }

    /// Replays a persisted mutation (on start-up).
    public mutating func apply(_ mutation: CacheMutation) {
        switch mutation {
        case .unit(let hash, let entry): insert(hash, entry)
        case .block(let hash, let lastSeen): blocks[hash] = lastSeen
        }
    }

    /// Drops expired units, then the least recently used ones beyond the size cap.
    public mutating func sweep(now: Double) {
        recordsSinceSweep = 0
        for (hash, entry) in entries where entry.lastUsed + settings.ttl < now { remove(hash) }
        for (hash, lastSeen) in blocks where lastSeen + settings.ttl < now { blocks[hash] = nil }
        if entries.count > settings.maxEntries {
            let excess = entries.count - settings.maxEntries * 9 / 10
            let oldest = entries.sorted { $0.value.lastUsed < $1.value.lastUsed }.prefix(excess)
            for (hash, _) in oldest { remove(hash) }
        }
        if blocks.count > settings.maxEntries {
            let excess = blocks.count - settings.maxEntries * 9 / 10
            for (hash, _) in blocks.sorted(by: { $0.value < $1.value }).prefix(excess) { blocks[hash] = nil }
        }
    }

    /// Every live unit and block, for compacting the journal.
    public func snapshot() -> [CacheMutation] {
        entries.map { .unit($0.key, $0.value) } + blocks.map { .block($0.key, lastSeen: $0.value) }
    }

    // MARK: - Storage

    private func isLive(_ hash: PrefixHash, now: Double) -> Bool {
        guard let entry = entries[hash] else { return false }
        return entry.readyAt <= now && entry.lastUsed + settings.ttl >= now
    }

    private mutating func store(_ hash: PrefixHash, length: Int, readyAt: Double, now: Double) -> CacheMutation {
        var entry = CacheEntry(length: length, readyAt: readyAt, lastUsed: now)
        if let existing = entries[hash], existing.readyAt <= readyAt { entry.readyAt = existing.readyAt }
        insert(hash, entry)
        return .unit(hash, entry)
    }

    private mutating func insert(_ hash: PrefixHash, _ entry: CacheEntry) {
        if entries.updateValue(entry, forKey: hash) == nil, kind == .v4 {
            let count = lengthCounts[entry.length, default: 0]
            if count == 0 { lengths.insert(entry.length, at: upperBound(lengths, entry.length)) }
            lengthCounts[entry.length] = count + 1
        }
    }

    private mutating func remove(_ hash: PrefixHash) {
        guard let entry = entries.removeValue(forKey: hash), kind == .v4 else { return }
        let count = lengthCounts[entry.length, default: 1] - 1
        lengthCounts[entry.length] = count == 0 ? nil : count
        if count == 0, let index = lengths.firstIndex(of: entry.length) { lengths.remove(at: index) }
    }

    /// Index of the first element greater than `value`.
    private func upperBound(_ array: [Int], _ value: Int) -> Int {
        var low = 0, high = array.count
        while low < high {
            let mid = (low + high) / 2
            if array[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
