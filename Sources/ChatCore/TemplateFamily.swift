/// Which prompt format a model is trained on. See docs/TEMPLATES.md.
public enum TemplateFamily: String, Sendable, Hashable, Codable, CaseIterable {
    /// DeepSeek-V3 (`chat_template` of DeepSeek-V3's tokenizer_config.json): no thinking.
    case v3
    /// DeepSeek-V4 (`encoding_dsv4.py`); identical to V3.2 (`encoding_dsv32.py`) for
    /// system/user/assistant conversations.
    case v4
}

/// `reasoning_effort` of a thinking request.
public enum ReasoningEffort: String, Sendable, Hashable, Codable, CaseIterable {
    case high, max
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

/// Model id -> template. Data, not code: add a row when DeepSeek adds an id.
public enum ModelTemplates {
    public static let table: [String: ModelTemplate] = [
        // Legacy ids now served by V4-Flash (non-thinking / thinking).
        "deepseek-chat": ModelTemplate(family: .v4, thinkingByDefault: false),
        "deepseek-reasoner": ModelTemplate(family: .v4, thinkingByDefault: true),
        "deepseek-v4-flash": ModelTemplate(family: .v4, thinkingByDefault: true),
        "deepseek-v4-pro": ModelTemplate(family: .v4, thinkingByDefault: true),
        "deepseek-flash": ModelTemplate(family: .v4, thinkingByDefault: true),
    ]

    /// What an id missing from `table` gets: the current format, thinking on.
    public static let fallback = ModelTemplate(family: .v4, thinkingByDefault: true)

    public static func template(forModel id: String) -> ModelTemplate {
        table[id] ?? fallback
    }
}
