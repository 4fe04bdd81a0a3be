import ChatCore
import Foundation
import TestSupport
@testable import History

/// A clock the test sets by hand (ChatCore's `ManualClock`, as the store's `now`).
struct TestClock: Sendable {
    let manual: ManualClock

    init(_ time: Date = TestClock.date("2026-05-01T10:00:00Z")) { manual = ManualClock(date: time) }

    var now: @Sendable () -> Date { { [manual] in manual.now() } }

    func set(_ date: Date) { manual.setDate(date) }
    func advance(_ seconds: TimeInterval) { manual.advance(by: seconds) }

    static func date(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }
}

/// A store in a fresh temporary folder, with a hand-set clock.
struct StoreFixture {
    let folder: TemporaryFolder
    let clock: TestClock
    let store: ChatStore

    init() throws {
        folder = try TemporaryFolder()
        clock = TestClock()
        store = try ChatStore(path: folder.databasePath, now: clock.now)
    }

    func reopen() throws -> ChatStore { try ChatStore(path: folder.databasePath, now: clock.now) }

    func conversation(_ title: String = "Prefix caching", thinking: Bool = false) throws -> Conversation {
        try store.createConversation(ConversationSettings(
            title: title, model: "deepseek-v4-flash", endpointName: "api.deepseek.com", thinking: thinking))
    }
}

extension LedgerEntry {
    /// A priced DeepSeek request with the given counts (cost fields as given).
    static func fixture(
        _ time: String = "2026-05-01T10:00:05Z", model: String = "deepseek-v4-flash", hit: Int, miss: Int,
        completion: Int, reasoning: Int? = nil, cost: Double? = nil, withoutCache: Double? = nil,
        currency: String? = "USD", predicted: Int? = nil, conversation: ConversationID? = nil
    ) -> LedgerEntry {
        LedgerEntry(
            time: TestClock.date(time), endpointHost: "api.deepseek.com", endpointName: "DeepSeek", model: model,
            conversation: conversation, promptTokens: hit + miss, hitTokens: hit, missTokens: miss,
            completionTokens: completion, reasoningTokens: reasoning, cost: cost, costWithoutCache: withoutCache,
            currency: cost == nil ? nil : currency, predictedHitTokens: predicted, secondsToFirstToken: 0.5,
            totalSeconds: 2.25)
    }
}
