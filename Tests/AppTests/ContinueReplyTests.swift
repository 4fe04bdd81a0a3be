import App
import ChatCore
import ChatWire
import Emulator
import Foundation
import TestSupport
import Testing

/// `/continue`: a reply cut at max_tokens carries on through chat prefix completion (the
/// beta base URL); the parts are one stored reply, both requests are in the ledger.
@Suite("Continuing a cut reply")
struct ContinueReplyTests {
    @Test func aCutReplyIsContinuedAsOneReplyWithBothRequestsInTheLedger() throws {
        let harness = try AppHarness(model: "deepseek-flash", defaultThinking: false, options: RequestOptions(maxTokens: 8))
        harness.start()
        harness.send(AppHarness.context + " Explain it at length.")
        let first = try #require(harness.messages.last)
        #expect(first.role == .assistant && !first.content.isEmpty)
        harness.send("/continue")
        #expect(harness.transport.requests.last?.url.hasSuffix("/beta/chat/completions") == true)
        let body = try #require(harness.transport.requests.last?.body)
        let request = try ChatRequest.decode(body)
        #expect(request.messages.last?.prefix == true)
        #expect(request.messages.last?.content == first.content)
        // One reply, longer, stored once; two requests, the second reusing the first's prompt.
        #expect(harness.messages.count == 2)
        let joined = try #require(harness.messages.last)
        #expect(joined.content.hasPrefix(first.content) && joined.content.count > first.content.count)
        #expect(joined.id == first.id)
        let stored = try harness.history.messages(in: try #require(harness.state.conversation.id))
        #expect(stored.count == 2 && stored.last?.content == joined.content)
        let ledger = harness.ledger
        #expect(ledger.count == 2)
        #expect(ledger.allSatisfy { $0.message == first.id.messageID })
        #expect((ledger.last?.hitTokens ?? 0) > 0)
    }

    /// `/continue` after `/json` or `/model` says so before the new part goes.
    @Test func aContinuationWithOtherSettingsSaysSo() throws {
        let harness = try AppHarness(model: "deepseek-flash", defaultThinking: false, options: RequestOptions(maxTokens: 8))
        harness.start()
        harness.send(AppHarness.context + " Explain it at length, in JSON.")
        harness.send("/json on")
        harness.send("/continue")
        #expect(harness.state.notice?.text.contains("Continued in JSON mode (began without)") == true,
                "\(String(describing: harness.state.notice))")
        harness.send("/json off")
        harness.send("/model deepseek-v4-pro")
        harness.send("/continue")
        #expect(harness.state.notice?.text.contains("with deepseek-v4-pro (began with deepseek-flash; cold cache)") == true,
                "\(String(describing: harness.state.notice))")
        // Unchanged settings continue without a word.
        let plain = try AppHarness(model: "deepseek-flash", defaultThinking: false, options: RequestOptions(maxTokens: 8))
        plain.start()
        plain.send(AppHarness.context + " Explain it at length.")
        plain.send("/continue")
        #expect(plain.state.notice?.text.contains("Continu") != true)
    }

    @Test func thereIsNothingToContinueWithoutAReply() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("/continue")
        #expect(harness.state.notice?.text.hasPrefix("There is no reply to continue") == true)
        #expect(harness.transport.requests.isEmpty)
    }

    @Test func aReplyThatEndedWholeIsNotContinued() throws {
        let harness = try AppHarness(model: "deepseek-flash", defaultThinking: false)
        harness.start()
        harness.send("Hello")
        let requests = harness.transport.requests.count
        harness.send("/continue")
        #expect(harness.transport.requests.count == requests, "nothing sent")
        #expect(harness.state.notice?.text.contains("nothing to continue") == true)
    }

    @Test func aCutReplySaysSoUnderIt() throws {
        let harness = try AppHarness(model: "deepseek-flash", defaultThinking: false, options: RequestOptions(maxTokens: 8))
        harness.start()
        harness.send(AppHarness.context + " Explain it at length.")
        #expect(harness.text.contains("■ cut at max_tokens — /continue carries on"))
    }
}
