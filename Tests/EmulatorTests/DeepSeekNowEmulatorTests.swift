import ChatCore
import ChatWire
import Emulator
import Foundation
import Testing

/// The emulator follows late-2026 DeepSeek: reasoning effort names, JSON mode, and a
/// balance in the account's currency charged at a configurable price.
@Suite("Emulator: DeepSeek as it is now")
struct DeepSeekNowEmulatorTests {
    static let key = "Bearer sk-now-test"
    /// Tuesday 2026-09-15 02:00 UTC (peak) and Friday 2026-05-01 12:00 UTC (before peak pricing).
    static let peak = ISO8601DateFormatter().date(from: "2026-09-15T02:00:00Z")!.timeIntervalSince1970
    static let may = ISO8601DateFormatter().date(from: "2026-05-01T12:00:00Z")!.timeIntervalSince1970

    func engine(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }, at time: Double = peak) -> EmulatorEngine {
        var configuration = EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0)
        configure(&configuration)
        return EmulatorEngine(configuration: configuration, clock: { time })
    }

    func reply(_ engine: EmulatorEngine, _ request: ChatRequest) throws -> EmulatedReply {
        guard case .reply(let reply, _) = engine.complete(body: try request.encodedBody(), authorization: Self.key) else {
            Issue.record("no reply")
            throw CancellationError()
        }
        return reply
    }

    func balance(_ engine: EmulatorEngine) throws -> Balance.Info {
        guard case .json(let text) = engine.balance(authorization: Self.key) else { throw CancellationError() }
        return try #require(try JSONDecoder().decode(Balance.self, from: Data(text.utf8)).balanceInfos.first)
    }

    @Test func modelsAreListedWithTheirContextSizes() throws {
        guard case .json(let text) = engine().models() else { throw CancellationError() }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let data = try #require(object["data"] as? [[String: Any]])
        #expect(data.prefix(3).map { $0["id"] as? String } == ["deepseek-flash", "deepseek-v4-pro", "deepseek-v4-flash"])
        #expect(data.first?["context_length"] as? Int == 1_048_576)
        #expect(try JSONDecoder().decode(ModelList.self, from: Data(text.utf8)).ids.first == "deepseek-flash")
    }

    @Test func effortNamesAreMappedAndUnknownOnesRefused() throws {
        let engine = engine()
        var request = ChatRequest(model: "deepseek-flash", messages: [.user("Hello")])
        for name in ["low", "minimal", "medium", "xhigh", "max", "ultra"] {
            request.reasoningEffort = name
            _ = try reply(engine, request)
        }
        request.reasoningEffort = "extreme"
        guard case .error(let status, let body, _) = engine.complete(body: try request.encodedBody(), authorization: Self.key) else {
            Issue.record("accepted an unknown effort")
            return
        }
        #expect(status == 400)
        #expect(body.contains("use `low`, `high` or `max`"))
    }

    @Test func maxEffortIsRenderedWithItsPreamble() throws {
        let engine = engine()
        var request = ChatRequest(model: "deepseek-flash", messages: [.user("Hello")])
        let plain = try reply(engine, request).usage.promptTokens ?? 0
        request.reasoningEffort = "max"
        let max = try reply(engine, request).usage
        #expect((max.promptTokens ?? 0) > plain + 40)
        #expect(max.cacheHitTokens == 0)  // the preamble comes first: nothing of the plain prompt is reused
    }

    @Test func eachModelHasItsOwnCache() throws {
        let now = Self.peak
        let engine = EmulatorEngine(configuration: EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0), clock: { now })
        let prompt = String(repeating: "A long shared prefix about caching. ", count: 40)
        let flash = ChatRequest(model: "deepseek-flash", messages: [.user(prompt)])
        _ = try reply(engine, flash)
        #expect((try reply(engine, flash).usage.cacheHitTokens ?? 0) > 0, "the same model hits")
        var pro = flash
        pro.model = "deepseek-v4-pro"
        #expect(try reply(engine, pro).usage.cacheHitTokens == 0, "another model has its own cache")
    }

    @Test func aReplyCutAtMaxTokensCountsExactlyMaxTokens() throws {
        var request = ChatRequest(model: "deepseek-flash", messages: [.user("Explain prefix caching at length, please.")])
        request.maxTokens = 20
        request.thinking = .disabled
        let reply = try reply(engine(), request)
        #expect(reply.finishReason == "length")
        #expect(reply.usage.completionTokens == 20)
    }

    @Test func jsonModeAnswersWhitespaceUnlessJSONWasAskedFor() throws {
        let engine = engine()
        var request = ChatRequest(model: "deepseek-flash", messages: [.user("Tell me about caching")])
        request.responseFormat = .jsonObject
        let empty = try reply(engine, request)
        #expect(empty.content.allSatisfy(\.isWhitespace) && !empty.content.isEmpty)
        #expect(empty.finishReason == "stop")
        request.messages = [.user("Reply in JSON: what is caching?")]
        let object = try reply(engine, request)
        #expect((try? JSONSerialization.jsonObject(with: Data(object.content.utf8))) is [String: Any])
    }

    @Test func balanceFallsByTheCostInTheAccountCurrencyTimesTheChargeFactor() throws {
        let request = ChatRequest(model: "deepseek-v4-pro", messages: [.user("Hello there")])
        let plain = engine({ $0.balanceCurrency = .cny }, at: Self.may)
        let usage = try reply(plain, request).usage
        let price = try #require(PriceTable.builtIn.price(model: "deepseek-v4-pro", at: Date(timeIntervalSince1970: Self.may), currency: .cny))
        let cost = try #require(Cost(usage: usage, price: price)).amount
        let info = try balance(plain)
        #expect(info.currency == "CNY")
        #expect(abs((100 - Double(info.totalBalance!)!) - cost) < 2e-6)

        let doubled = engine({ $0.balanceCurrency = .cny; $0.chargeFactor = 2 }, at: Self.may)
        _ = try reply(doubled, request)
        #expect(abs((100 - Double(try balance(doubled).totalBalance!)!) - 2 * cost) < 2e-6)
    }
}

/// Chat prefix completion on the beta path: the last assistant message is continued, its
/// prompt is the earlier request's prompt plus the partial reply (a cached prefix).
@Suite("Emulator: chat prefix completion (beta)")
struct PrefixCompletionEmulatorTests {
    static let key = "Bearer sk-prefix-test"
    let engine = EmulatorEngine(configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0),
                                clock: { DeepSeekNowEmulatorTests.peak })

    func send(_ request: ChatRequest, beta: Bool) throws -> EmulatorResponse {
        engine.complete(body: try request.encodedBody(), authorization: Self.key, beta: beta)
    }

    @Test func theLastAssistantMessageIsContinuedOnTheBetaPathOnly() throws {
        let question = ChatMessage.user(String(repeating: "Prefix caching bills repeated prefixes at a fraction of the price. ", count: 30)
            + "Explain it.")
        var first = ChatRequest(model: "deepseek-flash", messages: [question], maxTokens: 8)
        first.thinking = .disabled
        guard case .reply(let cut, _) = try send(first, beta: false) else { Issue.record("no reply"); return }
        #expect(cut.finishReason == "length")

        var next = ChatRequest(model: "deepseek-flash",
                               messages: [question, ChatMessage(role: .assistant, content: cut.content, prefix: true)])
        next.thinking = .disabled
        guard case .error(let status, let body, _) = try send(next, beta: false) else { Issue.record("accepted off beta"); return }
        #expect(status == 400 && body.contains("beta"))

        guard case .reply(let rest, _) = try send(next, beta: true) else { Issue.record("refused on beta"); return }
        let usage = rest.usage
        // The first request's prompt is a cached prefix of this one; only the tail is new.
        #expect((usage.cacheHitTokens ?? 0) > 0)
        #expect((usage.promptTokens ?? 0) > (cut.usage.promptTokens ?? 0))
        #expect(!rest.content.isEmpty)

        var misplaced = next
        misplaced.messages = [ChatMessage(role: .assistant, content: "x", prefix: true), question]
        guard case .error(let status2, let body2, _) = try send(misplaced, beta: true) else { Issue.record("accepted"); return }
        #expect(status2 == 400 && body2.contains("Only the last message"))
    }
}
