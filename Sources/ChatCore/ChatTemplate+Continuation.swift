/// What a request leaves in the cache: its prompt followed by the reply as the *next*
/// request will render it.
///
/// The emulator records exactly this sequence after every request, and the client's
/// `CachePredictor` records the same one after every reply, so both sides share this one
/// definition (a difference here would make every prediction drift).
public struct CacheSequence: Sendable, Hashable {
    /// Prompt ids followed by the rendered reply.
    public var ids: [Int]
    /// Where the reply starts: `ids[..<promptLength]` is the prompt.
    public var promptLength: Int

    public init(ids: [Int], promptLength: Int) {
        self.ids = ids
        self.promptLength = promptLength
    }

    /// Tokens after the prompt (the reply as rendered for the next request).
    public var continuationLength: Int { ids.count - promptLength }
}

extension ChatTemplate {
    /// The prompt followed by `reply` rendered as history, as the next request will carry it.
    ///
    /// The request is re-rendered with `reply` appended and no generation prompt. When that
    /// render does not start with the prompt's ids (a template that re-renders the end of
    /// the prompt, or a prompt that ends in tool output), the sequence falls back to the
    /// prompt followed by the generated ids and EOS: what the model actually produced.
    ///
    /// - Parameters:
    ///   - prompt: the request as rendered for sending (`render(messages:...)`).
    ///   - messages: the request's messages.
    ///   - reply: the assistant message as it will be sent back (content, and in thinking
    ///     mode its `reasoningContent`).
    ///   - generatedIDs: the reply's ids as generated (reasoning then content, without EOS)
    ///     when known; otherwise the reply's texts are encoded.
    public func continuation(
        of prompt: RenderedPrompt, messages: [TemplateMessage], reply: TemplateMessage,
        family: TemplateFamily, thinking: Bool, reasoningEffort: ReasoningEffort? = nil,
        generatedIDs: [Int]? = nil
    ) -> CacheSequence {
        continuation(
            ofPromptIDs: prompt.ids, messages: messages, reply: reply, family: family, thinking: thinking,
            reasoningEffort: reasoningEffort, generatedIDs: generatedIDs)
    }

    /// `continuation(of:...)` given the prompt's ids alone (`renderIDs`).
    public func continuation(
        ofPromptIDs promptIDs: [Int], messages: [TemplateMessage], reply: TemplateMessage,
        family: TemplateFamily, thinking: Bool, reasoningEffort: ReasoningEffort? = nil,
        generatedIDs: [Int]? = nil
    ) -> CacheSequence {
        // Ids only: the spans would cost an encode per message boundary inside a merged turn.
        let answered = renderIDs(
            messages: messages + [reply], family: family, thinking: thinking,
            addGenerationPrompt: false, reasoningEffort: reasoningEffort)
        if answered.starts(with: promptIDs) {
            return CacheSequence(ids: answered, promptLength: promptIDs.count)
        }
        let generated = generatedIDs ?? Self.generatedIDs(reply, thinking: thinking, tokenizer: tokenizer)
        let eos = tokenizer.id(forAddedToken: SpecialToken.eos).map { [$0] } ?? tokenizer.encode(SpecialToken.eos)
        return CacheSequence(ids: promptIDs + generated + eos, promptLength: promptIDs.count)
    }

    private static func generatedIDs(_ reply: TemplateMessage, thinking: Bool, tokenizer: any TextTokenizer) -> [Int] {
        let reasoning = thinking ? (reply.reasoningContent.map(tokenizer.encode) ?? []) : []
        return reasoning + tokenizer.encode(reply.content)
    }
}
