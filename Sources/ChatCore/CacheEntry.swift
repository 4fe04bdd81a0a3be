/// One stored prefix unit: the whole prefix of `length` tokens whose fingerprint keys it.
public struct CacheEntry: Sendable, Equatable {
    public var length: Int
    /// Seconds since 1970 when the unit becomes usable (construction takes time).
    public var readyAt: Double
    /// Seconds since 1970 of the last store or hit; TTL counts from here.
    public var lastUsed: Double

    public init(length: Int, readyAt: Double, lastUsed: Double) {
        self.length = length
        self.readyAt = readyAt
        self.lastUsed = lastUsed
    }
}

/// Settings shared by the cache models.
public struct CacheSettings: Sendable, Equatable {
    /// Hits are reported in whole multiples of this (64 for V3, 128 for V4).
    public var unit: Int
    /// Unused units vanish after this many seconds.
    public var ttl: Double
    /// Seconds between a request and the moment its units can be hit.
    public var constructDelay: Double
    /// The most units kept per key; the least recently used go first.
    public var maxEntries: Int
    /// V4: units are also persisted every this many tokens of a long input.
    public var longTextInterval: Int

    public init(unit: Int, ttl: Double = 24 * 3600, constructDelay: Double = 0, maxEntries: Int = 2_000_000,
                longTextInterval: Int = 4096) {
        self.unit = unit
        self.ttl = ttl
        self.constructDelay = constructDelay
        self.maxEntries = maxEntries
        self.longTextInterval = longTextInterval
    }
}
