import Foundation

/// Predicts a request's cache hit before it is sent, from the requests already sent to the
/// same endpoint, model and key, and tracks how good the predictions were.
///
/// It runs the same exact cache model as the emulator (`PrefixCache`) over what the client
/// has sent: `predict` peeks without changing anything; `record` replays what the server
/// did after a reply (the lookup that refreshed the hit unit, then the units the request
/// stored). Construction delay is taken as 0 (the next request is seconds away).
///
/// Keep one predictor per `Key`. When the server reports more hit tokens than the model
/// expected (the account's cache holds prefixes this client never sent, for example from
/// another device), a unit of exactly the reported length is learned, so the next request
/// over that prefix is predicted right. A smaller hit (an eviction) cannot be replayed:
/// the model keeps the unit until `lifetime` passes, and accuracy shows the gap.
public struct CachePredictor: Sendable {
    /// Which cache a predictor stands for. Never holds a raw API key: `maskedKey` is the
    /// masked form (`sk-…abcd`) the UI shows, or a hash of the key.
    public struct Key: Sendable, Hashable {
        /// The endpoint's display name or host.
        public var endpoint: String
        public var model: String
        public var maskedKey: String

        public init(endpoint: String, model: String, maskedKey: String) {
            self.endpoint = endpoint
            self.model = model
            self.maskedKey = maskedKey
        }
    }

    /// A predicted hit/miss split and what the prompt will cost.
    public struct Prediction: Sendable, Equatable {
        public var hitTokens: Int
        public var missTokens: Int
        /// The prompt's cost (no completion yet); nil when the model has no known price.
        public var cost: Cost?

        public init(hitTokens: Int, missTokens: Int, cost: Cost?) {
            self.hitTokens = hitTokens
            self.missTokens = missTokens
            self.cost = cost
        }
    }

    public let model: String
    public private(set) var cache: PrefixCache
    public var prices: PriceTable
    public var currency: Currency
    public private(set) var accuracy: PredictionAccuracy

    /// - Parameters:
    ///   - kind: the cache model; `defaultCacheModel(forModel:)` when nil.
    ///   - unit: hit granularity; the kind's default (64 or 128) when nil.
    ///   - lifetime: seconds after its last use that a unit is still trusted.
    public init(model: String, kind: CacheModelKind? = nil, unit: Int? = nil, lifetime: Double = 6 * 3600,
                prices: PriceTable = .builtIn, currency: Currency = .usd, recentPairs: Int = 50) {
        self.model = model
        let kind = kind ?? Self.defaultCacheModel(forModel: model)
        self.cache = PrefixCache(kind: kind, settings: CacheSettings(unit: unit ?? kind.defaultUnit, ttl: lifetime, constructDelay: 0))
        self.prices = prices
        self.currency = currency
        self.accuracy = PredictionAccuracy(recentCapacity: recentPairs)
    }

    /// The cache model DeepSeek uses for a model id (at `date`, default now).
    ///
    /// V4-era prefix units for every current id and for the legacy `deepseek-chat` /
    /// `deepseek-reasoner` from 2026-04-24 (when V4-Flash took them over); 64-token units
    /// for the legacy ids before that and for any id naming V3 (`deepseek-ai/DeepSeek-V3`
    /// behind a self-hosted endpoint, `deepseek-v3…`). Unknown ids get V4.
    public static func defaultCacheModel(forModel id: String, at date: Date = Date()) -> CacheModelKind {
        let lower = id.lowercased()
        if ["deepseek-chat", "deepseek-reasoner"].contains(lower) {
            return date < PriceEntry.day("2026-04-24") ? .v3 : .v4
        }
        if lower.contains("deepseek-v3") || lower.hasSuffix("/deepseek-v3") { return .v3 }
        return .v4
    }

    /// The hit the server should report for `promptIDs` at `now` (seconds since 1970),
    /// and the prompt's cost at that time.
    public func predict(promptIDs: [Int], now: Double) -> Prediction {
        let hashes = PrefixHash.prefixes(of: promptIDs)
        return prediction(hit: cache.peek(hashes, now: now), promptLength: promptIDs.count, now: now)
    }

    /// Replays a finished request: `sequence` is what it leaves in the cache
    /// (`ChatTemplate.continuation`), `actualHit` the server's `prompt_cache_hit_tokens`.
    /// Returns what the model predicted for it (counted in `accuracy`).
    @discardableResult
    public mutating func record(sequence: CacheSequence, actualHit: Int, now: Double) -> Int {
        record(sequence: sequence.ids, promptLength: sequence.promptLength, actualHit: actualHit, now: now)
    }

    /// `record(sequence:actualHit:now:)` with the sequence's parts given separately.
    @discardableResult
    public mutating func record(sequence: [Int], promptLength: Int, actualHit: Int, now: Double) -> Int {
        let length = min(promptLength, sequence.count)
        let hashes = PrefixHash.prefixes(of: sequence)
        let promptHashes = Array(hashes[0...length])
        let predicted = cache.peek(promptHashes, now: now)
        accuracy.record(predicted: predicted, actual: actualHit)
        _ = cache.lookup(promptHashes, now: now)
        if actualHit > predicted, actualHit <= length {
            cache.apply(.unit(hashes[actualHit], CacheEntry(length: actualHit, readyAt: now, lastUsed: now)))
        }
        _ = cache.record(hashes, promptLength: length, hit: actualHit, now: now)
        return predicted
    }

    /// A prompt the server began answering but whose usage never came (the reply was
    /// stopped, or the connection dropped): the server read it, so its prefix units are
    /// in the cache now. The hit is taken to be the predicted one; `accuracy` learns
    /// nothing, since nothing was confirmed.
    public mutating func recordUnconfirmed(promptIDs: [Int], now: Double) {
        let hashes = PrefixHash.prefixes(of: promptIDs)
        let predicted = cache.lookup(hashes, now: now).hit
        _ = cache.record(hashes, promptLength: promptIDs.count, hit: predicted, now: now)
    }

    /// `predict(promptIDs:now:)` for a prompt whose prefix hashes the caller already has
    /// (`PrefixHash.prefixes(of:)`, `count + 1` of them): the per-keystroke path reuses them.
    public func predict(prefixHashes hashes: [PrefixHash], now: Double) -> Prediction {
        prediction(hit: cache.peek(hashes, now: now), promptLength: hashes.count - 1, now: now)
    }

    private func prediction(hit: Int, promptLength: Int, now: Double) -> Prediction {
        let miss = promptLength - hit
        let usage = Usage(promptTokens: promptLength, completionTokens: 0, cacheHitTokens: hit, cacheMissTokens: miss)
        let cost = prices.price(model: model, at: Date(timeIntervalSince1970: now), currency: currency)
            .flatMap { Cost(usage: usage, price: $0) }
        return Prediction(hitTokens: hit, missTokens: miss, cost: cost)
    }
}
