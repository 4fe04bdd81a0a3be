/// Where a few-shot set's tokens are once rendered with a model's template: the prefix
/// every question shares, and how many tokens the system prompt and each shot take.
public struct FewShotLayout: Sendable, Hashable {
    /// The set followed by the question (and the generation prompt), as sent.
    public var ids: [Int]
    /// Tokens shared by every question asked with the set: the system prompt, the shots
    /// and the template tokens that open the question (`<｜User｜>`). Nothing after this
    /// depends on the set.
    public var prefixLength: Int
    /// Tokens of the system message (with BOS).
    public var systemTokens: Int
    /// Tokens of each shot (its user and assistant messages with their template tokens).
    public var shotTokens: [Int]

    public var promptTokens: Int { ids.count }

    public init(set: FewShotSet, question: String = "", family: TemplateFamily, thinking: Bool, template: ChatTemplate) {
        let messages = set.messages(question: question)
        let rendered = template.render(messages: messages, family: family, thinking: thinking)
        ids = rendered.ids
        prefixLength = rendered.span(ofMessage: messages.count - 1)?.contentStart ?? rendered.ids.count
        systemTokens = rendered.span(ofMessage: 0)?.tokenCount ?? 0
        shotTokens = set.shots.indices.map { index in
            (rendered.span(ofMessage: 1 + 2 * index)?.tokenCount ?? 0)
                + (rendered.span(ofMessage: 2 + 2 * index)?.tokenCount ?? 0)
        }
    }

    /// Renders for a model id, with its template family and default thinking mode.
    public init(set: FewShotSet, question: String = "", model: String, thinking: Bool? = nil, template: ChatTemplate) {
        let entry = ModelTemplates.template(forModel: model)
        self.init(set: set, question: question, family: entry.family, thinking: thinking ?? entry.thinkingByDefault,
                  template: template)
    }

    /// The part of the prefix a cache stores in whole `unit`-token units.
    public func cacheablePrefix(unit: Int) -> Int { prefixLength / unit * unit }

    /// Length of the common prefix of two token sequences.
    static func commonPrefix(_ a: ArraySlice<Int>, _ b: ArraySlice<Int>) -> Int {
        zip(a, b).prefix { $0 == $1 }.count
    }
}
