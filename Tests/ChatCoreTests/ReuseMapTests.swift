import ChatCore
import Testing

/// Reuse maps over prompts rendered with a one-token-per-character tokenizer, so every
/// expectation is derived from the spans rather than written down.
@Suite struct ReuseMapTests {
    let template = ChatTemplate(tokenizer: FakeTokenizer())

    func render(_ messages: [TemplateMessage], thinking: Bool = false) -> RenderedPrompt {
        template.render(messages: messages, family: .v4, thinking: thinking)
    }

    static let shots: [TemplateMessage] = [.system("Label the sentiment of each review.")]
        + [("Great battery", "positive"), ("Cracked screen", "negative"), ("Nice but slow", "mixed"), ("Fine", "neutral")]
        .flatMap { [TemplateMessage.user("Review: " + $0.0), .assistant($0.1)] }

    @Test func multiRoundWholeAndPartialMessages() throws {
        let prompt = render([.system("Be brief."), .user("Hi"), .assistant("Hello"), .user("What is 2+2, and why?")])
        let boundary = try #require(prompt.span(ofMessage: 3)).start
        let whole = ReuseMap(prompt: prompt, hitTokens: boundary, serverPromptTokens: prompt.tokenCount)
        #expect(whole.entries.map(\.reuse) == [.full, .full, .full, .none, .none])
        #expect(whole.horizon == .message(index: 3, tokenOffset: 0))
        #expect(!whole.isApproximate)
        #expect(whole.missTokens == prompt.tokenCount - boundary)

        let span = try #require(prompt.span(ofMessage: 3))
        let partial = ReuseMap(prompt: prompt, hitTokens: boundary + 5)
        #expect(partial.entry(forMessage: 3)?.reuse == .partial(reused: 5, of: span.tokenCount))
        #expect(partial.entry(forMessage: 3)?.reusedTokens == 5)
        #expect(partial.horizon == .message(index: 3, tokenOffset: 5))
        #expect(partial.entries.map(\.reusedTokens).reduce(0, +) == boundary + 5)

        let none = ReuseMap(prompt: prompt, hitTokens: 0)
        #expect(none.horizon == .message(index: 0, tokenOffset: 0))
        #expect(none.entries.allSatisfy { $0.reuse == .none })
        #expect(ReusedPrefix(map: none).label == "nothing reused")
    }

    @Test func fewShotPrefixIsLabelledAndTallied() throws {
        let first = render(Self.shots + [.user("Review: Loud fan")])
        let second = render(Self.shots + [.user("Review: Best purchase this year")])
        let end = try #require(first.span(ofMessage: 9)).start
        #expect(second.span(ofMessage: 9)?.start == end)

        let map = ReuseMap(prompt: first, hitTokens: end)
        let prefix = ReusedPrefix(map: map, pinnedMessageCount: 9)
        #expect(prefix.systemMessages == 1 && prefix.shots == 4 && prefix.turns == 0 && prefix.extraTokens == 0)
        #expect(prefix.label == "system + 4 shots, \(Formatting.grouped(end)) tokens")
        // Without a pinned set the pairs are conversation turns.
        #expect(ReusedPrefix(map: map).label == "system + 4 turns, \(Formatting.grouped(end)) tokens")
        // A few tokens into the question: whole groups plus the rest.
        let further = ReusedPrefix(map: ReuseMap(prompt: first, hitTokens: end + 4), pinnedMessageCount: 9)
        #expect(further.label == "system + 4 shots + 4 more, \(Formatting.grouped(end + 4)) tokens")
        // Inside the system prompt: no whole group.
        #expect(ReusedPrefix(map: ReuseMap(prompt: first, hitTokens: 10)).label == "start of the system prompt, 10 tokens")

        var tally = ReusedPrefixTally()
        #expect(tally.record(prefix) == 1)
        #expect(tally.record(ReusedPrefix(map: ReuseMap(prompt: second, hitTokens: end), pinnedMessageCount: 9)) == 2)
        #expect(tally.record(further) == 1)
        #expect(tally.record(ReusedPrefix(map: ReuseMap(prompt: first, hitTokens: 0))) == nil)
        #expect(tally.distinctCount == 2)
        #expect(tally.ranked.first?.countLabel == "reused 2x")
        #expect(tally.ranked.first?.tokens == end)
        // Spans alone give no fingerprint, so nothing to tally.
        let counted = ReuseMap(spans: first.spans, localTokens: first.tokenCount, hitTokens: end)
        #expect(counted.reusedPrefixHash == nil)
        #expect(tally.record(ReusedPrefix(map: counted)) == nil)
    }

    @Test func longDocumentEndsInsideTheDocument() throws {
        let document = (1...120).map { "Section \($0): revenue grew in region \($0 % 7)." }.joined(separator: "\n")
        let prompt = render([.system("Answer from the report."), .user(document + "\n\nQuestion: which region grew?")])
        let span = try #require(prompt.span(ofMessage: 1))
        #expect(span.tokenCount > 4096)
        let map = ReuseMap(prompt: prompt, hitTokens: 4096)
        #expect(map.entry(forMessage: 0)?.reuse == .full)
        #expect(map.entry(forMessage: 1)?.reuse == .partial(reused: 4096 - span.start, of: span.tokenCount))
        #expect(map.horizon == .message(index: 1, tokenOffset: 4096 - span.start))
        #expect(ReusedPrefix(map: map).label == "system + \(Formatting.grouped(4096 - span.start)) more, 4,096 tokens")
    }

    @Test func wholePromptReusedEndsAfterTheLastMessage() {
        let prompt = render([.system("Be brief."), .user("Hi")])
        let map = ReuseMap(prompt: prompt, hitTokens: prompt.tokenCount)
        #expect(map.horizon == .afterLastMessage)
        #expect(map.entries.allSatisfy { $0.reuse == .full })
    }

    @Test func serverCountDiffersSoTheMapIsApproximate() throws {
        let prompt = render([.system("Be brief."), .user("Hi"), .assistant("Hello"), .user("Bye")])
        // The server counted 7 more tokens (text it adds) and reports a hit past our end.
        let map = ReuseMap(prompt: prompt, hitTokens: prompt.tokenCount + 3, serverPromptTokens: prompt.tokenCount + 7)
        #expect(map.isApproximate)
        #expect(map.approximation?.difference == 7)
        #expect(map.reportedHitTokens == prompt.tokenCount + 3)
        #expect(map.hitTokens == prompt.tokenCount)  // clamped, not scaled
        #expect(map.horizon == .afterLastMessage)
        // Inside the prompt the hit is kept as reported; the uncertainty is ± the difference.
        let inside = try #require(prompt.span(ofMessage: 2))
        let near = ReuseMap(prompt: prompt, hitTokens: inside.start + 2, serverPromptTokens: prompt.tokenCount - 4)
        #expect(near.hitTokens == inside.start + 2)
        #expect(near.approximation?.difference == -4)
        #expect(near.uncertainRange == (inside.start - 2)..<(inside.start + 6))
        #expect(near.entry(forMessage: 2)?.reuse == .partial(reused: 2, of: inside.tokenCount))
    }
}
