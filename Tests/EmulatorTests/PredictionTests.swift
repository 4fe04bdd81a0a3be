import ChatCore
import ChatWire
import Emulator
import Foundation
import Testing
import Tokenizer

/// The client's `CachePredictor` against the emulator's actual hits, through the real
/// client stack: before each request the predictor says what will hit; after the reply it
/// records what the request left in the cache (`ChatTemplate.continuation`) — the same
/// computation the emulator runs. Every prediction must equal the reported hit.
@Suite("Cache prediction matches the emulator", .serialized)
struct PredictionTests {
    /// A client that predicts, sends and records, remembering every (predicted, actual) pair.
    final class PredictingClient {
        let harness: EmulatorHarness
        var predictor: CachePredictor
        let model: String
        var pairs: [(predicted: Int, actual: Int)] = []

        init(kind: CacheModelKind, model: String) throws {
            harness = try EmulatorHarness(EmulatorConfiguration(cacheModel: kind, tokensPerSecond: 0))
            predictor = CachePredictor(model: model, kind: kind)
            self.model = model
        }

        /// Sends `messages`; returns the reply as the next request carries it.
        @discardableResult
        func send(_ messages: [ChatMessage]) -> ChatMessage {
            let entry = ModelTemplates.template(forModel: model)
            let templateMessages = messages.map(PromptMath.templateMessage)
            let prompt = PromptMath.template.render(messages: templateMessages, family: entry.family,
                                                    thinking: entry.thinkingByDefault)
            let now = Date().timeIntervalSince1970
            let prediction = predictor.predict(promptIDs: prompt.ids, now: now)
            #expect(prediction.hitTokens + prediction.missTokens == prompt.ids.count)
            let outcome = harness.send(EmulatorHarness.request(messages, model: model))
            #expect(outcome.error == nil)
            #expect(outcome.usage.promptTokens == prompt.ids.count)
            pairs.append((prediction.hitTokens, outcome.hit))
            let reasoning = outcome.reply.reasoningContent
            let reply = TemplateMessage(role: .assistant, content: outcome.reply.content,
                                        reasoningContent: entry.thinkingByDefault ? reasoning : nil)
            let sequence = PromptMath.template.continuation(
                of: prompt, messages: templateMessages, reply: reply, family: entry.family,
                thinking: entry.thinkingByDefault)
            let recorded = predictor.record(sequence: sequence, actualHit: outcome.hit, now: Date().timeIntervalSince1970)
            #expect(recorded == prediction.hitTokens)
            return .assistant(outcome.reply.content, reasoning: reasoning.isEmpty ? nil : reasoning)
        }

        func expectAllExact(minimumHits: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) {
            for (index, pair) in pairs.enumerated() {
                #expect(pair.predicted == pair.actual, "request \(index)", sourceLocation: sourceLocation)
            }
            #expect(pairs.filter { $0.actual > 0 }.count >= minimumHits, "hits: \(pairs.map(\.actual))",
                    sourceLocation: sourceLocation)
            #expect(predictor.accuracy.count == pairs.count, sourceLocation: sourceLocation)
            #expect(predictor.accuracy.exactMatches == pairs.filter { $0.predicted == $0.actual }.count,
                    sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func multiRound(kind: CacheModelKind) throws {
        let client = try PredictingClient(kind: kind, model: "deepseek-chat")
        var messages: [ChatMessage] = [.system(String(repeating: "You are a patient tutor. Explain with short examples and numbers. ", count: 8))]
        for question in ["What is a prefix cache?", "Why is a cache hit cheaper?", "Show me a worked example with 10,000 tokens.",
                         "And what breaks the cache?"] {
            messages.append(.user(question))
            messages.append(client.send(messages))
        }
        client.expectAllExact(minimumHits: 3)
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func fewShotWithChangingQuestions(kind: CacheModelKind) throws {
        let client = try PredictingClient(kind: kind, model: "deepseek-chat")
        var shots: [ChatMessage] = [.system("Classify the sentiment of product reviews as positive, negative or mixed, with a one-line reason. Weigh durability, price, support and design equally; answer in lower case. " + String(repeating: "Ignore shipping delays unless the review is only about shipping. ", count: 6))]
        for (review, label) in [("The battery lasts two full days.", "positive: battery"),
                                ("Screen cracked within a week.", "negative: durability"),
                                ("Great camera, but the app crashes.", "mixed: camera good, software bad"),
                                ("Fits well, looks cheap, works fine.", "mixed: fit good, looks poor")] {
            shots += [.user("Review: " + review), .assistant(label)]
        }
        for question in ["Arrived late but works perfectly.", "Loud fan, otherwise silent.", "Best purchase this year.",
                         "Broke on day two.", "Decent for the price."] {
            client.send(shots + [.user("Review: " + question)])
        }
        client.expectAllExact(minimumHits: kind == .v3 ? 4 : 3)
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func longDocument(kind: CacheModelKind) throws {
        let client = try PredictingClient(kind: kind, model: "deepseek-chat")
        let system = ChatMessage.system("You are a financial analyst. Answer from the report only.")
        let document = "Report:\n" + CachingGuideScenarioTests.document
        for question in ["What was revenue in section 12?", "Which region has the best outlook?", "Summarise the margins.",
                         "What changed between sections 40 and 41?"] {
            client.send([system, .user(document + "\n\nQuestion: " + question)])
        }
        client.expectAllExact(minimumHits: 3)
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func editedEarlierMessage(kind: CacheModelKind) throws {
        let client = try PredictingClient(kind: kind, model: "deepseek-chat")
        var messages: [ChatMessage] = [.system(String(repeating: "Answer as a careful historian. ", count: 12))]
        for question in ["Who built the first printing press in Europe?", "How fast did it spread?", "What did it cost?"] {
            messages.append(.user(question))
            messages.append(client.send(messages))
        }
        // Edit the second question: everything from it on misses, the prefix before it may hit.
        messages[3] = .user("How fast did it spread across Italy and France?")
        messages.append(.user("Summarise in one sentence."))
        messages.append(client.send(messages))
        messages.append(.user("And in one word?"))
        client.send(messages)
        client.expectAllExact(minimumHits: 3)
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func thinkingMode(kind: CacheModelKind) throws {
        let client = try PredictingClient(kind: kind, model: "deepseek-v4-flash")
        var messages: [ChatMessage] = [.system(String(repeating: "Think carefully about every step before answering. ", count: 30))]
        for question in ["Plan a three-day trip to Kyoto with temples and food.", "Now make it two days.", "Add a tea ceremony."] {
            messages.append(.user(question))
            messages.append(client.send(messages))
        }
        messages[messages.count - 2] = .user("Add a sake tasting instead.")
        client.send(Array(messages.dropLast()))
        client.expectAllExact(minimumHits: 2)
    }
}
