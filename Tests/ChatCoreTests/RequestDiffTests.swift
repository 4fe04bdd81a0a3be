import ChatCore
import Testing

@Suite struct RequestDiffTests {
    let template = ChatTemplate(tokenizer: FakeTokenizer())

    static let history: [TemplateMessage] = [
        .system("You are a careful assistant. Today is 2026-09-14T10:32:05Z."),
        .user("Review: great battery"), .assistant("positive"),
        .user("Review: cracked screen"), .assistant("negative"),
        .user("What did we talk about before lunch?"), .assistant("Batteries and screens."),
        .user("And after?"),
    ]

    func ids(_ messages: [TemplateMessage]) -> [Int] { template.render(messages: messages, family: .v4, thinking: false).ids }

    @Test func appendingIsPrefixStable() {
        let next = Self.history + [.assistant("Nothing yet."), .user("Then tell me a joke.")]
        let diff = RequestDiff(previous: Self.history, current: next, pinnedMessageCount: 5,
                               previousIDs: ids(Array(next.prefix(9))), currentIDs: ids(next))
        #expect(diff.change == .appended)
        #expect(diff.isPrefixStable)
        #expect(diff.messageIndex == nil)
        #expect(diff.tokensAfterDifference == ids(next).count - ids(Array(next.prefix(9))).count)
    }

    @Test func editedEarlierMessageNamesIndexOffsetAndTokens() throws {
        var next = Self.history
        next[5] = .user("What did we talk about after lunch?")
        let diff = RequestDiff(previous: Self.history, current: next, pinnedMessageCount: 5,
                               previousIDs: ids(Self.history), currentIDs: ids(next))
        #expect(diff.change == .edited(message: 5))
        #expect(diff.messageIndex == 5)
        let offset = Array("What did we talk about ").count
        #expect(diff.characterOffset == offset)
        #expect(diff.causes == [.earlierMessageEdited])
        #expect(!diff.inPinnedPrefix)
        #expect(diff.previousExcerpt?.contains("before lunch") == true)
        #expect(diff.currentExcerpt?.contains("after lunch") == true)
        // One token per character: the first differing token is the message's content start plus the offset.
        let span = try #require(template.render(messages: next, family: .v4, thinking: false).span(ofMessage: 5))
        #expect(diff.firstDifferingToken == span.contentStart + offset)
        #expect(diff.tokensAfterDifference == ids(next).count - span.contentStart - offset)
    }

    @Test func timestampInTheSystemPrompt() {
        var next = Self.history
        next[0] = .system("You are a careful assistant. Today is 2026-09-14T10:33:41Z.")
        let diff = RequestDiff(previous: Self.history, current: next, pinnedMessageCount: 5,
                               previousIDs: ids(Self.history), currentIDs: ids(next))
        #expect(diff.messageIndex == 0)
        #expect(diff.causes == [.systemPromptChanged, .volatileValue(.timestamp)])
        #expect(diff.inPinnedPrefix)
        #expect(diff.characterOffset == Array("You are a careful assistant. Today is 2026-09-14T10:3").count)
        #expect(diff.currentExcerpt?.hasPrefix("…") == true)
    }

    @Test func uuidAndCounterInTheFewShotSet() {
        var before = Self.history, after = Self.history
        before[1] = .user("Request 3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f: great battery")
        after[1] = .user("Request 9b81d0aa-1c2d-4e5f-8a9b-0c1d2e3f4a5b: great battery")
        let uuid = RequestDiff(previous: before, current: after, pinnedMessageCount: 5)
        #expect(uuid.causes == [.fewShotSetChanged, .volatileValue(.uuid)])
        #expect(uuid.messageIndex == 1)
        before[1] = .user("Review #41: great battery")
        after[1] = .user("Review #42: great battery")
        #expect(RequestDiff(previous: before, current: after, pinnedMessageCount: 5).causes
            == [.fewShotSetChanged, .volatileValue(.number)])
        // A changed word is not a volatile value.
        after[1] = .user("Review #41: good battery")
        #expect(RequestDiff(previous: before, current: after, pinnedMessageCount: 5).causes == [.fewShotSetChanged])
    }

    @Test func insertionsAndRemovals() {
        var inserted = Self.history
        inserted.insert(.user("Review: loud fan"), at: 3)
        inserted.insert(.assistant("negative"), at: 4)
        let diff = RequestDiff(previous: Self.history, current: inserted, pinnedMessageCount: 3)
        #expect(diff.change == .inserted(at: 3, count: 2))
        #expect(diff.causes == [.messageInserted])
        #expect(diff.messageIndex == 3)

        var removed = Self.history
        removed.removeSubrange(1...2)
        let cut = RequestDiff(previous: Self.history, current: removed, pinnedMessageCount: 5,
                              previousIDs: ids(Self.history), currentIDs: ids(removed))
        #expect(cut.change == .removed(at: 1, count: 2))
        #expect(cut.causes == [.fewShotSetChanged, .messageRemoved])
        // "Review: great battery" became "Review: cracked screen": tokens agree up to "Review: ".
        let span = template.render(messages: removed, family: .v4, thinking: false).span(ofMessage: 1)
        #expect(cut.firstDifferingToken == span.map { $0.contentStart + Array("Review: ").count })
    }

    @Test func systemPromptAndRoleChanges() {
        var next = Self.history
        next[0] = .system("You are a terse assistant.")
        let system = RequestDiff(previous: Self.history, current: next, pinnedMessageCount: 1)
        #expect(system.causes == [.systemPromptChanged])
        #expect(system.characterOffset == Array("You are a ").count)

        next = Self.history
        next[6] = TemplateMessage(role: .user, content: "Batteries and screens.")
        let role = RequestDiff(previous: Self.history, current: next, pinnedMessageCount: 1)
        #expect(role.change == .roleChanged(message: 6, from: .assistant, to: .user))
        #expect(role.causes == [.roleChanged])
    }

    @Test func thinkingReRenderIsNamed() {
        let previous = Array(Self.history.prefix(6))
        let current = previous + [.assistant("Batteries."), .user("And after?")]
        let before = template.render(messages: previous, family: .v4, thinking: true).ids
        let after = template.render(messages: current, family: .v4, thinking: true).ids
        let diff = RequestDiff(previous: previous, current: current, previousIDs: before, currentIDs: after)
        #expect(diff.change == .appended)
        #expect(diff.causes == [.templateReRender])
        #expect(diff.firstDifferingToken == before.count - 1)  // `<think>` became `</think>`
    }

    @Test func excerptsAreSafeForTheTerminal() {
        let before = [TemplateMessage.user("line one\nline two \u{1B}[31mred\u{1B}[0m and the rest of it")]
        let after = [TemplateMessage.user("line one\nline two \u{1B}[31mblue\u{1B}[0m and the rest of it")]
        let diff = RequestDiff(previous: before, current: after)
        #expect(diff.previousExcerpt?.contains("\u{1B}") == false)
        #expect(diff.previousExcerpt?.contains("\n") == false)
        #expect(diff.previousExcerpt?.contains("⏎") == true)
    }
}
