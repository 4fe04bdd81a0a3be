import ChatCore

/// The `usage` object of a response, read from any of the dialects seen in the wild and
/// normalised into `ChatCore.Usage`.
///
/// Cache hits are read from DeepSeek's `prompt_cache_hit_tokens` first, then
/// `prompt_tokens_details.cached_tokens` (OpenAI, vLLM, SGLang, OpenRouter, xAI, and DeepSeek
/// 2026 as a duplicate), then a top-level `cached_tokens` (Moonshot/Kimi). The sources are
/// alternatives, never added together: a hit is counted once. When only the hit count is
/// known, the miss count is derived as `prompt - hit`.
///
/// A count with the wrong JSON type is treated as absent rather than failing the reply.
/// Encoding writes DeepSeek's 2026 shape (both hit fields), which the emulator serves.
public struct WireUsage: Sendable, Equatable, Codable {
    /// The normalised counts.
    public var usage: Usage

    /// Wraps normalised counts (for encoding).
    public init(_ usage: Usage) { self.usage = usage }

    private enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
        case promptCacheHitTokens = "prompt_cache_hit_tokens"
        case promptCacheMissTokens = "prompt_cache_miss_tokens"
        case promptTokensDetails = "prompt_tokens_details"
        case completionTokensDetails = "completion_tokens_details"
        case cachedTokens = "cached_tokens"
    }

    private enum DetailKeys: String, CodingKey {
        case cachedTokens = "cached_tokens"
        case reasoningTokens = "reasoning_tokens"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let prompt = container.lenientInt(.promptTokens)
        let promptDetails = try? container.nestedContainer(keyedBy: DetailKeys.self, forKey: .promptTokensDetails)
        let completionDetails = try? container.nestedContainer(
            keyedBy: DetailKeys.self, forKey: .completionTokensDetails)

        let hit =
            container.lenientInt(.promptCacheHitTokens)
            ?? promptDetails?.lenientInt(.cachedTokens)
            ?? container.lenientInt(.cachedTokens)
        var miss = container.lenientInt(.promptCacheMissTokens)
        if miss == nil, let prompt, let hit {
            miss = max(0, prompt - hit)
        }
        usage = Usage(
            promptTokens: prompt,
            completionTokens: container.lenientInt(.completionTokens),
            totalTokens: container.lenientInt(.totalTokens),
            cacheHitTokens: hit,
            cacheMissTokens: miss,
            reasoningTokens: completionDetails?.lenientInt(.reasoningTokens)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(usage.promptTokens, forKey: .promptTokens)
        try container.encodeIfPresent(usage.completionTokens, forKey: .completionTokens)
        try container.encodeIfPresent(usage.totalTokens, forKey: .totalTokens)
        if let hit = usage.cacheHitTokens {
            var details = container.nestedContainer(keyedBy: DetailKeys.self, forKey: .promptTokensDetails)
            try details.encode(hit, forKey: .cachedTokens)
        }
        try container.encodeIfPresent(usage.cacheHitTokens, forKey: .promptCacheHitTokens)
        try container.encodeIfPresent(usage.cacheMissTokens, forKey: .promptCacheMissTokens)
        if let reasoning = usage.reasoningTokens {
            var details = container.nestedContainer(keyedBy: DetailKeys.self, forKey: .completionTokensDetails)
            try details.encode(reasoning, forKey: .reasoningTokens)
        }
    }
}

extension KeyedDecodingContainer {
    /// An integer that may be written as a whole float; nil when absent, null or mistyped.
    func lenientInt(_ key: Key) -> Int? {
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(Double.self, forKey: key), value.rounded() == value,
            abs(value) < 9.0e15
        {
            return Int(value)
        }
        return nil
    }

    /// A `usage` member in any dialect; nil when absent, null or not an object.
    func decodeUsageIfPresent(forKey key: Key) -> Usage? {
        guard let wire = try? decodeIfPresent(WireUsage.self, forKey: key) else { return nil }
        return wire.usage
    }
}

extension KeyedEncodingContainer {
    /// Writes `usage` in DeepSeek's shape when present.
    mutating func encodeUsageIfPresent(_ usage: Usage?, forKey key: Key) throws {
        if let usage { try encode(WireUsage(usage), forKey: key) }
    }
}
