import ChatCore
import Testing

#if canImport(Tokenizer)
import Tokenizer
#endif

/// ChatTemplate against DeepSeek's reference encoders (scripts/template_oracle.py).
@Suite struct ReferenceFixtureTests {
    static let cases = TemplateFixtureFile.shared.cases

    @Test(arguments: cases)
    func renderedTextMatchesReference(_ fixture: TemplateFixture) {
        #expect(fixture.renderText() == fixture.text)
    }

    @Test func fixturesCoverEveryCase() {
        let names = Set(Self.cases.map(\.name))
        for required in [
            "v4_multi_round_thinking", "v4_few_shot_chat", "v4_long_document_thinking", "v4_cjk_chat",
            "v4_literal_special_thinking", "v4_empty_content_chat", "v4_tool_calls_thinking", "v3_multi_round",
        ] {
            #expect(names.contains(required), "\(required)")
        }
    }

    /// For plain system/user/assistant conversations V3.2's encoder renders what V4's does,
    /// which is why `.v4` covers both.
    @Test func v4MatchesV32ForPlainConversations() {
        for fixture in Self.cases where fixture.family == .v4 {
            let plain = fixture.messages.allSatisfy { $0.role != .tool && ($0.tool_calls ?? []).isEmpty }
            let consecutiveUsers = zip(fixture.messages, fixture.messages.dropFirst()).contains {
                $0.role == .user && $1.role == .user
            }
            if plain, !consecutiveUsers, fixture.reasoningEffort == nil {
                #expect(fixture.matchesV32 == true, "\(fixture.name)")
            }
        }
    }

    #if canImport(Tokenizer)
    @Test(arguments: cases)
    func idsAndSpansMatchReference(_ fixture: TemplateFixture) {
        let rendered = fixture.render(with: ChatTemplate(tokenizer: DeepSeekTokenizer.shared))
        #expect(rendered.text == fixture.text)
        #expect(rendered.ids == fixture.ids)
        #expect(rendered.spans.map(\.fixtureSpan) == fixture.spans)
    }

    /// Per-segment encoding equals encoding the whole rendered string at once.
    @Test(arguments: cases)
    func segmentEncodingEqualsWholeStringEncoding(_ fixture: TemplateFixture) {
        let tokenizer = DeepSeekTokenizer.shared
        let rendered = fixture.render(with: ChatTemplate(tokenizer: tokenizer))
        #expect(tokenizer.encode(rendered.text) == rendered.ids)
    }

    @Test(arguments: cases)
    func counterMatchesReference(_ fixture: TemplateFixture) {
        let counter = PromptCounter(tokenizer: DeepSeekTokenizer.shared)
        for _ in 0..<2 {
            let rendered = counter.render(
                messages: fixture.templateMessages, family: fixture.family, thinking: fixture.thinking,
                addGenerationPrompt: fixture.addGenerationPrompt, reasoningEffort: fixture.reasoningEffort)
            #expect(rendered.ids == fixture.ids)
            #expect(rendered.spans.map(\.fixtureSpan) == fixture.spans)
        }
    }
    #endif
}
