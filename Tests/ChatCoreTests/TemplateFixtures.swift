import ChatCore
import Foundation

/// Tests/ChatCoreTests/Fixtures/templates.json, written by scripts/template_oracle.py from
/// DeepSeek's reference encoders and Hugging Face `tokenizers`.
struct TemplateFixtureFile: Decodable {
    var cases: [TemplateFixture]

    static let shared: TemplateFixtureFile = {
        let url = Bundle.module.url(forResource: "templates", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(TemplateFixtureFile.self, from: Data(contentsOf: url))
    }()
}

struct TemplateFixture: Decodable, CustomStringConvertible {
    struct Call: Decodable {
        var id: String
        var name: String
        var arguments: String
    }

    struct Message: Decodable {
        var role: TemplateRole
        var content: String
        var reasoning_content: String?
        var tool_calls: [Call]?
        var tool_call_id: String?
    }

    struct Span: Decodable, Equatable {
        var messageIndex: Int
        var start: Int
        var end: Int
        var contentStart: Int
        var contentEnd: Int
    }

    var name: String
    var family: TemplateFamily
    var thinking: Bool
    var addGenerationPrompt: Bool
    var reasoningEffort: ReasoningEffort?
    var messages: [Message]
    var text: String
    var ids: [Int]
    var spans: [Span]
    var matchesV32: Bool?

    var description: String { name }

    var templateMessages: [TemplateMessage] {
        messages.map { m in
            TemplateMessage(
                role: m.role, content: m.content, reasoningContent: m.reasoning_content,
                toolCalls: (m.tool_calls ?? []).map { TemplateToolCall(id: $0.id, name: $0.name, arguments: $0.arguments) },
                toolCallID: m.tool_call_id)
        }
    }

    func render(with template: ChatTemplate) -> RenderedPrompt {
        template.render(
            messages: templateMessages, family: family, thinking: thinking,
            addGenerationPrompt: addGenerationPrompt, reasoningEffort: reasoningEffort)
    }

    func renderText() -> String {
        ChatTemplate.renderText(
            messages: templateMessages, family: family, thinking: thinking,
            addGenerationPrompt: addGenerationPrompt, reasoningEffort: reasoningEffort)
    }
}

extension MessageSpan {
    var fixtureSpan: TemplateFixture.Span {
        .init(messageIndex: messageIndex, start: start, end: end, contentStart: contentStart, contentEnd: contentEnd)
    }
}
