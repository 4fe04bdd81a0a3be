import ChatCore
import ChatWire
import Emulator
import Foundation
import Testing

/// The three scenarios of DeepSeek's context-caching guide, through the real client
/// stack, for both cache models. Expected hits are computed in the test from rendered
/// token ids: the common prefix, rounded down to whole units of the model's rules.
@Suite("DeepSeek caching guide scenarios", .serialized)
struct CachingGuideScenarioTests {
    static let document = (1...160).map { "Section \($0). The quarterly report discusses revenue, margins and the outlook for region \($0 % 7), with a table of figures: \($0 * 37), \($0 * 91), \($0 * 13)." }.joined(separator: "\n")

    func longDocumentRequests() -> [[ChatMessage]] {
        let system = ChatMessage.system("You are a financial analyst. Answer from the report only.")
        let doc = "Report:\n" + Self.document
        return ["What was revenue in section 12?", "Which region has the best outlook?", "Summarise the margins."]
            .map { [system, .user(doc + "\n\nQuestion: " + $0)] }
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func longDocumentQuestionAndAnswer(model: CacheModelKind) throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: model, tokensPerSecond: 0))
        let requests = longDocumentRequests()
        let prompts = requests.map { PromptMath.ids($0) }
        let hits = requests.map { harness.send(EmulatorHarness.request($0)).hit }
        #expect(hits[0] == 0)
        let shared12 = PromptMath.commonPrefix(prompts[0], prompts[1])
        let shared23 = PromptMath.commonPrefix(prompts[1], prompts[2])
        #expect(shared12 > 4096)
        switch model {
        case .v3:
            #expect(hits[1] == PromptMath.roundDown(shared12, 64))
            #expect(hits[2] == PromptMath.roundDown(shared23, 64))
        case .v4:
            // A+B then A+C: only the fixed-interval units of the long input are reusable ...
            #expect(hits[1] == PromptMath.roundDown(shared12, 4096))
            // ... and A (the common prefix) is stored, so A+D hits it.
            #expect(hits[2] == PromptMath.roundDown(min(shared12, shared23), 128))
        }
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func multiRoundConversation(model: CacheModelKind) throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: model, tokensPerSecond: 0))
        var messages: [ChatMessage] = [.system("You are a patient tutor. Explain with short examples."),
                                       .user("What is a prefix cache, and why would an API bill cache hits at a lower price than misses? Give me the intuition first and then a concrete example with numbers.")]
        var previousSequence: [Int] = []
        var previousPrompt: [Int] = []
        for turn in 0..<3 {
            let prompt = PromptMath.ids(messages)
            let outcome = harness.send(EmulatorHarness.request(messages))
            #expect(outcome.error == nil)
            #expect(outcome.usage.promptTokens == prompt.count)
            #expect(outcome.usage.cacheHitTokens! + outcome.usage.cacheMissTokens! == prompt.count)
            if turn > 0 {
                switch model {
                case .v3:
                    #expect(outcome.hit == PromptMath.roundDown(PromptMath.commonPrefix(previousPrompt, prompt), 64))
                case .v4:
                    // Non-thinking prompts are byte-stable: the whole previous turn is a prefix.
                    #expect(prompt.starts(with: previousSequence))
                    #expect(outcome.hit == PromptMath.roundDown(previousSequence.count, 128))
                }
            }
            messages.append(.assistant(outcome.reply.content))
            previousSequence = PromptMath.ids(messages, generationPrompt: false)
            previousPrompt = prompt
            messages.append(.user("Follow-up \(turn): go one level deeper on that, please."))
        }
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func fewShotWithAChangedLastQuestion(model: CacheModelKind) throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: model, tokensPerSecond: 0))
        var shots: [ChatMessage] = [.system("Classify the sentiment of product reviews as positive, negative or mixed, with a one-line reason. Weigh durability, price, support and design equally; ignore shipping delays unless the review is only about shipping. Answer in lower case, label first, then a colon and the reason in at most eight words.")]
        for (review, label) in [("The battery lasts two full days and charging is quick.", "positive: battery life and charging"),
                                ("Screen cracked within a week; support never answered.", "negative: durability and support"),
                                ("Great camera, but the app crashes every other day.", "mixed: camera good, software unstable"),
                                ("Fits well, looks cheap, works fine.", "mixed: fit and function good, looks poor")] {
            shots += [.user("Review: " + review), .assistant(label)]
        }
        let questions = ["Review: Arrived late but works perfectly.", "Review: Loud fan, otherwise silent.", "Review: Best purchase this year."]
        let requests = questions.map { shots + [.user($0)] }
        let prompts = requests.map { PromptMath.ids($0) }
        let hits = requests.map { harness.send(EmulatorHarness.request($0)).hit }
        let shared = PromptMath.commonPrefix(prompts[0], prompts[1])
        #expect(shared > 128)
        switch model {
        case .v3:
            #expect(hits[1] == PromptMath.roundDown(shared, 64))
            #expect(hits[2] == PromptMath.roundDown(PromptMath.commonPrefix(prompts[1], prompts[2]), 64))
        case .v4:
            #expect(hits[1] == 0)
            #expect(hits[2] == PromptMath.roundDown(min(shared, PromptMath.commonPrefix(prompts[1], prompts[2])), 128))
        }
    }

    @Test func thinkingModeReusesOnlyUpToTheLastUserTurn() throws {
        let harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0))
        var messages: [ChatMessage] = [.system(String(repeating: "Think carefully about every step before answering. ", count: 30)),
                                       .user("Plan a three-day trip to Kyoto with temples and food.")]
        let first = harness.send(EmulatorHarness.request(messages, model: "deepseek-v4-flash"))
        #expect(!first.reply.reasoningContent.isEmpty)
        #expect(first.usage.reasoningTokens ?? 0 > 0)
        messages.append(.assistant(first.reply.content, reasoning: first.reply.reasoningContent))
        messages.append(.user("Now make it two days."))
        let prompt = PromptMath.ids(messages, model: "deepseek-v4-flash")
        let firstPrompt = PromptMath.ids(Array(messages.prefix(2)), model: "deepseek-v4-flash")
        // The old `<think>` became `</think>` and the reasoning was dropped: neither the old
        // input nor the old output is a prefix, so the second request misses (A+B, A+C) ...
        #expect(!prompt.starts(with: firstPrompt))
        let second = harness.send(EmulatorHarness.request(messages, model: "deepseek-v4-flash"))
        #expect(second.hit == 0)
        // ... and the third hits the common prefix, which ends near the last user turn.
        messages[messages.count - 1] = .user("Now make it one day.")
        let third = harness.send(EmulatorHarness.request(messages, model: "deepseek-v4-flash"))
        let shared = PromptMath.commonPrefix(prompt, PromptMath.ids(messages, model: "deepseek-v4-flash"))
        #expect(third.hit == PromptMath.roundDown(min(shared, PromptMath.commonPrefix(firstPrompt, prompt)), 128))
    }
}
