/// Model id -> context window in tokens, read from `ModelCatalog` (docs/DECISIONS.md, 70):
/// V4 ids have 1M tokens, the retired V3-era ids 128K, and an unknown id the 128K
/// fallback (truncating early costs little, a request over the limit fails).
public struct ContextLimits: Sendable, Hashable {
    public var table: [String: Int]
    /// The window of any id missing from `table`.
    public var fallback: Int

    public init(table: [String: Int], fallback: Int = 131_072) {
        self.table = table
        self.fallback = fallback
    }

    public static let builtIn = ModelCatalog.builtIn.contextLimits

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
