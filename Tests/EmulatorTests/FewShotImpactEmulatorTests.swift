import ChatCore
import ChatWire
import Emulator
import Foundation
import Testing
import Tokenizer

/// `FewShotImpact`'s prediction for the request after an edit of a few-shot set, checked
/// against what the emulator actually hits. Expected hits are also derived in the test
/// from plain token comparison of the rendered requests, independently of FewShotImpact.
@Suite("Few-shot edit impact against the emulator", .serialized)
struct FewShotImpactEmulatorTests {
    static let model = "deepseek-chat"
    static let set = FewShotSet(
        name: "sentiment",
        system: "Classify the sentiment of product reviews as positive, negative or mixed, with a one-line reason. "
            + "Weigh durability, price, support and design equally; ignore shipping delays unless the review is only "
            + "about shipping. Answer in lower case, label first, then a colon and the reason in at most eight words.",
        shots: [
            .init(user: "The battery lasts two full days and charging is quick.", assistant: "positive: battery life and charging"),
            .init(user: "Screen cracked within a week; support never answered.", assistant: "negative: durability and support"),
            .init(user: "Great camera, but the app crashes every other day.", assistant: "mixed: camera good, software unstable"),
            .init(user: "Fits well, looks cheap, works fine.", assistant: "mixed: fit and function good, looks poor"),
            .init(user: "Arrived in three weeks; the box was dented but the kettle boils fast and quietly.", assistant: "positive: fast quiet kettle, shipping ignored"),
            .init(user: "Expensive for what it is, and the hinge squeaks after a month of use.", assistant: "negative: overpriced, squeaky hinge"),
        ])

    enum Edit: String, CaseIterable, Sendable { case first, middle, last }

    static func edited(_ edit: Edit) -> FewShotSet {
        var set = Self.set
        switch edit {
        case .first: set.shots[0].assistant = "positive: long battery, quick charging"
        case .middle: set.shots[2].user = "Great camera, but the companion app crashes every other day."
        case .last: set.shots[5].assistant = "negative: overpriced, hinge squeaks"
        }
        return set
    }

    static func request(_ set: FewShotSet, _ question: String) -> ChatRequest {
        EmulatorHarness.request(set.messages(question: question).map { message in
            switch message.role {
            case .system: .system(message.content)
            case .assistant: .assistant(message.content)
            default: .user(message.content)
            }
        }, model: model)
    }

    static func ids(_ set: FewShotSet, _ question: String) -> [Int] {
        PromptMath.ids(request(set, question).messages, model: model)
    }

    @Test(arguments: Edit.allCases)
    func v3NextRequestHitsTheUnchangedPrefixRoundedTo64(edit: Edit) throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0))
        let (q1, q2) = ("Battery died after an hour.", "Lovely colour, sturdy case.")
        #expect(harness.send(Self.request(Self.set, q1)).error == nil)
        let new = Self.edited(edit)
        let impact = FewShotImpact.compute(from: Self.set, to: new, question: q2, model: Self.model, cacheModel: .v3,
                                           template: PromptMath.template, at: Date())
        let outcome = harness.send(Self.request(new, q2))
        #expect(outcome.error == nil)

        let shared = PromptMath.commonPrefix(Self.ids(Self.set, q1), Self.ids(new, q2))
        #expect(impact.changeOffset == shared)
        #expect(outcome.hit == PromptMath.roundDown(shared, 64))
        #expect(impact.hitAfter == outcome.hit)
        #expect(impact.promptTokens == outcome.usage.promptTokens)
        #expect(impact.missedTokens == outcome.usage.cacheMissTokens)
        #expect(impact.hitBefore == PromptMath.roundDown(impact.oldPrefixTokens, 64))
        if edit == .first { #expect(shared < impact.oldPrefixTokens / 2) }
        if edit == .last { #expect(shared > impact.oldPrefixTokens * 3 / 4) }
    }

    @Test(arguments: Edit.allCases)
    func v4NextRequestAfterSteadyUse(edit: Edit) throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0))
        let (q1, q2, q3) = ("Battery died after an hour.", "Lovely colour, sturdy case.", "Noisy fan, otherwise fine.")
        let warm1 = harness.send(Self.request(Self.set, q1)), warm2 = harness.send(Self.request(Self.set, q2))
        #expect(warm1.error == nil && warm2.error == nil)
        // Steady use: the second question stored the set's prefix (A+B, A+C stores A) ...
        let setPrefix = PromptMath.commonPrefix(Self.ids(Self.set, q1), Self.ids(Self.set, q2))
        #expect(harness.send(Self.request(Self.set, "Zero stars.")).hit == PromptMath.roundDown(setPrefix, 128))

        let new = Self.edited(edit)
        let impact = FewShotImpact.compute(from: Self.set, to: new, question: q3, model: Self.model, cacheModel: .v4,
                                           template: PromptMath.template, at: Date())
        let outcome = harness.send(Self.request(new, q3))
        // ... which the edited set keeps only if the change comes after that unit's end.
        let shared = PromptMath.commonPrefix(Self.ids(Self.set, q2), Self.ids(new, q3))
        let unit = PromptMath.roundDown(setPrefix, 128)
        #expect(outcome.hit == (unit <= shared ? unit : 0))
        #expect(impact.hitAfter == outcome.hit)
        #expect(impact.missedTokens == outcome.usage.cacheMissTokens)
        #expect(impact.promptTokens == outcome.usage.promptTokens)
    }

    @Test func appendingInsteadOfInsertingKeepsWhatTheSuggestionSays() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0))
        _ = harness.send(Self.request(Self.set, "Battery died after an hour."))
        var inserted = Self.set
        let shot = FewShotSet.Shot(user: "Does what it says.", assistant: "positive: works as described")
        inserted.shots.insert(shot, at: 2)
        let impact = FewShotImpact.compute(from: Self.set, to: inserted, question: "Lovely colour.", model: Self.model,
                                           cacheModel: .v3, template: PromptMath.template, at: Date())
        guard case .appendInsteadOfInsert([2], let kept)? = impact.suggestion else {
            Issue.record("expected a suggestion, got \(String(describing: impact.suggestion))")
            return
        }
        var appended = Self.set
        appended.shots.append(shot)
        #expect(harness.send(Self.request(appended, "Lovely colour.")).hit == kept)
        #expect(kept > impact.hitAfter)
    }
}
