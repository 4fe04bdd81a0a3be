import ChatCore
import Foundation
import Testing
@testable import ChatWire

@Suite struct WireUsageTests {
    private func usage(_ json: String) throws -> Usage {
        try JSONDecoder().decode(WireUsage.self, from: Data(json.utf8)).usage
    }

    @Test func deepSeek2026WithDetails() throws {
        let parsed = try usage(#"{"prompt_tokens":1200,"completion_tokens":57,"total_tokens":1257,"prompt_tokens_details":{"cached_tokens":1152},"prompt_cache_hit_tokens":1152,"prompt_cache_miss_tokens":48,"completion_tokens_details":{"reasoning_tokens":20}}"#)
        #expect(parsed == Usage(promptTokens: 1200, completionTokens: 57, totalTokens: 1257,
                                cacheHitTokens: 1152, cacheMissTokens: 48, reasoningTokens: 20))
        #expect(parsed.answerTokens == 37)
    }

    @Test func deepSeek2024WithoutDetails() throws {
        let parsed = try usage(#"{"prompt_tokens":64,"completion_tokens":10,"total_tokens":74,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":64}"#)
        #expect(parsed == Usage(promptTokens: 64, completionTokens: 10, totalTokens: 74,
                                cacheHitTokens: 0, cacheMissTokens: 64, reasoningTokens: nil))
    }

    @Test func deepSeekFieldsWinOverDetails() throws {
        // Never add the two sources: that would bill a hit twice.
        let parsed = try usage(#"{"prompt_tokens":300,"prompt_cache_hit_tokens":128,"prompt_cache_miss_tokens":172,"prompt_tokens_details":{"cached_tokens":256},"cached_tokens":64}"#)
        #expect(parsed.cacheHitTokens == 128)
        #expect(parsed.cacheMissTokens == 172)
    }

    @Test func openAIOnlyCachedTokensInDetails() throws {
        let parsed = try usage(#"{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"accepted_prediction_tokens":0}}"#)
        #expect(parsed.cacheHitTokens == 1920)
        #expect(parsed.cacheMissTokens == 86)
        #expect(parsed.reasoningTokens == 0)
    }

    @Test func moonshotTopLevelCachedTokens() throws {
        let parsed = try usage(#"{"prompt_tokens":500,"completion_tokens":20,"total_tokens":520,"cached_tokens":384}"#)
        #expect(parsed.cacheHitTokens == 384)
        #expect(parsed.cacheMissTokens == 116)
    }

    @Test func noCacheInformation() throws {
        let parsed = try usage(#"{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_tokens_details":null}"#)
        #expect(parsed.cacheHitTokens == nil)
        #expect(parsed.cacheMissTokens == nil)
        #expect(parsed.resolvedTotalTokens == 12)
    }

    @Test func mistypedCountsAreIgnored() throws {
        let parsed = try usage(#"{"prompt_tokens":"10","completion_tokens":3.0,"total_tokens":null}"#)
        #expect(parsed == Usage(completionTokens: 3))
    }

    @Test func missingAndNullUsageInChunks() throws {
        let decoder = JSONDecoder()
        let missing = try decoder.decode(ChatCompletionChunk.self, from: Data(#"{"choices":[]}"#.utf8))
        #expect(missing.usage == nil)
        let null = try decoder.decode(ChatCompletionChunk.self, from: Data(#"{"choices":[],"usage":null}"#.utf8))
        #expect(null.usage == nil)
        let completion = try decoder.decode(ChatCompletion.self, from: Data(#"{"choices":[],"usage":null}"#.utf8))
        #expect(completion.usage == nil)
    }

    @Test func encodesDeepSeekShapeAndRoundTrips() throws {
        let original = Usage(promptTokens: 100, completionTokens: 5, totalTokens: 105,
                             cacheHitTokens: 64, cacheMissTokens: 36, reasoningTokens: 2)
        let data = try JSONEncoder().encode(WireUsage(original))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["prompt_cache_hit_tokens"] as? Int == 64)
        #expect((object["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 64)
        #expect((object["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 2)
        #expect(try JSONDecoder().decode(WireUsage.self, from: data).usage == original)
    }

    @Test func resolvedHelpersAndSum() {
        let onlyHit = Usage(promptTokens: 200, cacheHitTokens: 128)
        #expect(onlyHit.resolvedCacheMissTokens == 72)
        let onlyMiss = Usage(promptTokens: 200, cacheMissTokens: 72)
        #expect(onlyMiss.resolvedCacheHitTokens == 128)
        #expect(Usage(cacheHitTokens: 5, cacheMissTokens: 7).resolvedPromptTokens == 12)
        #expect(onlyHit.cacheHitRatio == 0.64)
        #expect(Usage().isEmpty)
        #expect(Usage().cacheHitRatio == nil)
        var total = Usage()
        total += onlyHit
        total += Usage(promptTokens: 100, completionTokens: 4, cacheHitTokens: 0, cacheMissTokens: 100)
        #expect(total == Usage(promptTokens: 300, completionTokens: 4, cacheHitTokens: 128, cacheMissTokens: 172))
    }

    @Test func chatCoreUsageCodableRoundTrip() throws {
        let original = Usage(promptTokens: 1, completionTokens: 2, reasoningTokens: 3)
        let data = try JSONEncoder().encode(original)
        #expect(try JSONDecoder().decode(Usage.self, from: data) == original)
    }
}
