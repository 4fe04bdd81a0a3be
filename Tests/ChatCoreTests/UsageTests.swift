import ChatCore
import Foundation
import Testing

@Suite("Usage that cannot be true")
struct UsageProblemTests {
    @Test func eachImpossibleShapeIsNamed() {
        #expect(Usage(promptTokens: 100, completionTokens: 5, cacheHitTokens: 64, cacheMissTokens: 36).problem == nil)
        #expect(Usage(promptTokens: 100).problem == nil, "missing counts are not a problem")
        #expect(Usage(promptTokens: -1).problem == "prompt_tokens is negative (-1)")
        #expect(Usage(promptTokens: Int.max, cacheHitTokens: 0).problem?.contains("more than any request can have") == true)
        #expect(Usage(promptTokens: 10, cacheHitTokens: 11).problem == "prompt_cache_hit_tokens (11) is larger than prompt_tokens (10)")
        #expect(Usage(promptTokens: 10, cacheHitTokens: 4, cacheMissTokens: 5).problem?.contains("is not prompt_tokens") == true)
        #expect(Usage(completionTokens: 3, reasoningTokens: 4).problem?.contains("reasoning_tokens") == true)
    }

    @Test func totalsSaturateInsteadOfTrapping() {
        #expect(Int.max.saturatingAdd(1) == Int.max)
        #expect(Int.min.saturatingAdd(-1) == Int.min)
        #expect(Usage(cacheHitTokens: Int.max, cacheMissTokens: Int.max).resolvedPromptTokens == Int.max)
        var summary = StatsSummary()
        let date = Date(timeIntervalSince1970: 0)
        for _ in 0..<3 {
            summary.add(LedgerEntry(time: date, endpointHost: "h", endpointName: "h", model: "m",
                                    promptTokens: 4_000_000_000_000_000_000, hitTokens: 0, missTokens: 4_000_000_000_000_000_000,
                                    completionTokens: Int.max, predictedHitTokens: Int.min + 1))
        }
        #expect(summary.promptTokens == Int.max && summary.completionTokens == Int.max)
        #expect(summary.prediction.totalAbsoluteError == Int.max)
    }
}
