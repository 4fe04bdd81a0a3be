import ChatCore
/// How `cachechat serve` (or the built-in endpoint) behaves.
public struct EmulatorConfiguration: Sendable {
    public var cacheModel: CacheModelKind
    public var cache: CacheSettings
    /// Where the cache journals live; nil keeps the cache in memory only.
    public var dataDirectory: String?
    /// Generation speed; 0 sends everything at once.
    public var tokensPerSecond: Double
    /// When set, every reply has exactly this many content tokens (benchmarks).
    public var replyTokens: Int?
    public var usagePlacement: UsagePlacement
    public var faults: [FaultPlan]
    /// A file of fault plans, one per line, read before every request. Plans in it at start
    /// join `faults`; when its text changes, its plans replace all current ones and their
    /// counting starts again. Lets a test switch faults without restarting the server
    /// (`serve --fault-file`).
    public var faultFile: String?
    /// Requests served at once; later ones wait (streams get `: keep-alive` meanwhile).
    public var maxConcurrent: Int
    public var keepAliveInterval: Double
    /// Each key's starting balance, in `balanceCurrency`.
    public var startingBalance: Double
    /// The account's currency: each request is charged its built-in price in it (a model
    /// with no price in it is not charged).
    public var balanceCurrency: Currency = .usd
    /// Each request is charged its price times this (1: the built-in prices). A value other
    /// than 1 plays an account whose prices changed, for reconciliation tests.
    public var chargeFactor: Double = 1
    /// Model ids served, in the order `GET /models` lists them (`ModelCatalog`; the retired
    /// ids are still served so that old conversations can be replayed).
    public var models: [String]
    /// Journal files kept open at once; the least recently used is closed (and reopened
    /// when its key is next used), so many keys or `user_id`s never run out of descriptors.
    public var maxOpenJournals = 64
    /// The journals' total size on disk; past it, the least recently written keys' caches
    /// are forgotten (file and memory) until a quarter of the room is free again.
    public var maxCacheBytes = 1 << 30

    public init(
        cacheModel: CacheModelKind = .v4, unit: Int? = nil, ttl: Double = 24 * 3600, constructDelay: Double = 0,
        dataDirectory: String? = nil, tokensPerSecond: Double = 400, replyTokens: Int? = nil,
        usagePlacement: UsagePlacement = .finish, faults: [FaultPlan] = [], maxConcurrent: Int = 64,
        keepAliveInterval: Double = 1, startingBalance: Double = 100,
        models: [String] = ModelCatalog.builtIn.ids
    ) {
        self.cacheModel = cacheModel
        self.cache = CacheSettings(unit: unit ?? cacheModel.defaultUnit, ttl: ttl, constructDelay: constructDelay)
        self.dataDirectory = dataDirectory
        self.tokensPerSecond = tokensPerSecond
        self.replyTokens = replyTokens
        self.usagePlacement = usagePlacement
        self.faults = faults
        self.maxConcurrent = maxConcurrent
        self.keepAliveInterval = keepAliveInterval
        self.startingBalance = startingBalance
        self.models = models
    }
}
