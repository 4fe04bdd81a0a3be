/// One piece of a rendered prompt: a special token or a run of text, owned by a message.
///
/// Layouts are pure (no tokenizer): the assembler turns them into ids and spans. Text
/// pieces may contain literal added-token strings (DSML markup); the tokenizer matches
/// them exactly as Hugging Face `tokenizers` does.
struct TemplatePiece: Sendable {
    enum Kind: Sendable {
        case special(String)
        case text(String)
    }

    var kind: Kind
    /// Message index; `messageCount` for the generation prompt.
    var owner: Int
    /// True for the message's own `content` text.
    var isContent: Bool

    static func special(_ token: String, _ owner: Int) -> TemplatePiece {
        TemplatePiece(kind: .special(token), owner: owner, isContent: false)
    }

    static func text(_ text: String, _ owner: Int, content: Bool = false) -> TemplatePiece {
        TemplatePiece(kind: .text(text), owner: owner, isContent: content)
    }

    var string: String {
        switch kind {
        case .special(let token): token
        case .text(let text): text
        }
    }
}

/// A request as the template sees it.
struct TemplateRequest: Sendable {
    var messages: [TemplateMessage]
    var family: TemplateFamily
    var thinking: Bool
    var addGenerationPrompt: Bool
    var reasoningEffort: ReasoningEffort?

    func layout() -> [TemplatePiece] {
        switch family {
        case .v3: V3Layout.pieces(messages: messages, addGenerationPrompt: addGenerationPrompt)
        case .v4:
            V4Layout.pieces(
                messages: messages, thinking: thinking,
                addGenerationPrompt: addGenerationPrompt, reasoningEffort: reasoningEffort)
        }
    }
}
