import ChatCore
import Testing

#if canImport(Tokenizer)
import Tokenizer
#endif

/// `renderIDs`: the ids of `render` without the spans, in tokenizer work linear in the
/// prompt. `render` encodes a merged turn (V4's consecutive user and tool messages, or
/// consecutive system messages) up to each message boundary inside it, which made the
/// emulator quadratic in the number of messages of one request.
@Suite struct RenderIDsTests {
    /// `count` consecutive messages with role `role` (tool results carry an id), then a user message.
    static func merged(_ count: Int, role: TemplateRole) -> [TemplateMessage] {
        (1...count).map { n in
            TemplateMessage(role: role, content: "m\(n)", toolCallID: role == .tool ? "call_\(n)" : nil)
        } + [.user("end")]
    }

    static let conversations: [[TemplateMessage]] = [
        merged(200, role: .user),
        merged(200, role: .tool),
        merged(200, role: .system),
        [.system("Be brief."), .user("Hi"), .user("  and\n\n"), .assistant("Hello", reasoning: "greet"),
         .user("2+2?"), .user(""), .user("数字 123 4567"), .assistant(" 4 ", reasoning: "add"), .user("Bye")],
    ]

    /// Tokenizer work stays linear: every scalar of the prompt is encoded once, where
    /// `render` encodes each merged turn once per message boundary inside it.
    @Test(arguments: [TemplateRole.user, .tool, .system])
    func aMergedTurnIsEncodedOnce(_ role: TemplateRole) {
        let messages = Self.merged(2_000, role: role)
        let text = ChatTemplate.renderText(messages: messages, family: .v4, thinking: false)
        let tokenizer = FakeTokenizer()
        let ids = ChatTemplate(tokenizer: tokenizer).renderIDs(messages: messages, family: .v4, thinking: false)
        #expect(tokenizer.encodedScalars <= text.unicodeScalars.count)

        let reply = TemplateMessage.assistant("done")
        let before = tokenizer.encodedScalars
        let sequence = ChatTemplate(tokenizer: tokenizer).continuation(
            ofPromptIDs: ids, messages: messages, reply: reply, family: .v4, thinking: false)
        #expect(tokenizer.encodedScalars - before <= 2 * text.unicodeScalars.count)
        #expect(sequence.promptLength == ids.count)
    }

    #if canImport(Tokenizer)
    /// Exactly `render`'s ids (and `continuation`'s sequence) with the real tokenizer, in
    /// both families and both modes: the spans never changed a token.
    @Test(arguments: [TemplateFamily.v4, .v3], [false, true])
    func sameIDsAsRender(_ family: TemplateFamily, _ thinking: Bool) {
        let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)
        for messages in Self.conversations {
            let rendered = template.render(messages: messages, family: family, thinking: thinking)
            let ids = template.renderIDs(messages: messages, family: family, thinking: thinking)
            #expect(ids == rendered.ids)
            #expect(template.renderIDs(messages: messages, family: family, thinking: thinking, addGenerationPrompt: false)
                    == template.render(messages: messages, family: family, thinking: thinking, addGenerationPrompt: false).ids)
            let reply = TemplateMessage.assistant("Sure.", reasoning: thinking ? "think" : nil)
            #expect(template.continuation(ofPromptIDs: ids, messages: messages, reply: reply, family: family, thinking: thinking)
                    == template.continuation(of: rendered, messages: messages, reply: reply, family: family, thinking: thinking))
        }
    }
    #endif
}
