/// Token and money totals for one scope (this conversation, or all time).
public struct CacheTotals: Hashable, Sendable {
    public var hitTokens: Int
    public var missTokens: Int
    public var outputTokens: Int
    /// What was paid; nil when the model's price is unknown.
    public var cost: Double?
    /// What it would have cost with no cache hits; nil when unknown.
    public var costWithoutCache: Double?

    public init(hitTokens: Int = 0, missTokens: Int = 0, outputTokens: Int = 0, cost: Double? = nil,
                costWithoutCache: Double? = nil) {
        self.hitTokens = hitTokens
        self.missTokens = missTokens
        self.outputTokens = outputTokens
        self.cost = cost
        self.costWithoutCache = costWithoutCache
    }

    /// Hit tokens over all prompt tokens; nil before any request.
    public var hitRatio: Double? {
        let prompt = hitTokens + missTokens
        return prompt > 0 ? Double(hitTokens) / Double(prompt) : nil
    }

    /// Money the cache saved; nil when a price is unknown.
    public var saved: Double? {
        guard let cost, let costWithoutCache else { return nil }
        return costWithoutCache - cost
    }
}

/// Everything the cache side panel shows. Plain data computed by the App (ChatCore's
/// ledger, predictor and request diff); the panel only lays it out.
public struct CachePanelModel: Hashable, Sendable {
    /// The last request's usage.
    public struct LastRequest: Hashable, Sendable {
        public var hitTokens: Int
        public var missTokens: Int
        public var outputTokens: Int
        /// Seconds from sending to the first streamed token.
        public var timeToFirstToken: Double?
        /// The counts are ours: the request ended without the server's usage.
        public var estimated: Bool
        /// What it cost; nil when the model's price is unknown.
        public var cost: Double?
        /// Output tokens spent on reasoning (billed as output).
        public var reasoningTokens: Int?

        public init(hitTokens: Int, missTokens: Int, outputTokens: Int, timeToFirstToken: Double? = nil, estimated: Bool = false,
                    cost: Double? = nil, reasoningTokens: Int? = nil) {
            self.cost = cost
            self.reasoningTokens = reasoningTokens
            self.hitTokens = hitTokens
            self.missTokens = missTokens
            self.outputTokens = outputTokens
            self.timeToFirstToken = timeToFirstToken
            self.estimated = estimated
        }
    }

    /// A prefix the cache served repeatedly ("system + 4 shots").
    public struct ReusedPrefix: Hashable, Sendable {
        public var label: String
        public var tokens: Int
        public var uses: Int

        public init(label: String, tokens: Int, uses: Int) {
            self.label = label
            self.tokens = tokens
            self.uses = uses
        }
    }

    /// What sending the current draft is predicted to cost.
    public struct Prediction: Hashable, Sendable {
        public var hitTokens: Int
        public var missTokens: Int
        public var cost: Double?

        public init(hitTokens: Int, missTokens: Int, cost: Double? = nil) {
            self.hitTokens = hitTokens
            self.missTokens = missTokens
            self.cost = cost
        }
    }

    /// The attached documents of the conversation: how many, their tokens, and whether the
    /// cache has them ("cached", "cold", "partly cached").
    public struct Documents: Hashable, Sendable {
        public var count: Int
        public var tokens: Int
        public var cache: String
        public var hit: Bool

        public init(count: Int, tokens: Int, cache: String, hit: Bool) {
            self.count = count
            self.tokens = tokens
            self.cache = cache
            self.hit = hit
        }
    }

    public var conversation: CacheTotals
    public var allTime: CacheTotals
    public var documents: Documents?
    public var lastRequest: LastRequest?
    /// Hit ratio (0…1) of each request in this conversation, oldest first.
    public var hitRatioHistory: [Double]
    public var reusedPrefixes: [ReusedPrefix]
    public var prediction: Prediction?
    /// A draft is typed while a reply streams: it is predicted when the reply ends (the
    /// next request carries that reply too).
    public var predictionPending: Bool
    /// Warnings about the draft: where and why it breaks the cache, the context window.
    public var warnings: [String]
    /// Something worth knowing that is not a problem (thinking mode's usual lag).
    public var note: String?
    public var currencySymbol: String
    /// Which prices apply now and until when ("peak · off-peak in 2 h 13 m"), or why costs
    /// are missing ("no CNY price published for …"); nil when neither applies.
    public var pricing: String?
    /// The account's balance ("balance $109.98 (granted $0.00 · topped up $109.98)").
    public var balance: String?
    /// The balance fell by more or less than the ledger says (a warning).
    public var balanceMismatch: String?
    /// Budget meters ("today ███░░░░░░░ 32% of $1.00") and warnings at 80% and over.
    public var budgetMeters: [String] = []
    public var budgetWarnings: [String] = []

    public init(conversation: CacheTotals = CacheTotals(), allTime: CacheTotals = CacheTotals(),
                lastRequest: LastRequest? = nil, hitRatioHistory: [Double] = [], reusedPrefixes: [ReusedPrefix] = [],
                prediction: Prediction? = nil, predictionPending: Bool = false, warnings: [String] = [], note: String? = nil, currencySymbol: String = "$") {
        self.conversation = conversation
        self.allTime = allTime
        self.lastRequest = lastRequest
        self.hitRatioHistory = hitRatioHistory
        self.reusedPrefixes = reusedPrefixes
        self.prediction = prediction
        self.predictionPending = predictionPending
        self.warnings = warnings
        self.note = note
        self.currencySymbol = currencySymbol
    }
}
