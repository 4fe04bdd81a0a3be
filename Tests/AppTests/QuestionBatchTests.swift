import App
import ChatCore
import ChatWire
import Emulator
import Foundation
import Testing
import Tokenizer

/// Attached documents against the emulator engine in process: the same file in two
/// conversations hits the cache, and `QuestionBatch` (what `ask --questions` sends with)
/// warms the cache so that the rest of the questions hit the whole document.
@Suite("Question batches over attached documents")
struct QuestionBatchTests {
    static let document: String = (1...300).map { i in
        "Section \(i): requests that share a prefix of \(i * 7) tokens are billed at the hit price after unit \(i % 13)."
    }.joined(separator: "\n")
    static let questions = ["What is a unit?", "Who pays for a miss?", "How long does the cache live?",
                            "Why does order matter?", "What is a prefix?"]

    struct Rig {
        let clock = ManualClock(date: Date(timeIntervalSince1970: 1_790_841_600), uptime: 1_000)
        let engine: EmulatorEngine
        let transport: InMemoryTransport
        let runner: RequestRunner
        let template = ChatTemplate(tokenizer: DeepSeekTokenizer.shared)

        init(_ kind: CacheModelKind, constructDelay: Double) {
            let clock = self.clock
            engine = EmulatorEngine(configuration: EmulatorConfiguration(cacheModel: kind, constructDelay: constructDelay,
                                                                         tokensPerSecond: 0, replyTokens: 30),
                                    clock: { clock.now().timeIntervalSince1970 })
            transport = EmulatorTransport.make(engine: engine, clock: clock)
            runner = RequestRunner(transport: transport, history: InMemoryHistory(now: { clock.now() }),
                                   endpoint: Endpoint(baseURL: "http://emulator.test", apiKey: "sk-test", keySource: nil, displayName: "emulator"),
                                   clock: clock, tokenizer: DeepSeekTokenizer.shared)
        }

        func state() -> ConversationState {
            ConversationState(model: "deepseek-v4-flash", thinking: false, systemPrompt: "Answer from the document.",
                              attachments: [ChatCore.Attachment(name: "handbook.md", text: QuestionBatchTests.document)])
        }

        func plan(_ question: String) -> RequestPlan {
            var conversation = state()
            _ = try? runner.saveQuestion(question, in: &conversation, unsavedSerial: 1)
            return RequestPlan(conversation, question: .lastUserMessage, renderer: template)
        }

        /// Polls; when nothing is due, jumps the clock to the next event (no test sleeps).
        func poll(upTo timeout: Double) {
            transport.poll(timeout: 0, extraFD: nil)
            if !transport.hasDueEvents {
                let next = min(transport.nextDueTime ?? .infinity, clock.uptime() + timeout)
                if next.isFinite, next > clock.uptime() { clock.advance(toUptime: next) }
            }
        }

        /// Where the document block ends in `plan`'s prompt, rounded down to the cache unit.
        func documentUnits(_ plan: RequestPlan, _ kind: CacheModelKind) -> Int {
            let end = plan.prompt.span(ofMessage: plan.index(of: .attachment(0))!)!.contentEnd
            return end / kind.defaultUnit * kind.defaultUnit
        }
    }

    @Test(arguments: [CacheModelKind.v3, .v4])
    func theSameFileInANewConversationHitsTheCache(_ kind: CacheModelKind) throws {
        let rig = Rig(kind, constructDelay: 0)
        var hits: [Int] = []
        var plans: [RequestPlan] = []
        for question in Self.questions.prefix(2) {
            let plan = rig.plan(question)
            plans.append(plan)
            let run = rig.runner.start(plan) { _ in }
            rig.runner.wait(for: run) { rig.poll(upTo: 1) }
            let result = try #require(run.result)
            #expect(result.error == nil)
            hits.append(result.usage?.resolvedCacheHitTokens ?? -1)
            #expect(result.usage?.resolvedPromptTokens == plan.prompt.tokenCount, "our count is the server's")
        }
        #expect(hits[0] == 0)
        let document = rig.documentUnits(plans[1], kind)
        #expect(document > 4096)
        switch kind {
        case .v3: #expect(hits[1] >= document, "v3 stores every unit: the whole document hits")
        // V4 stores units at fixed intervals of long inputs; the shared prefix itself only
        // once a second request misses on it (hence two warm-ups in a batch).
        case .v4: #expect(hits[1] >= 4096 && hits[1] < plans[1].prompt.tokenCount)
        }
    }

    @Test(arguments: [(CacheModelKind.v3, 4), (.v4, 4), (.v3, 1), (.v4, 1)])
    func aBatchWarmsUpThenEveryLaterQuestionHitsTheDocument(_ kind: CacheModelKind, _ parallel: Int) throws {
        let rig = Rig(kind, constructDelay: 1)
        let plans = Self.questions.map(rig.plan)
        let batch = QuestionBatch(runner: rig.runner, plans: plans, kind: kind, constructDelay: 1, parallel: parallel)
        #expect(batch.warmups == (kind == .v3 ? 1 : 2))
        var mostInFlight = 0
        var order: [Int] = []
        batch.onFinished = { order.append($0.index) }
        batch.run { timeout in
            mostInFlight = max(mostInFlight, rig.runner.activeRuns)
            rig.poll(upTo: timeout)
        }
        let usages = try batch.entries.map { try #require($0.result?.usage) }
        let hits = usages.map { $0.resolvedCacheHitTokens ?? -1 }
        let document = rig.documentUnits(plans[0], kind)
        #expect(hits[0] == 0, "the first request fills the cache")
        let warm = kind == .v3 ? 1 : 2
        for (index, hit) in hits.enumerated().dropFirst(warm) {
            #expect(hit >= document, "question \(index + 1) hit \(hit) of a \(document)-token document: \(hits)")
        }
        if kind == .v4 { #expect(hits[1] > 0 && hits[1] < document, "the second warm-up hits the interval units") }
        #expect(Array(order.prefix(warm)) == Array(0..<warm), "warm-ups go one at a time")
        #expect(mostInFlight <= parallel)
        #expect(batch.entries.allSatisfy { $0.result?.error == nil })
    }
}

extension QuestionBatchTests {
    @Test func cancellingDuringTheWarmUpSendsNothingMore() throws {
        let rig = Rig(.v4, constructDelay: 1)
        let batch = QuestionBatch(runner: rig.runner, plans: Self.questions.map(rig.plan), kind: .v4, constructDelay: 1, parallel: 4)
        var polls = 0
        batch.run { timeout in
            polls += 1
            if polls == 1 { batch.cancelAll() }
            rig.poll(upTo: timeout)
        }
        #expect(batch.entries[0].result?.outcome == .stopped || batch.entries[0].result?.error == nil)
        #expect(batch.entries.dropFirst().allSatisfy { $0.run == nil }, "nothing after the cancel is sent")
    }
}
