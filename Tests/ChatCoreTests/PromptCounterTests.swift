import ChatCore
import Foundation
import Testing

#if canImport(Tokenizer)
import Tokenizer
#endif

/// Incremental counting: after a keystroke in the draft only the draft is re-tokenized.
@Suite struct PromptCounterTests {
    /// A conversation of `turns` user/assistant pairs plus a system prompt and a draft.
    static func conversation(turns: Int, charactersPerMessage: Int, draft: String) -> [TemplateMessage] {
        var messages: [TemplateMessage] = [.system("You are a careful assistant. Answer precisely.")]
        let words = ["cache", "prefix", "token", "hit", "miss", "price", "DeepSeek", "上下文", "缓存", "模型"]
        for turn in 0..<turns {
            var text = "Turn \(turn):"
            var w = turn
            while text.count < charactersPerMessage {
                text += " " + words[(w & 0xFFFF) % words.count]
                w = w &* 7 &+ 3
            }
            messages.append(.user(text))
            messages.append(.assistant(text.uppercased(), reasoning: "thinking about \(turn)"))
        }
        messages.append(.user(draft))
        return messages
    }

    @Test(arguments: [TemplateFamily.v4, .v3], [false, true])
    func keystrokeReencodesOnlyTheDraft(_ family: TemplateFamily, _ thinking: Bool) {
        let tokenizer = FakeTokenizer()
        let counter = PromptCounter(tokenizer: tokenizer)
        var messages = Self.conversation(turns: 50, charactersPerMessage: 200, draft: "Hel")
        _ = counter.count(messages: messages, family: family, thinking: thinking)
        let callsAfterFirst = tokenizer.encodeCalls
        #expect(callsAfterFirst >= 101)

        for draft in ["Hell", "Hello", "Hello,", "Hello, w"] {
            messages[messages.count - 1].content = draft
            let before = (tokenizer.encodeCalls, tokenizer.encodedScalars)
            let counted = counter.count(messages: messages, family: family, thinking: thinking)
            #expect(tokenizer.encodeCalls - before.0 == 1)
            #expect(tokenizer.encodedScalars - before.1 == draft.unicodeScalars.count)
            let fresh = ChatTemplate(tokenizer: FakeTokenizer()).render(messages: messages, family: family, thinking: thinking)
            #expect(counted.tokenCount == fresh.ids.count)
            #expect(counted.spans == fresh.spans)
        }
    }

    /// Sending the draft and starting a new one re-encodes only the new messages.
    @Test func newTurnReencodesOnlyNewMessages() {
        let tokenizer = FakeTokenizer()
        let counter = PromptCounter(tokenizer: tokenizer)
        var messages = Self.conversation(turns: 20, charactersPerMessage: 100, draft: "Question?")
        _ = counter.count(messages: messages, family: .v4, thinking: true)
        messages.append(.assistant("Answer.", reasoning: "r"))
        messages.append(.user("N"))
        let before = tokenizer.encodeCalls
        let counted = counter.render(messages: messages, family: .v4, thinking: true)
        #expect(tokenizer.encodeCalls - before == 2)  // "Answer." and "N"; "Question?" is reused
        #expect(counted == ChatTemplate(tokenizer: FakeTokenizer()).render(messages: messages, family: .v4, thinking: true))
    }

    /// Inserting a message early shifts positions; the text table still finds the segments.
    @Test func insertedMessageFindsMovedSegments() {
        let tokenizer = FakeTokenizer()
        let counter = PromptCounter(tokenizer: tokenizer)
        var messages = Self.conversation(turns: 10, charactersPerMessage: 80, draft: "d")
        _ = counter.count(messages: messages, family: .v4, thinking: false)
        messages.insert(.user("pinned"), at: 1)
        messages.insert(.assistant("ok"), at: 2)
        let before = tokenizer.encodeCalls
        let counted = counter.count(messages: messages, family: .v4, thinking: false)
        #expect(tokenizer.encodeCalls - before == 2)
        #expect(counted.tokenCount == ChatTemplate(tokenizer: FakeTokenizer()).render(messages: messages, family: .v4, thinking: false).ids.count)
    }

    /// Time per keystroke for 2,000 messages of ~1M tokens in all. Printed, never asserted.
    @Test func keystrokeBenchmark() {
        #if canImport(Tokenizer)
        let tokenizer: any TextTokenizer = DeepSeekTokenizer.shared
        let name = "DeepSeekTokenizer"
        #else
        let tokenizer: any TextTokenizer = FakeTokenizer()
        let name = "FakeTokenizer"
        #endif
        var messages = Self.conversation(turns: 1_000, charactersPerMessage: 2_000, draft: "")
        let counter = PromptCounter(tokenizer: tokenizer)
        let clock = ContinuousClock()
        var first = PromptCount(tokenCount: 0, spans: [])
        let full = clock.measure { first = counter.count(messages: messages, family: .v4, thinking: true) }
        let draft = "How much would the next message cost if the cache still holds the prefix?"
        var total = 0
        let typing = clock.measure {
            for length in 1...draft.count {
                messages[messages.count - 1].content = String(draft.prefix(length))
                total &+= counter.count(messages: messages, family: .v4, thinking: true).tokenCount
            }
        }
        let perKey = typing / draft.count
        let fullMs = Double(full.components.attoseconds) / 1e15 + Double(full.components.seconds) * 1e3
        let keyMs = Double(perKey.components.attoseconds) / 1e15 + Double(perKey.components.seconds) * 1e3
        print(
            "PromptCounter benchmark (\(name)): \(messages.count) messages, \(first.tokenCount) tokens; "
                + "first count \(String(format: "%.1f", fullMs)) ms, per keystroke \(String(format: "%.3f", keyMs)) ms "
                + "(ratio \(String(format: "%.0f", fullMs / max(keyMs, 1e-9)))x)")
        #expect(total > 0)
    }
}
