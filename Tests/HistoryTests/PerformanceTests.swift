import ChatCore
import Foundation
import TestSupport
import Testing
@testable import History

/// What a missing index or a per-row scan would show: the cost of an operation as the
/// history grows, as a ratio against the same operation on a small history, measured in
/// the same run (the machine's speed and load cancel out). The measured numbers are
/// printed for the record; nothing is compared with an absolute time.
@Suite("Performance")
struct PerformanceTests {
    @Test func costsGrowWithWhatIsReadNotWithTheWholeHistory() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let conversation = try fixture.conversation()
        let text = String(repeating: "Prefix caching makes long conversations cheap. ", count: 10)

        // Appending: the 900th–1000th messages cost what the first hundred did (the next
        // ordinal comes from an index, not a scan).
        // Each hundred as ten batches of ten; the fastest batch stands for the hundred (a
        // WAL checkpoint or a burst of load from another process lands in a few batches,
        // not in all ten).
        var next = 0
        func appendTen() throws {
            for _ in 0..<10 {
                try store.appendMessage(to: conversation.id, content: "\(next) \(text)")
                next += 1
            }
        }
        let firstHundred = try Timing.fastest(of: 10, appendTen) * 10
        while next < 900 { try store.appendMessage(to: conversation.id, content: "\(next) \(text)"); next += 1 }
        let lastHundred = try Timing.fastest(of: 10, appendTen) * 10
        #expect(next == 1_000)

        // 500 replies with their ledger rows.
        for n in 0..<500 {
            try store.appendMessage(to: conversation.id, content: "q\(n)")
            let reply = try store.beginReply(in: conversation.id, model: "deepseek-v4-flash")
            try store.appendReplyText(reply, content: text)
            try store.completeReply(reply, content: text, reasoning: nil,
                                    ledger: .fixture(hit: 64 * n, miss: 100, completion: 50, cost: 0.001, withoutCache: 0.002, predicted: 64 * n))
        }
        // Totals of this conversation, before and after 5,000 requests of 50 others: the
        // others must not be read (the conversation's rows come from an index).
        let totalsAlone = try Timing.fastest { _ = try store.totals(for: conversation.id) }
        for other in 0..<50 {
            let noise = try fixture.conversation("noise \(other)")
            for _ in 0..<100 { try store.recordRequest(.fixture(hit: 0, miss: 10, completion: 1, cost: 0, withoutCache: 0, predicted: 0, conversation: noise.id)) }
        }
        var totals = StatsSummary()
        let totalsAmongOthers = try Timing.fastest { totals = try store.totals(for: conversation.id) }
        #expect(totals.requests == 500)

        // Reading a conversation: 2,000 messages cost about ten times 200.
        let short = try fixture.conversation("short")
        for n in 0..<100 {
            try store.appendMessage(to: short.id, content: "\(n) \(text)")
            try store.appendMessage(to: short.id, role: .assistant, content: text)
        }
        var messages: [StoredMessage] = []
        let readLong = try Timing.fastest { messages = try store.messages(in: conversation.id) }
        let readShort = try Timing.fastest { _ = try store.messages(in: short.id) }
        #expect(messages.count == 2_000)
        let list = try store.listConversations()
        #expect(list.count == 52)

        print(String(format: """
            store perf: appending messages 901-1000 %.2fx the first 100 (%.0f µs each); totals among 5,000 other requests \
            %.2fx alone (%.2f ms); reading 2,000 messages %.1fx 200 (%.1f ms)
            """, lastHundred / firstHundred, lastHundred * 1e4, totalsAmongOthers / totalsAlone, totalsAmongOthers * 1000,
                     readLong / readShort, readLong * 1000))
        #expect(lastHundred / firstHundred < 3)
        #expect(totalsAmongOthers / totalsAlone < 3)
        #expect(readLong / readShort < 30)
    }
}
