import ChatWire
import Emulator
import Foundation
import Testing

/// Every fault plan, parsed and then observed through the real client stack.
@Suite("Fault plans")
struct FaultPlanTests {
    static let messages: [ChatMessage] = [.system("Answer briefly."), .user("Explain caching in Chinese: 缓存是什么？")]

    func harness(_ plan: String, replyTokens: Int? = 40, speed: Double = 0) throws -> EmulatorHarness {
        try EmulatorHarness(EmulatorConfiguration(tokensPerSecond: speed, replyTokens: replyTokens, faults: [try FaultPlan.parse(plan)]))
    }

    func reference(replyTokens: Int? = 40) throws -> String {
        try EmulatorHarness(EmulatorConfiguration(tokensPerSecond: 0, replyTokens: replyTokens))
            .send(EmulatorHarness.request(Self.messages, model: "deepseek-chat")).reply.content
    }

    @Test func parsesPlansAndRejectsBadOnes() throws {
        #expect(try FaultPlan.parse("status=429,retry-after=2,every=3") ==
                FaultPlan(kind: .status(code: 429, retryAfter: "2"), every: 3))
        #expect(try FaultPlan.parse("disconnect=20,times=1") == FaultPlan(kind: .disconnect(afterTokens: 20), times: 1))
        #expect(try FaultPlan.parse("stall=5s").kind == .stall(seconds: 5))
        #expect(throws: EmulatorFailure.self) { try FaultPlan.parse("status=418") }
        #expect(throws: EmulatorFailure.self) { try FaultPlan.parse("explode=1") }
        #expect(throws: EmulatorFailure.self) { try FaultPlan.parse("disconnect=20,colour=red") }
        var schedule = FaultSchedule([FaultPlan(kind: .splitUTF8, every: 2, times: 2)])
        #expect((1...6).map { _ in schedule.next().count } == [0, 1, 0, 1, 0, 0])
    }

    @Test(arguments: [(400, APIError.Kind.badRequest), (401, .authentication), (402, .insufficientBalance),
                      (422, .invalidParameters), (500, .serverError), (503, .overloaded), (429, .rateLimited)])
    func statusFaults(status: Int, kind: APIError.Kind) throws {
        let outcome = try harness("status=\(status)").send(EmulatorHarness.request(Self.messages))
        #expect(outcome.error?.kind == kind)
        #expect(outcome.error?.status == status)
    }

    @Test func rateLimitWithRetryAfterThenSuccess() throws {
        let outcome = try harness("status=429,retry-after=1,times=1").send(EmulatorHarness.request(Self.messages),
                                                                           retry: RetryPolicy())
        #expect(outcome.error == nil)
        let retries = outcome.events.compactMap { event -> Double? in
            if case .retrying(_, let delay, _) = event { return delay } else { return nil }
        }
        #expect(retries == [1])
        #expect(outcome.reply.isComplete)
    }

    @Test func disconnectMidStreamKeepsThePartialReply() throws {
        let outcome = try harness("disconnect=10").send(EmulatorHarness.request(Self.messages, model: "deepseek-chat"))
        #expect(outcome.error?.kind == .truncated)
        #expect(!outcome.reply.content.isEmpty)
        #expect(try reference().hasPrefix(outcome.reply.content))
    }

    @Test func endOfStreamBeforeDone() throws {
        let outcome = try harness("eof=10").send(EmulatorHarness.request(Self.messages, model: "deepseek-chat"))
        #expect(outcome.error?.kind == .truncated)
        #expect(try reference().hasPrefix(outcome.reply.content))
        #expect(!outcome.reply.content.isEmpty)
    }

    @Test func stallSendsKeepAlivesFirst() throws {
        let started = Date()
        let outcome = try harness("stall=1").send(EmulatorHarness.request(Self.messages))
        #expect(Date().timeIntervalSince(started) >= 0.9)
        #expect(outcome.error == nil)
        let firstText = outcome.events.firstIndex { if case .stream(.content) = $0 { return true } else { return false } }
        let firstKeepAlive = outcome.events.firstIndex { if case .stream(.keepAlive) = $0 { return true } else { return false } }
        #expect(firstKeepAlive != nil)
        #expect(firstKeepAlive! < firstText!)
    }

    @Test func malformedChunkStopsWithTheTextSoFar() throws {
        let outcome = try harness("malformed=3").send(EmulatorHarness.request(Self.messages, model: "deepseek-chat"))
        #expect(outcome.error?.kind == .malformedResponse)
        #expect(try reference().hasPrefix(outcome.reply.content))
    }

    @Test func splitUTF8AndDripDeliverTheSameText() throws {
        let full = try reference(replyTokens: nil)
        #expect(full.utf8.contains { $0 >= 0xC0 })
        let split = try harness("split-utf8", replyTokens: nil).send(EmulatorHarness.request(Self.messages, model: "deepseek-chat"))
        #expect(split.error == nil)
        #expect(split.reply.content == full)
        let expected = try reference(replyTokens: 12)
        let drip = try harness("drip=0.0002", replyTokens: 12).send(EmulatorHarness.request(Self.messages, model: "deepseek-chat"))
        #expect(drip.error == nil)
        #expect(drip.reply.content == expected)
    }
}
