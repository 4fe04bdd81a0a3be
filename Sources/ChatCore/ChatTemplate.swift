/// Renders a chat request into the exact token ids DeepSeek's reference encoders produce,
/// with one span per message.
///
/// Stateless: every call tokenizes everything. Use `PromptCounter` to re-render a growing
/// conversation cheaply.
public struct ChatTemplate: Sendable {
    public let tokenizer: any TextTokenizer

    public init(tokenizer: any TextTokenizer) {
        self.tokenizer = tokenizer
    }

    /// Renders `messages`.
    ///
    /// - Parameters:
    ///   - thinking: thinking mode (V4 only; V3 has none and ignores it).
    ///   - addGenerationPrompt: append the tokens that hand the turn to the model
    ///     (`<｜Assistant｜>` + `<think>`/`</think>` in V4, `<｜Assistant｜>` in V3). DeepSeek's
    ///     V4 encoder always does this after a final user turn; `false` omits them.
    ///   - reasoningEffort: `.max` prepends the V4 encoder's effort prompt in thinking mode.
    public func render(
        messages: [TemplateMessage], family: TemplateFamily, thinking: Bool,
        addGenerationPrompt: Bool = true, reasoningEffort: ReasoningEffort? = nil
    ) -> RenderedPrompt {
        let request = TemplateRequest(
            messages: messages, family: family, thinking: thinking,
            addGenerationPrompt: addGenerationPrompt, reasoningEffort: reasoningEffort)
        let pieces = request.layout()
        let output = assembler.assemble(pieces, messages: messages, keepIDs: true)
        return RenderedPrompt(ids: output.ids, spans: output.spans, text: pieces.map(\.string).joined())
    }

    /// The ids alone: `render(...).ids` without the spans or the text, in time linear in the
    /// prompt. `render` finds each message boundary inside a merged turn (consecutive user
    /// and tool messages in V4) by encoding the turn up to it, quadratic in the turn's
    /// messages; what only needs ids (the emulator, the cache sequence) uses this.
    public func renderIDs(
        messages: [TemplateMessage], family: TemplateFamily, thinking: Bool,
        addGenerationPrompt: Bool = true, reasoningEffort: ReasoningEffort? = nil
    ) -> [Int] {
        let request = TemplateRequest(
            messages: messages, family: family, thinking: thinking,
            addGenerationPrompt: addGenerationPrompt, reasoningEffort: reasoningEffort)
        return assembler.assemble(request.layout(), messages: messages, keepIDs: true, spans: false).ids
    }

    /// The assembler over this template's tokenizer (no memo: every segment encoded).
    private var assembler: PromptAssembler {
        let tokenizer = self.tokenizer
        return PromptAssembler(
            encode: { text, _ in tokenizer.encode(text) },
            special: { token in tokenizer.id(forAddedToken: token).map { [$0] } ?? tokenizer.encode(token) })
    }

    /// The rendered string alone (no tokenizer work).
    public static func renderText(
        messages: [TemplateMessage], family: TemplateFamily, thinking: Bool,
        addGenerationPrompt: Bool = true, reasoningEffort: ReasoningEffort? = nil
    ) -> String {
        TemplateRequest(
            messages: messages, family: family, thinking: thinking,
            addGenerationPrompt: addGenerationPrompt, reasoningEffort: reasoningEffort
        ).layout().map(\.string).joined()
    }
}
