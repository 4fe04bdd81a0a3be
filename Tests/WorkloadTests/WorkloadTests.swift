import App
import ChatCore
import Foundation
import Testing
import Workloads

/// Small versions of the benchmark's workloads (docs/BENCHMARKS.md): through ChatSession
/// against the emulator, every request must hit its independently computed ceiling and
/// be predicted exactly.
@Suite("Workloads reach their cache ceiling", .serialized)
struct WorkloadTests {
    static let fewShotDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fewshot").standardized.path

    static let small: [Workload] = [
        Workloads.longDocument(questions: 3, sections: 6),
        Workloads.chat(turns: 6),
        Workloads.fewShot(questions: 4, setPath: fewShotDirectory + "/sql-from-question.toml"),
        Workloads.truncation(turns: 12, contextLimit: 2048, strategy: .blockCut),
        Workloads.editFork(turns: 4, editAt: 2, continueFor: 2),
        Workloads.concurrent(questions: 3, sections: 4, warmups: nil, constructDelay: 0.2),
    ]

    @Test(arguments: [CacheModelKind.v3, .v4])
    func hitsEqualCeilingAndPredictions(kind: CacheModelKind) throws {
        for workload in Self.small {
            let result = try workload.run(kind, useStore: workload.id == "e")
            #expect(result.requests > 0, "\(workload.id)")
            for record in result.records {
                #expect(record.hitTokens == record.ceiling, "\(workload.id) \(kind) request \(record.index) (\(record.note))")
                #expect(record.predicted == record.hitTokens, "\(workload.id) \(kind) request \(record.index) (\(record.note))")
                #expect(record.promptTokens == record.localPromptTokens, "\(workload.id) request \(record.index)")
            }
            #expect(result.hitTokens > 0, "\(workload.id) \(kind): no hits at all")
            if workload.id == "d" { #expect((result.figures["cuts"] ?? 0) >= 1, "no cut happened") }
        }
    }

    @Test func naiveConcurrentRequestsMissWhatWarmupCatches() throws {
        let naive = try Workloads.concurrent(questions: 3, sections: 4, warmups: 0, constructDelay: 0.3).run(.v3, useStore: false)
        #expect(naive.hitTokens == 0)
        #expect(naive.ceiling > 0)
        #expect(naive.predictionExactShare == 1)
    }

    @Test func warmupSchedulerHoldsTheRestBack() {
        var scheduler = WarmupScheduler([1, 2, 3, 4], constructDelay: 1, warmups: 2)
        #expect(scheduler.due(now: 0) == [1])
        #expect(scheduler.due(now: 5) == [])           // the warm-up is still in flight
        scheduler.finished(now: 2)
        #expect(scheduler.nextWakeUp == 3)
        #expect(scheduler.due(now: 2.5) == [])
        #expect(scheduler.due(now: 3) == [2])
        scheduler.finished(now: 3.5)
        #expect(scheduler.due(now: 4.5) == [3, 4])
        #expect(scheduler.isDrained)
        var none = WarmupScheduler([1, 2], constructDelay: 1, warmups: 0)
        #expect(none.due(now: 0) == [1, 2])
        #expect(WarmupScheduler<Int>.sharedPrefixLength([[1, 2, 3], [1, 2, 4], [1, 2]]) == 2)
    }

    @Test func ceilingFollowsTheV4Rules() {
        // A+B, then A+C misses (no unit ends at A) and stores A, so A+D hits A.
        let a = Array(0..<300), b = Array(1000..<1100), c = Array(2000..<2100), d = Array(3000..<3100)
        var v4 = CacheCeiling(kind: .v4)
        #expect(v4.send(prompt: a + b).bound.ceiling == 0)
        #expect(v4.send(prompt: a + c).bound.ceiling == 0)
        #expect(v4.send(prompt: a + d).bound.ceiling == 256)
        var v3 = CacheCeiling(kind: .v3)
        #expect(v3.send(prompt: a + b).bound.ceiling == 0)
        #expect(v3.send(prompt: a + c).bound.ceiling == 256)
    }

    @Test func blockCutDropsWholeTurnsAfterThePinnedMessages() throws {
        let runner = try WorkloadRunner(kind: .v4, useStore: false)
        var state = WorkloadRunner.conversation(systemPrompt: "Be brief.")
        for i in 0..<6 { try runner.ask("Question \(i): " + String(repeating: "word ", count: 60), in: &state, note: "") }
        let policy = TruncationPolicy(contextLimit: 1200)
        let cut = try #require(state.blockCut(adding: "Next?", policy: policy, renderer: runner.template))
        let first = try #require(state.messages.first { $0.ordinal == cut.ordinal })
        #expect(first.role == .user)
        #expect(cut.ordinal > 1)
        let after = state.cut(at: cut.ordinal)
        #expect(after.pinned == state.pinned)
        #expect(after.messages == state.messages, "a cut keeps every message; requests start later")
        let plan = runner.plan("Next?", in: after)
        #expect(plan.items.first?.part == .system)
        #expect(plan.items.dropFirst().first?.id == first.id, "the kept history starts with the cut's first message")
        #expect(plan.prompt.ids.count <= policy.targetTokens)
    }
}
