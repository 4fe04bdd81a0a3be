/// Model id -> context window in tokens. Data, not code: add a row when a limit is known.
///
/// DeepSeek documents 128K (131,072 tokens) for the V3.x-era `deepseek-chat` and
/// `deepseek-reasoner`. No limit for the V4 ids is recorded in the facts this project
/// works from (docs/DECISIONS.md, 11), so they get the 128K fallback: truncating early costs
/// little, a request over the limit fails. Configure a larger window per model when
/// the endpoint is known to accept it.
public struct ContextLimits: Sendable, Hashable {
    public var table: [String: Int]
    /// The window of any id missing from `table`.
    public var fallback: Int

    public init(table: [String: Int], fallback: Int = 131_072) {
        self.table = table
        self.fallback = fallback
    }

    public static let builtIn = ContextLimits(table: [
        "deepseek-chat": 131_072,
        "deepseek-reasoner": 131_072,
    ])

    /// The window for `model`.
    public func limit(forModel model: String) -> Int {
        table[model] ?? fallback
    }

    /// A copy with `model`'s window set (a configured override).
    public func setting(_ limit: Int, forModel model: String) -> ContextLimits {
        var copy = self
        copy.table[model] = limit
        return copy
    }
}
