/// What cachechat knows about one model id: its window, its output limit, how its prompt is
/// laid out, and whether thinking is on when a request does not say.
public struct KnownModel: Sendable, Hashable {
    public var id: String
    /// Context window in tokens (prompt + output).
    public var contextWindow: Int
    /// The most output tokens one request may ask for; nil when not published.
    public var maxOutput: Int?
    public var thinkingByDefault: Bool
    public var family: TemplateFamily
    /// What the row rests on, or what was assumed ("retired 2026-07-24", "assumed: …").
    public var note: String
    /// False for an id missing from the table: its values are the stated assumptions.
    public var isKnown: Bool

    public init(id: String, contextWindow: Int, maxOutput: Int?, thinkingByDefault: Bool, family: TemplateFamily,
                note: String, isKnown: Bool = true) {
        self.id = id
        self.contextWindow = contextWindow
        self.maxOutput = maxOutput
        self.thinkingByDefault = thinkingByDefault
        self.family = family
        self.note = note
        self.isKnown = isKnown
    }

    public var template: ModelTemplate { ModelTemplate(family: family, thinkingByDefault: thinkingByDefault) }
}

/// The one table of model ids (docs/DECISIONS.md, 70). `ContextLimits.builtIn`,
/// `ModelTemplates` and the emulator's model list are read from it; config.toml's
/// `[models."id"]` tables override the window and output limit.
public struct ModelCatalog: Sendable, Equatable {
    /// Rows in the order DeepSeek lists them (current first, then still accepted, then retired).
    public var models: [KnownModel]

    public init(models: [KnownModel]) { self.models = models }

    /// The model a new conversation uses when nothing names one.
    public static let defaultModel = "deepseek-flash"
    /// Ids tried in order when the endpoint's `GET /models` does not list `defaultModel`.
    public static let defaultPreference = ["deepseek-flash", "deepseek-v4-flash"]

    /// An unknown id is assumed to be a current DeepSeek model with the conservative
    /// window of the V3 era: a request over a window we guessed too small is never sent.
    public static let assumedWindow = 131_072
    public static let assumption = "not in cachechat's model table: assumed V4 prompt format, thinking on, "
        + "128K context, output limit unknown"

    static let v4Window = 1_048_576
    static let v4Output = 393_216

    public static let builtIn = ModelCatalog(models: [
        KnownModel(id: "deepseek-flash", contextWindow: v4Window, maxOutput: v4Output, thinkingByDefault: true,
                   family: .v4, note: "V4.1-Flash; listed first since late 2026"),
        KnownModel(id: "deepseek-v4-pro", contextWindow: v4Window, maxOutput: v4Output, thinkingByDefault: true,
                   family: .v4, note: "V4-Pro-0813"),
        KnownModel(id: "deepseek-v4-flash", contextWindow: v4Window, maxOutput: v4Output, thinkingByDefault: true,
                   family: .v4, note: "V4-Flash; still accepted"),
        KnownModel(id: "deepseek-chat", contextWindow: 131_072, maxOutput: 8_192, thinkingByDefault: false,
                   family: .v4, note: "retired 2026-07-24 (was V4-Flash, non-thinking)"),
        KnownModel(id: "deepseek-reasoner", contextWindow: 131_072, maxOutput: 65_536, thinkingByDefault: true,
                   family: .v4, note: "retired 2026-07-24 (was V4-Flash, thinking)"),
    ])

    /// The row for `id`, or the stated assumptions for an id the table lacks.
    public func model(_ id: String) -> KnownModel {
        models.first { $0.id == id }
            ?? KnownModel(id: id, contextWindow: Self.assumedWindow, maxOutput: nil, thinkingByDefault: true,
                          family: .v4, note: Self.assumption, isKnown: false)
    }

    public var ids: [String] { models.map(\.id) }

    /// The default model for an endpoint that lists `listed` (empty: not known yet).
    public static func preferredDefault(listed: [String]) -> String {
        guard !listed.isEmpty else { return defaultModel }
        return defaultPreference.first(where: listed.contains) ?? defaultModel
    }

    /// A copy with a configured window and/or output limit for `id` (added when unknown).
    public func overriding(_ id: String, contextWindow: Int?, maxOutput: Int?) -> ModelCatalog {
        var copy = self
        var row = model(id)
        if let contextWindow { row.contextWindow = contextWindow }
        if let maxOutput { row.maxOutput = maxOutput }
        if !row.isKnown { row.note = "configured in config.toml; prompt format and thinking assumed as for V4" }
        row.isKnown = true
        if let index = copy.models.firstIndex(where: { $0.id == id }) { copy.models[index] = row } else { copy.models.append(row) }
        return copy
    }

    /// The context windows, for truncation.
    public var contextLimits: ContextLimits {
        ContextLimits(table: Dictionary(models.map { ($0.id, $0.contextWindow) }, uniquingKeysWith: { a, _ in a }),
                      fallback: Self.assumedWindow)
    }
}
