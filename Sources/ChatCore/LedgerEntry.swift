import Foundation

/// One request to a chat endpoint, as recorded in the ledger: what it cost, what the cache
/// did, and how well we predicted it.
///
/// Token counts are optional because servers omit any of them (and a failed request has
/// none). `hitTokens`/`missTokens` are DeepSeek's `prompt_cache_hit_tokens` /
/// `prompt_cache_miss_tokens`, already resolved (hit + miss == prompt) by the caller.
/// The endpoint is identified by host and display name only: callers must never pass a key
/// or a URL that contains one, and the store has no column that could hold it.
public struct LedgerEntry: Sendable, Equatable, Codable {
    /// How the request ended.
    public enum Outcome: Sendable, Equatable, Codable {
        case ok
        /// The reply was cut off (user cancel, connection lost, cachechat stopped).
        case interrupted(reason: String)
        /// The request failed; `kind` is a short stable name (`http-401`, `timeout`, ...).
        case error(kind: String)
    }

    /// Assigned by the store; nil for an entry not recorded yet.
    public var id: Int64?
    /// When the request was sent.
    public var time: Date
    /// Host of the base URL, e.g. `api.deepseek.com`.
    public var endpointHost: String
    /// The endpoint's display name (profile name or host).
    public var endpointName: String
    public var model: String
    public var conversation: ConversationID?
    /// The assistant message holding the reply, if any.
    public var message: MessageID?
    public var promptTokens: Int?
    public var hitTokens: Int?
    public var missTokens: Int?
    /// Generated tokens, reasoning included.
    public var completionTokens: Int?
    public var reasoningTokens: Int?
    /// What the request cost, in `currency`; nil when the price is unknown.
    public var cost: Double?
    /// What it would have cost if every prompt token had missed the cache.
    public var costWithoutCache: Double?
    /// ISO 4217 code (`USD`, `CNY`) of both costs.
    public var currency: String?
    /// Hit tokens our cache predictor expected before sending.
    public var predictedHitTokens: Int?
    /// Prompt tokens our own tokenizer counted (the approximate case: no server count).
    public var localPromptTokens: Int?
    public var secondsToFirstToken: Double?
    public var totalSeconds: Double?
    public var outcome: Outcome
    /// True when the token counts are ours, not the server's: a request that ended after
    /// the first byte without usage is billed for its prompt and for what was generated,
    /// so we record our own count of both rather than nothing.
    public var estimated: Bool
    /// What the request carried (nil for rows written before this was kept).
    public var plan: PlanRecord?
    /// Why the server's usage was not believed (`Usage.problem`); its counts and cost are
    /// then nil, so no total includes them.
    public var usageProblem: String?

    public init(
        id: Int64? = nil, time: Date, endpointHost: String, endpointName: String, model: String,
        conversation: ConversationID? = nil, message: MessageID? = nil,
        promptTokens: Int? = nil, hitTokens: Int? = nil, missTokens: Int? = nil,
        completionTokens: Int? = nil, reasoningTokens: Int? = nil,
        cost: Double? = nil, costWithoutCache: Double? = nil, currency: String? = nil,
        predictedHitTokens: Int? = nil, localPromptTokens: Int? = nil,
        secondsToFirstToken: Double? = nil, totalSeconds: Double? = nil, outcome: Outcome = .ok,
        estimated: Bool = false, plan: PlanRecord? = nil, usageProblem: String? = nil
    ) {
        self.usageProblem = usageProblem
        self.id = id
        self.time = time
        self.endpointHost = endpointHost
        self.endpointName = endpointName
        self.model = model
        self.conversation = conversation
        self.message = message
        self.promptTokens = promptTokens
        self.hitTokens = hitTokens
        self.missTokens = missTokens
        self.completionTokens = completionTokens
        self.reasoningTokens = reasoningTokens
        self.cost = cost
        self.costWithoutCache = costWithoutCache
        self.currency = currency
        self.predictedHitTokens = predictedHitTokens
        self.localPromptTokens = localPromptTokens
        self.secondsToFirstToken = secondsToFirstToken
        self.totalSeconds = totalSeconds
        self.outcome = outcome
        self.estimated = estimated
        self.plan = plan
    }

    /// What the cache saved on this request, when both costs are known.
    public var saved: Double? {
        guard let cost, let costWithoutCache else { return nil }
        return costWithoutCache - cost
    }
}

extension LedgerEntry.Outcome {
    /// The outcome's name and detail, as the database and exports write them.
    public var columns: (String, String?) {
        switch self {
        case .ok: ("ok", nil)
        case .interrupted(let reason): ("interrupted", reason)
        case .error(let kind): ("error", kind)
        }
    }
}
