import ChatCore
import Foundation
import Testing
@testable import History

/// Five requests whose totals are worked out by hand in the comments below.
enum LedgerFixture {
    static func entries(a: ConversationID? = nil, b: ConversationID? = nil) -> [LedgerEntry] {
        var error = LedgerEntry(time: TestClock.date("2026-05-03T00:30:00Z"), endpointHost: "api.deepseek.com",
                                endpointName: "DeepSeek", model: "deepseek-v4-flash", predictedHitTokens: 256,
                                outcome: .error(kind: "http-503"))
        error.totalSeconds = 0.1
        return [
            .fixture("2026-05-01T10:00:05Z", hit: 896, miss: 104, completion: 40, reasoning: 12,
                     cost: 0.0001, withoutCache: 0.0003, predicted: 896, conversation: a),
            .fixture("2026-05-01T23:30:00Z", hit: 0, miss: 1000, completion: 100,
                     cost: 0.0002, withoutCache: 0.0002, predicted: 128, conversation: a),
            .fixture("2026-05-02T08:00:00Z", model: "deepseek-v4-pro", hit: 1920, miss: 80, completion: 500,
                     reasoning: 300, cost: 0.003, withoutCache: 0.006, predicted: 1984, conversation: b),
            .fixture("2026-05-02T09:00:00Z", model: "deepseek-v4-pro", hit: 128, miss: 72, completion: 10,
                     cost: 0.01, withoutCache: 0.02, currency: "CNY"),
            error,
        ]
    }
}

@Suite("Stats, totals and prediction accuracy")
struct StatsTests {
    let fixture: StoreFixture
    let a: Conversation, b: Conversation

    init() throws {
        fixture = try StoreFixture()
        a = try fixture.conversation("A")
        b = try fixture.conversation("B")
        for entry in LedgerFixture.entries(a: a.id, b: b.id) { try fixture.store.recordRequest(entry) }
    }

    @Test func allTimeTotals() throws {
        let s = try fixture.store.stats()
        #expect(s.group == nil)
        #expect(s.requests == 5)
        #expect(s.promptTokens == 4200)          // 1000 + 1000 + 2000 + 200 + 0
        #expect(s.hitTokens == 2944)             // 896 + 0 + 1920 + 128
        #expect(s.missTokens == 1256)            // 104 + 1000 + 80 + 72
        #expect(s.completionTokens == 650)       // 40 + 100 + 500 + 10
        #expect(s.reasoningTokens == 312)        // 12 + 300
        #expect(abs(s.hitRatio! - 2944.0 / 4200.0) < 1e-12)
        #expect(s.costs.map(\.currency) == ["CNY", "USD"])
        let usd = try #require(s.cost(in: "USD")), cny = try #require(s.cost(in: "CNY"))
        #expect(abs(usd.cost - 0.0033) < 1e-12)              // 0.0001 + 0.0002 + 0.003
        #expect(abs(usd.costWithoutCache - 0.0065) < 1e-12)  // 0.0003 + 0.0002 + 0.006
        #expect(abs(usd.saved - 0.0032) < 1e-12)
        #expect(abs(cny.cost - 0.01) < 1e-12 && abs(cny.saved - 0.01) < 1e-12)
        // Predictions with an actual hit count: 896 vs 896, 128 vs 0, 1984 vs 1920.
        #expect(s.prediction == StatsSummary.PredictionAccuracy(requests: 3, exact: 1, totalAbsoluteError: 192))
        #expect(s.prediction.meanAbsoluteError == 64)
        #expect(abs(s.prediction.exactShare! - 1.0 / 3.0) < 1e-12)
        // The pure aggregation gives the same answer as the store.
        #expect(StatsSummary.summarize(try fixture.store.ledgerEntries()) == s)
    }

    @Test func perConversationAndSince() throws {
        let ofA = try fixture.store.totals(for: a.id)
        #expect(ofA.requests == 2 && ofA.hitTokens == 896 && ofA.missTokens == 1104 && ofA.completionTokens == 140)
        #expect(ofA.prediction == StatsSummary.PredictionAccuracy(requests: 2, exact: 1, totalAbsoluteError: 128))
        let since = try fixture.store.stats(LedgerFilter(since: TestClock.date("2026-05-02T00:00:00Z")))
        #expect(since.requests == 3 && since.hitTokens == 2048 && since.missTokens == 152)
        let both = try fixture.store.stats(LedgerFilter(conversation: a.id, since: TestClock.date("2026-05-01T12:00:00Z")))
        #expect(both.requests == 1 && both.missTokens == 1000)
        let window = try fixture.store.stats(LedgerFilter(since: TestClock.date("2026-05-01T00:00:00Z"),
                                                          until: TestClock.date("2026-05-02T00:00:00Z")))
        #expect(window.requests == 2)
        #expect(try fixture.store.totals(for: ConversationID(999)) == StatsSummary())
    }

    @Test func perDayInTheGivenTimeZone() throws {
        let days = try fixture.store.stats(by: .day, zone: .utc)
        #expect(days.map(\.group) == ["2026-05-01", "2026-05-02", "2026-05-03"])
        #expect(days.map(\.requests) == [2, 2, 1])
        #expect(days.map(\.hitTokens) == [896, 2048, 0])
        #expect(days.map(\.missTokens) == [1104, 152, 0])
        #expect(days[1].costs.map(\.currency) == ["CNY", "USD"])

        // 23:30Z on May 1 is 07:30 on May 2 in UTC+8 (Shanghai); 00:30Z on May 3 is 08:30 the same day.
        let local = try fixture.store.stats(by: .day, zone: .fixed(secondsFromGMT: 8 * 3_600))
        #expect(local.map(\.group) == ["2026-05-01", "2026-05-02", "2026-05-03"])
        #expect(local.map(\.requests) == [1, 3, 1])
    }

    @Test func perModel() throws {
        let models = try fixture.store.stats(by: .model)
        #expect(models.map(\.group) == ["deepseek-v4-flash", "deepseek-v4-pro"])
        #expect(models.map(\.requests) == [3, 2])
        #expect(models.map(\.promptTokens) == [2000, 2200])
        #expect(models.map(\.completionTokens) == [140, 510])
        #expect(StatsSummary.grouped(LedgerFixture.entries(), by: .model, zone: .utc) == models)
    }

    @Test func perDocumentSet() {
        var entries = LedgerFixture.entries()
        let plan = PlanRecord(system: nil, fewShot: nil, messages: [], complete: true, historyStart: 1, thinking: false, effort: nil,
                              attachments: [Attachment.Reference(name: "report.md", hash: "a"), Attachment.Reference(name: "spec.md", hash: "b")])
        entries[0].plan = plan
        entries[1].plan = plan
        let groups = StatsSummary.grouped(entries, by: .document, zone: .utc)
        #expect(groups.map(\.group) == ["(no documents)", "report.md + spec.md"])
        #expect(groups.map(\.requests) == [entries.count - 2, 2])
    }

    @Test func csvUsesAPINamesAndOneColumnSetPerCurrency() throws {
        let csv = StatsSummary.csv(try fixture.store.stats(by: .model))
        #expect(csv == """
            group,requests,prompt_tokens,prompt_cache_hit_tokens,prompt_cache_miss_tokens,completion_tokens,reasoning_tokens,hit_ratio,cost_cny,cost_without_cache_cny,saved_cny,cost_usd,cost_without_cache_usd,saved_usd,predicted_requests,prediction_mean_absolute_error,prediction_exact_share,estimated_requests
            deepseek-v4-flash,3,2000,896,1104,140,12,0.4480,0.00000000,0.00000000,0.00000000,0.00030000,0.00050000,0.00020000,2,64.00,0.5000,0
            deepseek-v4-pro,2,2200,2048,152,510,300,0.9309,0.01000000,0.02000000,0.01000000,0.00300000,0.00600000,0.00300000,1,64.00,0.0000,0

            """)
        #expect(StatsSummary.csv([StatsSummary()]).hasSuffix("\nall,0,0,0,0,0,0,,0,,,0\n"))
    }

    @Test func jsonUsesAPINamesAndRoundTrips() throws {
        let summary = try fixture.store.stats()
        let data = try JSONEncoder().encode(summary)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["prompt_cache_hit_tokens"] as? Int == 2944)
        #expect(object["prompt_cache_miss_tokens"] as? Int == 1256)
        #expect(object["completion_tokens"] as? Int == 650)
        #expect(object["prompt_tokens"] as? Int == 4200)
        #expect(object["group"] is NSNull)
        let costs = try #require(object["costs"] as? [[String: Any]])
        #expect(costs.map { $0["currency"] as? String } == ["CNY", "USD"])
        #expect(Set(costs[0].keys) == ["currency", "cost", "cost_without_cache", "saved"])
        let prediction = try #require(object["prediction"] as? [String: Any])
        #expect(prediction["mean_absolute_error"] as? Double == 64)
        #expect(try JSONDecoder().decode(StatsSummary.self, from: data) == summary)
    }
}
