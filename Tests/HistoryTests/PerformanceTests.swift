import ChatCore
import Foundation
import Testing
@testable import History

/// Generous bounds that catch a missing index or a per-call fsync, not machine noise.
/// The measured numbers are printed for the record.
@Suite("Performance")
struct PerformanceTests {
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    @Test func appendingAThousandMessagesAndTotallingTwoThousand() throws {
        let fixture = try StoreFixture()
        let conversation = try fixture.conversation()
        // Other conversations, so the indexes have something to skip.
        for other in 0..<20 {
            let noise = try fixture.conversation("noise \(other)")
            for n in 0..<50 { try fixture.store.appendMessage(to: noise.id, content: "noise \(n)") }
        }
        fixture.clock.advance(1)
        let text = String(repeating: "Prefix caching makes long conversations cheap. ", count: 10)
        let appendTime = try seconds {
            for n in 0..<1_000 { try fixture.store.appendMessage(to: conversation.id, content: "\(n) \(text)") }
        }
        var checkpointTime = 0.0, completeTime = 0.0
        for n in 0..<500 {
            try fixture.store.appendMessage(to: conversation.id, content: "q\(n)")
            let reply = try fixture.store.beginReply(in: conversation.id, model: "deepseek-v4-flash")
            checkpointTime += try seconds {
                try fixture.store.appendReplyText(reply, content: text)
            }
            completeTime += try seconds {
                try fixture.store.completeReply(reply, content: text, reasoning: nil,
                                                ledger: .fixture(hit: 64 * n, miss: 100, completion: 50, cost: 0.001,
                                                                 withoutCache: 0.002, predicted: 64 * n))
            }
        }
        var totals = StatsSummary()
        let totalsTime = try seconds { totals = try fixture.store.totals(for: conversation.id) }
        var messages: [StoredMessage] = []
        let readTime = try seconds { messages = try fixture.store.messages(in: conversation.id) }
        var list: [ConversationSummary] = []
        let listTime = try seconds { list = try fixture.store.listConversations() }

        #expect(messages.count == 2_000)
        #expect(totals.requests == 500)
        #expect(list.first?.messageCount == 2_000)
        print(String(format: """
            store perf: append 1000 messages %.3f s (%.0f µs each); checkpoint %.0f µs; complete+ledger %.0f µs; \
            totals of a 2000-message conversation %.1f ms; read 2000 messages %.1f ms; list 21 conversations %.1f ms
            """, appendTime, appendTime * 1000, checkpointTime / 500 * 1e6, completeTime / 500 * 1e6,
                     totalsTime * 1000, readTime * 1000, listTime * 1000))
        // A long reply: checkpoints rewrite the row, so their cost grows with the text.
        let long = try fixture.store.beginReply(in: conversation.id, model: "deepseek-v4-flash")
        let chunk = String(repeating: "x", count: 500)
        var lastCheckpoints = 0.0
        for n in 0..<400 {
            let time = try seconds { try fixture.store.appendReplyText(long, content: chunk, reasoning: chunk) }
            if n >= 390 { lastCheckpoints += time }
        }
        print(String(format: "store perf: checkpoint of a reply at 400 KB (content + reasoning) %.0f µs",
                     lastCheckpoints / 10 * 1e6))
        #expect(lastCheckpoints / 10 < 0.05)
        #expect(appendTime < 10)
        #expect(checkpointTime / 500 < 0.01)
        #expect(totalsTime < 0.5)
        #expect(readTime < 2)
    }
}
