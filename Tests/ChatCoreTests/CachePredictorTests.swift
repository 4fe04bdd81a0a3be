import ChatCore
import Foundation
import Testing

/// The predictor on its own (the emulator comparison is in EmulatorTests/PredictionTests).
@Suite struct CachePredictorTests {
    static let now = ISO8601DateFormatter().date(from: "2026-05-04T12:00:00Z")!.timeIntervalSince1970

    @Test func defaultCacheModelFollowsTheModelId() {
        let before = ISO8601DateFormatter().date(from: "2026-01-01T00:00:00Z")!
        let after = ISO8601DateFormatter().date(from: "2026-05-01T00:00:00Z")!
        #expect(CachePredictor.defaultCacheModel(forModel: "deepseek-chat", at: before) == .v3)
        #expect(CachePredictor.defaultCacheModel(forModel: "deepseek-reasoner", at: after) == .v4)
        #expect(CachePredictor.defaultCacheModel(forModel: "deepseek-v4-pro", at: before) == .v4)
        #expect(CachePredictor.defaultCacheModel(forModel: "deepseek-ai/DeepSeek-V3", at: after) == .v3)
        #expect(CachePredictor.defaultCacheModel(forModel: "something-else", at: after) == .v4)
    }

    @Test func predictsTheRecordedPrefixAndItsCost() throws {
        var predictor = CachePredictor(model: "deepseek-v4-flash", kind: .v3)
        let prompt = Array(0..<300)
        #expect(predictor.predict(promptIDs: prompt, now: Self.now).hitTokens == 0)
        predictor.record(sequence: prompt + [900, 901], promptLength: prompt.count, actualHit: 0, now: Self.now)
        let next = prompt + [900, 901] + Array(1000..<1100)
        let prediction = predictor.predict(promptIDs: next, now: Self.now + 10)
        // V3: the stored prompt, in whole 64-token units.
        #expect(prediction.hitTokens == 300 / 64 * 64)
        #expect(prediction.missTokens == next.count - prediction.hitTokens)
        let cost = try #require(prediction.cost)
        // V4-Flash after the 26 April cut, USD: 0.0028 / 0.14 per 1M.
        #expect(abs(cost.amount - (Double(prediction.hitTokens) * 0.0028 + Double(prediction.missTokens) * 0.14) / 1e6) < 1e-15)
        #expect(CachePredictor(model: "unknown-model").predict(promptIDs: next, now: Self.now).cost == nil)
    }

    @Test func entriesOlderThanTheLifetimeAreIgnored() {
        var predictor = CachePredictor(model: "deepseek-v4-flash", kind: .v4, lifetime: 3600)
        let prompt = Array(0..<1000)
        predictor.record(sequence: prompt, promptLength: prompt.count, actualHit: 0, now: Self.now)
        #expect(predictor.predict(promptIDs: prompt + [5], now: Self.now + 3000).hitTokens == 1000 / 128 * 128)
        #expect(predictor.predict(promptIDs: prompt + [5], now: Self.now + 3700).hitTokens == 0)
    }

    @Test func learnsAHitItDidNotExpectAndTracksAccuracy() {
        var predictor = CachePredictor(model: "deepseek-v4-flash", kind: .v4, recentPairs: 2)
        let shared = Array(0..<512)
        // Another device already cached `shared`: the server reports 512 where we expected 0.
        let predicted = predictor.record(sequence: shared + Array(2000..<2100), promptLength: 612, actualHit: 512, now: Self.now)
        #expect(predicted == 0)
        // The learned unit makes the next request over the same prefix exact.
        let next = shared + Array(3000..<3050)
        let prediction = predictor.predict(promptIDs: next, now: Self.now + 5)
        #expect(prediction.hitTokens == 512)
        predictor.record(sequence: next, promptLength: next.count, actualHit: 512, now: Self.now + 5)
        predictor.record(sequence: next + [1], promptLength: next.count + 1, actualHit: 384, now: Self.now + 6)
        #expect(predictor.accuracy.count == 3)
        #expect(predictor.accuracy.exactMatches == 1)
        let expectedError = 512 + abs(384 - predictor.accuracy.recent.last!.predicted)
        #expect(predictor.accuracy.totalAbsoluteError == expectedError)
        #expect(predictor.accuracy.meanAbsoluteError == Double(expectedError) / 3)
        #expect(predictor.accuracy.recent.count == 2)
        #expect(predictor.accuracy.recent.first == PredictionAccuracy.Pair(predicted: 512, actual: 512))
    }
}
