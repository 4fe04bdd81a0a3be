/// Per-request knobs that do not belong to a conversation: they come from flags and the
/// config file and apply to whatever is sent.
public struct RequestOptions: Sendable, Equatable, Hashable {
    public var stream: Bool
    public var maxTokens: Int?
    public var temperature: Double?
    /// Scopes DeepSeek's cache to one end user (`user_id`); from the profile.
    public var userID: String?
    /// JSON output: `response_format: {"type":"json_object"}`; an empty or whitespace-only
    /// reply is then an error (DeepSeek's answer when the model produced no JSON).
    public var jsonObject: Bool

    public init(stream: Bool = true, maxTokens: Int? = nil, temperature: Double? = nil, userID: String? = nil,
                jsonObject: Bool = false) {
        self.stream = stream
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.userID = userID
        self.jsonObject = jsonObject
    }
}

/// Everything that decides how a request is rendered and what goes on the wire besides
/// its messages: the model, thinking mode, reasoning effort and the request options.
public struct RequestSettings: Sendable, Equatable, Hashable {
    public var model: String
    /// The explicit choice; nil leaves the model's default (and sends no `thinking` field).
    public var thinking: Bool?
    public var reasoningEffort: ReasoningEffort?
    public var options: RequestOptions

    public init(model: String, thinking: Bool? = nil, reasoningEffort: ReasoningEffort? = nil,
                options: RequestOptions = RequestOptions()) {
        self.model = model
        self.thinking = thinking
        self.reasoningEffort = reasoningEffort
        self.options = options
    }

    /// How the model's prompt is laid out.
    public var template: ModelTemplate { ModelTemplates.template(forModel: model) }
    /// Whether the request runs in thinking mode.
    public var effectiveThinking: Bool { thinking ?? template.thinkingByDefault }
    /// The effort the template renders with: only thinking requests have one.
    public var renderedEffort: ReasoningEffort? { effectiveThinking ? reasoningEffort : nil }
}

/// Renders messages to token ids with per-message spans: `ChatTemplate` (stateless) and
/// `PromptCounter` (re-tokenizes only what changed) give identical results.
public protocol PromptRendering {
    func render(messages: [TemplateMessage], family: TemplateFamily, thinking: Bool,
                addGenerationPrompt: Bool, reasoningEffort: ReasoningEffort?) -> RenderedPrompt
}

extension ChatTemplate: PromptRendering {}
extension PromptCounter: PromptRendering {}

extension PromptRendering {
    /// Renders with a request's settings.
    public func render(_ messages: [TemplateMessage], settings: RequestSettings, addGenerationPrompt: Bool = true) -> RenderedPrompt {
        render(messages: messages, family: settings.template.family, thinking: settings.effectiveThinking,
               addGenerationPrompt: addGenerationPrompt, reasoningEffort: settings.renderedEffort)
    }
}
