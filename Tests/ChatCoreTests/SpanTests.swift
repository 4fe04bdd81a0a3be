import ChatCore
import Testing

/// Span ownership under a one-token-per-character tokenizer (docs/TEMPLATES.md).
@Suite struct SpanTests {
    let tokenizer = FakeTokenizer()
    var template: ChatTemplate { ChatTemplate(tokenizer: tokenizer) }

    static let conversation: [TemplateMessage] = [
        .system("Be brief."),
        .user("Hi"),
        .assistant("Hello", reasoning: "greet"),
        .user("2+2?"),
        .assistant("4", reasoning: "add"),
        .user("Bye"),
    ]

    /// Text of each span, in prompt order, as "index:text" (gen for the generation prompt).
    func pieces(_ rendered: RenderedPrompt) -> [String] {
        rendered.spans.map { span in
            let who = span.isGenerationPrompt ? "gen" : String(span.messageIndex)
            return who + ":" + tokenizer.decode(rendered.ids[span.range])
        }
    }

    func contents(_ rendered: RenderedPrompt) -> [String] {
        rendered.spans.map { tokenizer.decode(rendered.ids[$0.contentRange]) }
    }

    func checkInvariants(_ rendered: RenderedPrompt, messageCount: Int) {
        #expect(rendered.spans.first?.start == 0)
        #expect(rendered.spans.last?.end == rendered.ids.count)
        for (a, b) in zip(rendered.spans, rendered.spans.dropFirst()) { #expect(a.end == b.start) }
        #expect(Set(rendered.spans.filter { !$0.isGenerationPrompt }.map(\.messageIndex)) == Set(0..<messageCount))
        for span in rendered.spans {
            #expect(span.start <= span.contentStart && span.contentStart <= span.contentEnd && span.contentEnd <= span.end)
        }
    }

    @Test func v4MultiRoundChat() {
        let r = template.render(messages: Self.conversation, family: .v4, thinking: false)
        checkInvariants(r, messageCount: 6)
        #expect(pieces(r) == [
            "0:<｜begin▁of▁sentence｜>Be brief.",
            "1:<｜User｜>Hi<｜Assistant｜></think>",
            "2:Hello<｜end▁of▁sentence｜>",
            "3:<｜User｜>2+2?<｜Assistant｜></think>",
            "4:4<｜end▁of▁sentence｜>",
            "5:<｜User｜>Bye",
            "gen:<｜Assistant｜></think>",
        ])
        #expect(contents(r) == ["Be brief.", "Hi", "Hello", "2+2?", "4", "Bye", ""])
        #expect(r.span(ofMessage: 1)?.leadingTemplate.count == 1)
        #expect(r.span(ofMessage: 1)?.trailingTemplate.count == 2)
    }

    /// Thinking: only the last user turn opens `<think>`; earlier reasoning is dropped, so
    /// every earlier span is byte-identical to the non-thinking render.
    @Test func v4MultiRoundThinking() {
        let chat = template.render(messages: Self.conversation, family: .v4, thinking: false)
        let thinking = template.render(messages: Self.conversation, family: .v4, thinking: true)
        checkInvariants(thinking, messageCount: 6)
        #expect(pieces(thinking).last == "gen:<｜Assistant｜><think>")
        #expect(Array(pieces(thinking).dropLast()) == Array(pieces(chat).dropLast()))
        #expect(!thinking.text.contains("greet") && !thinking.text.contains("add"))
    }

    /// The next request re-renders the previous last turn: its `<think>` becomes `</think>`.
    /// The reusable prefix ends right after the previous turn's `<｜Assistant｜>`.
    @Test func thinkingReusablePrefixEndsAtLastUser() {
        let before = template.render(messages: Array(Self.conversation.prefix(4)), family: .v4, thinking: true)
        let after = template.render(
            messages: Array(Self.conversation.prefix(4)) + [.assistant("4", reasoning: "add"), .user("Bye")],
            family: .v4, thinking: true)
        var common = 0
        while common < min(before.ids.count, after.ids.count), before.ids[common] == after.ids[common] { common += 1 }
        let previousGeneration = before.generationPrompt!
        #expect(common == previousGeneration.start + 1)  // `<｜Assistant｜>` reused, `<think>` not
        #expect(after.span(ofMessage: 3)!.end == previousGeneration.end)
    }

    @Test func v4ThinkingKeepsReasoningAfterLastUser() {
        let r = template.render(
            messages: [.user("Go"), .assistant("Once", reasoning: "plan")], family: .v4, thinking: true)
        checkInvariants(r, messageCount: 2)
        #expect(pieces(r) == [
            "0:<｜begin▁of▁sentence｜><｜User｜>Go<｜Assistant｜><think>",
            "1:plan</think>Once<｜end▁of▁sentence｜>",
        ])
        #expect(contents(r) == ["Go", "Once"])
    }

    @Test func v4FewShot() {
        var messages: [TemplateMessage] = [.system("Translate.")]
        for (en, fr) in [("cat", "chat"), ("dog", "chien"), ("yes", "oui"), ("no", "non")] {
            messages += [.user(en), .assistant(fr)]
        }
        messages.append(.user("hello"))
        for thinking in [false, true] {
            let r = template.render(messages: messages, family: .v4, thinking: thinking)
            checkInvariants(r, messageCount: messages.count)
            #expect(r.spans.count == messages.count + 1)
            #expect(pieces(r)[2] == "2:chat<｜end▁of▁sentence｜>")
            #expect(pieces(r)[7] == "7:<｜User｜>no<｜Assistant｜></think>")
        }
    }

    @Test func v4WithoutGenerationPrompt() {
        let r = template.render(messages: Self.conversation, family: .v4, thinking: true, addGenerationPrompt: false)
        checkInvariants(r, messageCount: 6)
        #expect(r.generationPrompt == nil)
        #expect(r.text.hasSuffix("<｜User｜>Bye"))
    }

    @Test func v4ConsecutiveUsersShareOneTurn() {
        let r = template.render(messages: [.user("a"), .user("b")], family: .v4, thinking: false)
        #expect(pieces(r) == ["0:<｜begin▁of▁sentence｜><｜User｜>a", "1:\n\nb", "gen:<｜Assistant｜></think>"])
    }

    @Test func v4ToolResultsFollowCallOrder() {
        let calls = [
            TemplateToolCall(id: "a", name: "f", arguments: #"{"x": 1}"#),
            TemplateToolCall(id: "b", name: "f", arguments: #"{"x": "two"}"#),
        ]
        let messages = [
            .user("q"),
            TemplateMessage(role: .assistant, content: "", toolCalls: calls),
            TemplateMessage(role: .tool, content: "B", toolCallID: "b"),
            TemplateMessage(role: .tool, content: "A", toolCallID: "a"),
        ]
        let r = template.render(messages: messages, family: .v4, thinking: false)
        checkInvariants(r, messageCount: 4)
        #expect(r.spans.map(\.messageIndex) == [0, 1, 3, 2, 4])
        #expect(pieces(r)[2] == "3:<｜User｜><tool_result>A</tool_result>")
        #expect(pieces(r)[3] == "2:\n\n<tool_result>B</tool_result>")
        #expect(r.text.contains(#"<｜DSML｜parameter name="x" string="false">1</｜DSML｜parameter>"#))
        #expect(r.text.contains(#"<｜DSML｜parameter name="x" string="true">two</｜DSML｜parameter>"#))
    }

    @Test func v3MultiRound() {
        let r = template.render(messages: Self.conversation, family: .v3, thinking: true)
        checkInvariants(r, messageCount: 6)
        #expect(pieces(r) == [
            "0:<｜begin▁of▁sentence｜>Be brief.",
            "1:<｜User｜>Hi",
            "2:<｜Assistant｜>Hello<｜end▁of▁sentence｜>",
            "3:<｜User｜>2+2?",
            "4:<｜Assistant｜>4<｜end▁of▁sentence｜>",
            "5:<｜User｜>Bye",
            "gen:<｜Assistant｜>",
        ])
        let bare = template.render(messages: Self.conversation, family: .v3, thinking: false, addGenerationPrompt: false)
        #expect(bare.generationPrompt == nil)
    }

    @Test func v3HoistsSystemMessages() {
        let r = template.render(
            messages: [.system("A"), .user("u"), .system("B")], family: .v3, thinking: false)
        #expect(pieces(r) == ["0:<｜begin▁of▁sentence｜>A", "2:\n\nB", "1:<｜User｜>u", "gen:<｜Assistant｜>"])
    }

    @Test func emptyConversation() {
        for family in TemplateFamily.allCases {
            let r = template.render(messages: [], family: family, thinking: true)
            checkInvariants(r, messageCount: 0)
            #expect(r.spans.count == 1 && r.spans[0].isGenerationPrompt)
        }
    }

    @Test func modelTable() {
        #expect(ModelTemplates.template(forModel: "deepseek-chat") == ModelTemplate(family: .v4, thinkingByDefault: false))
        #expect(ModelTemplates.template(forModel: "deepseek-reasoner").thinkingByDefault)
        #expect(ModelTemplates.template(forModel: "deepseek-v4-pro").thinkingByDefault)
        #expect(ModelTemplates.template(forModel: "deepseek-flash").family == .v4)
        #expect(ModelTemplates.template(forModel: "something-new") == ModelTemplates.fallback)
    }
}
