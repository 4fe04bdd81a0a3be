/// Which prompt format a model is trained on. See docs/TEMPLATES.md.
public enum TemplateFamily: String, Sendable, Hashable, Codable, CaseIterable {
    /// DeepSeek-V3 (`chat_template` of DeepSeek-V3's tokenizer_config.json): no thinking.
    case v3
    /// DeepSeek-V4 (`encoding_dsv4.py`); identical to V3.2 (`encoding_dsv32.py`) for
    /// system/user/assistant conversations.
    case v4
}

/// `reasoning_effort` of a thinking request. Only `max` changes the prompt (the V4
/// encoder's preamble); `low` and `high` render like no effort at all.
public enum ReasoningEffort: String, Sendable, Hashable, Codable, CaseIterable {
    case low, high, max

    /// A value as a person or another client writes it, with DeepSeek's mapping of the
    /// other names (`minimal` -> low, `medium`/`xhigh` -> high, `ultra` -> max).
    public init?(argument: String) {
        switch argument.lowercased() {
        case "low", "minimal": self = .low
        case "high", "medium", "xhigh": self = .high
        case "max", "ultra": self = .max
        default: return nil
        }
    }
}

/// How a model id is rendered: its template family and whether thinking is on by default.
public struct ModelTemplate: Sendable, Hashable {
    public var family: TemplateFamily
    public var thinkingByDefault: Bool

    public init(family: TemplateFamily, thinkingByDefault: Bool) {
        self.family = family
        self.thinkingByDefault = thinkingByDefault
    }
}

/// Model id -> template, read from `ModelCatalog` (the one table of model ids).
public enum ModelTemplates {
    public static let table: [String: ModelTemplate] = Dictionary(
        ModelCatalog.builtIn.models.map { ($0.id, $0.template) }, uniquingKeysWith: { a, _ in a })

    /// What an id missing from `table` gets: the current format, thinking on.
    public static let fallback = ModelCatalog.builtIn.model("").template

    public static func template(forModel id: String) -> ModelTemplate {
        table[id] ?? fallback
    }
}
