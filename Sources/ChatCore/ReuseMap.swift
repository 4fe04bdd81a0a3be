/// `prompt_cache_hit_tokens` mapped onto the messages of the rendered prompt: which
/// messages the cache served whole, which in part, and where the reused prefix ended.
///
/// DeepSeek caches prefixes only, so the hit is always the first `hit` tokens of the
/// prompt; the map lays that range over the spans from `ChatTemplate`/`PromptCounter`.
///
/// **When our count differs from the server's** (`prompt_tokens` ≠ local count: another
/// template, server-side text, a tokenizer mismatch), positions stay in *local* tokens and
/// nothing is scaled: a difference is usually concentrated in one place (text the server
/// adds), so spreading it proportionally would blur every message instead of one. The map
/// says it is approximate, by how much (`approximation`), and which token range the horizon
/// may really lie in (`uncertainRange`). A hit larger than the local count is clamped.
public struct ReuseMap: Sendable, Hashable {
    /// How much of one message's span the cache served.
    public enum Reuse: Sendable, Hashable {
        /// Every token of the span (an empty span before the horizon counts as reused).
        case full
        /// The first `reused` of the span's `of` tokens.
        case partial(reused: Int, of: Int)
        /// None of it.
        case none
    }

    /// One span of the prompt and what the cache did with it.
    public struct Entry: Sendable, Hashable {
        public var span: MessageSpan
        public var reuse: Reuse
        /// Index of the message; the message count for the generation prompt.
        public var messageIndex: Int { span.messageIndex }
        /// Tokens of this span that were served from cache.
        public var reusedTokens: Int {
            switch reuse {
            case .full: span.tokenCount
            case .partial(let reused, _): reused
            case .none: 0
            }
        }
    }

    /// Where the reused prefix ended: the first token that was not served from cache.
    public enum Horizon: Sendable, Hashable {
        /// Inside (or, with `tokenOffset` 0, at the start of) message `messageIndex`.
        case message(index: Int, tokenOffset: Int)
        /// Every message was reused; only (part of) the generation prompt missed, or nothing.
        case afterLastMessage
    }

    /// Our prompt count against the server's `prompt_tokens`.
    public struct Approximation: Sendable, Hashable {
        public var localTokens: Int
        public var serverTokens: Int
        /// `serverTokens - localTokens`: positive when the server counted more.
        public var difference: Int { serverTokens - localTokens }
    }

    public var entries: [Entry]
    /// Hit tokens as reported by the server.
    public var reportedHitTokens: Int
    /// The hit in local token positions (`reportedHitTokens` clamped to the local count).
    public var hitTokens: Int
    public var localTokens: Int
    public var horizon: Horizon
    /// Set when the server's prompt count differs from ours; the map is then approximate.
    public var approximation: Approximation?
    /// Fingerprint of the reused prefix (the ids before the horizon); nil without ids.
    public var reusedPrefixHash: PrefixHash?

    /// Maps a hit onto a rendered prompt (ids known, so the reused prefix gets a fingerprint).
    public init(prompt: RenderedPrompt, hitTokens: Int, serverPromptTokens: Int? = nil) {
        self.init(spans: prompt.spans, localTokens: prompt.tokenCount, hitTokens: hitTokens,
                  serverPromptTokens: serverPromptTokens)
        var hash = PrefixHash.empty
        for id in prompt.ids[..<self.hitTokens] { hash = hash.appending(id) }
        reusedPrefixHash = hash
    }

    /// Maps a hit onto spans alone (for example a `PromptCount`); no fingerprint.
    public init(spans: [MessageSpan], localTokens: Int, hitTokens: Int, serverPromptTokens: Int? = nil) {
        let hit = max(0, min(hitTokens, localTokens))
        self.reportedHitTokens = hitTokens
        self.hitTokens = hit
        self.localTokens = localTokens
        if let server = serverPromptTokens, server != localTokens {
            approximation = Approximation(localTokens: localTokens, serverTokens: server)
        }
        entries = spans.map { span in
            let reuse: Reuse
            if span.tokenCount == 0 {
                reuse = span.start < hit ? .full : .none
            } else if span.end <= hit {
                reuse = .full
            } else if span.start >= hit {
                reuse = .none
            } else {
                reuse = .partial(reused: hit - span.start, of: span.tokenCount)
            }
            return Entry(span: span, reuse: reuse)
        }
        let messages = spans.filter { !$0.isGenerationPrompt }
        if let span = messages.first(where: { $0.end > hit }) {
            horizon = .message(index: span.messageIndex, tokenOffset: max(0, hit - span.start))
        } else {
            horizon = .afterLastMessage
        }
    }

    /// The entry of message `index` (not the generation prompt).
    public func entry(forMessage index: Int) -> Entry? {
        entries.first { $0.messageIndex == index && !$0.span.isGenerationPrompt }
    }

    /// Tokens of the prompt that missed the cache, in local positions.
    public var missTokens: Int { localTokens - hitTokens }

    /// True when the server counted the prompt differently and positions may be off.
    public var isApproximate: Bool { approximation != nil }

    /// Local token positions the real horizon may lie in: the hit ± the count difference.
    /// Messages overlapping this range may be marked one way while the server did the other.
    public var uncertainRange: Range<Int> {
        guard let approximation else { return hitTokens..<hitTokens }
        let slack = abs(approximation.difference)
        return max(0, hitTokens - slack)..<min(localTokens, hitTokens + slack)
    }
}
