/// Token counts reported by the server for one request, normalised across API dialects.
///
/// Every count is optional because real servers omit any of them. The wire layer
/// (`ChatWire.WireUsage`) fills this from DeepSeek, OpenAI-style and Moonshot usage objects;
/// this type itself stores camelCase keys when encoded (it is the app's own record, not a
/// wire format).
///
/// DeepSeek semantics: `cacheHitTokens + cacheMissTokens == promptTokens`, and
/// `completionTokens` already includes `reasoningTokens`. There is no cache-write charge, so
/// a hit is never billed twice.
public struct Usage: Sendable, Equatable, Hashable, Codable {
    /// Tokens in the prompt (hit + miss).
    public var promptTokens: Int?
    /// Tokens generated, reasoning included.
    public var completionTokens: Int?
    /// `promptTokens + completionTokens` as reported by the server.
    public var totalTokens: Int?
    /// Prompt tokens served from the context cache.
    public var cacheHitTokens: Int?
    /// Prompt tokens that missed the context cache.
    public var cacheMissTokens: Int?
    /// Tokens spent on reasoning (thinking mode), a subset of `completionTokens`.
    public var reasoningTokens: Int?

    /// Creates a usage record; every count defaults to unknown.
    public init(
        promptTokens: Int? = nil,
        completionTokens: Int? = nil,
        totalTokens: Int? = nil,
        cacheHitTokens: Int? = nil,
        cacheMissTokens: Int? = nil,
        reasoningTokens: Int? = nil
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
        self.cacheHitTokens = cacheHitTokens
        self.cacheMissTokens = cacheMissTokens
        self.reasoningTokens = reasoningTokens
    }

    /// No real request has more tokens than this; a count above it is a broken server.
    public static let maximumCount = 10_000_000_000

    /// Why these counts cannot be true, or nil when they can: a negative count, a count
    /// above `maximumCount`, a hit larger than the prompt, hit + miss ≠ prompt, reasoning
    /// larger than the completion. Such usage is kept out of every total (the request is
    /// recorded as "usage not understood").
    public var problem: String? {
        let named: [(String, Int?)] = [("prompt_tokens", promptTokens), ("completion_tokens", completionTokens),
                                       ("total_tokens", totalTokens), ("prompt_cache_hit_tokens", cacheHitTokens),
                                       ("prompt_cache_miss_tokens", cacheMissTokens), ("reasoning_tokens", reasoningTokens)]
        for (name, value) in named {
            guard let value else { continue }
            if value < 0 { return "\(name) is negative (\(value))" }
            if value > Self.maximumCount { return "\(name) is \(value), more than any request can have" }
        }
        if let hit = cacheHitTokens, let prompt = promptTokens, hit > prompt {
            return "prompt_cache_hit_tokens (\(hit)) is larger than prompt_tokens (\(prompt))"
        }
        if let hit = cacheHitTokens, let miss = cacheMissTokens, let prompt = promptTokens, hit + miss != prompt {
            return "prompt_cache_hit_tokens + prompt_cache_miss_tokens (\(hit) + \(miss)) is not prompt_tokens (\(prompt))"
        }
        if let reasoning = reasoningTokens, let completion = completionTokens, reasoning > completion {
            return "reasoning_tokens (\(reasoning)) is larger than completion_tokens (\(completion))"
        }
        return nil
    }

    /// True when no count at all is known.
    public var isEmpty: Bool {
        promptTokens == nil && completionTokens == nil && totalTokens == nil
            && cacheHitTokens == nil && cacheMissTokens == nil && reasoningTokens == nil
    }

    /// Cache-hit tokens, derived as `prompt - miss` when only the miss count was reported.
    public var resolvedCacheHitTokens: Int? {
        if let cacheHitTokens { return cacheHitTokens }
        guard let promptTokens, let cacheMissTokens else { return nil }
        return max(0, promptTokens - cacheMissTokens)
    }

    /// Cache-miss tokens, derived as `prompt - hit` when only the hit count was reported.
    public var resolvedCacheMissTokens: Int? {
        if let cacheMissTokens { return cacheMissTokens }
        guard let promptTokens, let cacheHitTokens else { return nil }
        return max(0, promptTokens - cacheHitTokens)
    }

    /// Prompt tokens, derived as `hit + miss` when the server left them out.
    public var resolvedPromptTokens: Int? {
        if let promptTokens { return promptTokens }
        guard let cacheHitTokens, let cacheMissTokens else { return nil }
        return cacheHitTokens.saturatingAdd(cacheMissTokens)
    }

    /// Total tokens, derived as `prompt + completion` when the server left them out.
    public var resolvedTotalTokens: Int? {
        if let totalTokens { return totalTokens }
        guard let prompt = resolvedPromptTokens, let completionTokens else { return nil }
        return prompt.saturatingAdd(completionTokens)
    }

    /// Completion tokens that are not reasoning (the visible answer).
    public var answerTokens: Int? {
        guard let completionTokens else { return nil }
        return max(0, completionTokens - (reasoningTokens ?? 0))
    }

    /// Fraction of the prompt served from cache (0...1), or nil when unknown or empty.
    public var cacheHitRatio: Double? {
        guard let hit = resolvedCacheHitTokens, let prompt = resolvedPromptTokens, prompt > 0
        else { return nil }
        return Double(hit) / Double(prompt)
    }

    /// Field-wise sum for running totals; a count stays unknown only if unknown on both sides.
    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        func add(_ a: Int?, _ b: Int?) -> Int? {
            switch (a, b) {
            case let (a?, b?): return a.saturatingAdd(b)
            case let (a?, nil): return a
            case let (nil, b?): return b
            case (nil, nil): return nil
            }
        }
        return Usage(
            promptTokens: add(lhs.promptTokens, rhs.promptTokens),
            completionTokens: add(lhs.completionTokens, rhs.completionTokens),
            totalTokens: add(lhs.totalTokens, rhs.totalTokens),
            cacheHitTokens: add(lhs.resolvedCacheHitTokens, rhs.resolvedCacheHitTokens),
            cacheMissTokens: add(lhs.resolvedCacheMissTokens, rhs.resolvedCacheMissTokens),
            reasoningTokens: add(lhs.reasoningTokens, rhs.reasoningTokens)
        )
    }

    /// Adds `other` into this record (see `+`).
    public static func += (lhs: inout Usage, rhs: Usage) {
        lhs = lhs + rhs
    }
}

extension Int {
    /// `self + other`, held at `Int.max` / `Int.min` instead of trapping: totals of counts a
    /// broken server sent must not crash the program that shows them.
    public func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        if !overflow { return sum }
        return other > 0 ? .max : .min
    }
}
