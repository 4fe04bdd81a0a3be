import App
import ChatCore
import ChatWire
import Emulator
import Foundation
import TerminalUI
import TestSupport
import Testing

/// `confirm_above`: a send predicted to cost more asks first and says why.
@Suite("Budget guard in the chat client")
struct CostGuardTests {
    @Test func anExpensiveSendAsksFirstAndSaysWhy() throws {
        let harness = try AppHarness(width: 120, height: 30, model: "deepseek-flash", confirmAbove: 0.00001)
        harness.start()
        harness.send(AppHarness.context + " What does a cold cache cost?")
        // Nothing was sent: the question waits in a dialog, the draft in the editor.
        #expect(harness.ledger.isEmpty)
        #expect(harness.state.pending == .confirmSend(.draft))
        guard case .dialog(let dialog)? = harness.state.overlay else {
            Issue.record("no dialog")
            return
        }
        #expect(dialog.title.hasPrefix("Send for about $"))
        #expect(dialog.message.contains("above confirm_above ($0.00001)"))
        #expect(dialog.message.contains("miss the cache (cold cache)"))
        #expect(dialog.message.contains("peak hours (peak · off-peak in 1 h 0 m)"))
        Snapshot.assertMatches(harness.frame, named: "question")
        harness.press(.enter)
        harness.session.settle()
        #expect(harness.ledger.count == 1)
        #expect(harness.messages.count == 2)
    }

    /// F5 and `/continue` send too: they ask like Enter does, and send only on "Send".
    @Test func aRetryAndAContinuationAskFirstToo() throws {
        let harness = try AppHarness(model: "deepseek-flash", defaultThinking: false, options: RequestOptions(maxTokens: 8),
                                     confirmAbove: 0.00001)
        harness.start()
        harness.send(AppHarness.context + " Explain it at length.")
        harness.press(.enter)
        harness.session.settle()
        #expect(harness.ledger.count == 1)
        let cut = try #require(harness.messages.last)

        harness.send("/continue")
        #expect(harness.state.pending == .confirmSend(.continueReply))
        #expect(harness.ledger.count == 1 && harness.messages.last == cut)
        harness.press(.enter)
        harness.session.settle()
        #expect(harness.ledger.count == 2)
        let continued = try #require(harness.messages.last)
        #expect(continued.id == cut.id && continued.content.count > cut.content.count)

        harness.press(.f5)
        harness.session.settle()
        #expect(harness.state.pending == .confirmSend(.regenerate))
        guard case .dialog(let dialog)? = harness.state.overlay else {
            Issue.record("F5 sent without asking")
            return
        }
        #expect(dialog.message.contains("above confirm_above ($0.00001)"))
        harness.press(.escape)
        harness.session.settle()
        #expect(harness.ledger.count == 2 && harness.messages.last == continued, "cancelling F5 kept the reply")
        harness.press(.f5)
        harness.session.settle()
        harness.press(.enter)
        harness.session.settle()
        #expect(harness.ledger.count == 3)
        #expect(harness.messages.count == 2 && harness.messages.last?.id != continued.id)
    }

    /// Open at 05:59 UTC (off-peak), confirmed after 06:00 (peak, twice the price): the
    /// dearer send is asked again with both amounts; a second Send sends it.
    @Test func aSendConfirmedAfterPeakHoursBeganIsAskedAgain() throws {
        let offPeakEnd = Date(timeIntervalSince1970: 1_796_104_800)  // 2026-12-01 06:00:00 UTC, a Tuesday
        let harness = try AppHarness(model: "deepseek-flash", confirmAbove: 0.00001, start: offPeakEnd.addingTimeInterval(-30))
        harness.start()
        harness.send(AppHarness.context + " What changes at six?")
        guard case .dialog(let first)? = harness.state.overlay else {
            Issue.record("no dialog")
            return
        }
        #expect(!first.message.contains("peak hours"), "\(first.message)")
        let shown = try #require(harness.state.confirmedCost)

        harness.clock.setDate(offPeakEnd.addingTimeInterval(30))
        harness.press(.enter)
        #expect(harness.ledger.isEmpty, "sent at the peak price without asking")
        guard case .dialog(let again)? = harness.state.overlay else {
            Issue.record("no second dialog")
            return
        }
        let now = try #require(harness.state.confirmedCost)
        #expect(abs(now - 2 * shown) < shown * 0.01, "peak is twice off-peak: \(shown) → \(now)")
        #expect(again.title.hasPrefix("Now about $"))
        #expect(again.message.contains("When you were asked the prompt was predicted to cost"))
        #expect(again.message.contains("peak hours"))
        harness.press(.enter)
        harness.session.settle()
        #expect(harness.ledger.count == 1)
    }

    /// A switch to `max` effort changes the prompt from its first token: the dialog says
    /// that is why everything misses.
    @Test func theDialogNamesWhatChangedSinceTheLastRequest() throws {
        let harness = try AppHarness(model: "deepseek-flash", defaultThinking: true, confirmAbove: 0.00001)
        harness.start()
        harness.send(AppHarness.context + " First.")
        harness.press(.enter)
        harness.session.settle()
        #expect(harness.ledger.count == 1)
        harness.send("/effort max")
        harness.send(AppHarness.context + " Second.")
        guard case .dialog(let dialog)? = harness.state.overlay else {
            Issue.record("no dialog")
            return
        }
        #expect(dialog.message.contains("reasoning effort default → max: max adds a preamble at the start"), "\(dialog.message)")
        #expect(dialog.message.contains("miss the cache (cold cache)"), "\(dialog.message)")
    }

    /// "Send" resumes the send where the price was asked: the `@path` question is not asked
    /// again, and the confirmation is spent on that one send, not on the next question.
    @Test func aConfirmedSendIsNotAskedAboutItsFilesAgainAndTheNextSendIsAsked() throws {
        let harness = try AppHarness(model: "deepseek-flash", confirmAbove: 0.00001)
        harness.start()
        let path = harness.folder.url.appendingPathComponent("notes.txt").path
        try Data("Notes worth a look.\n".utf8).write(to: URL(fileURLWithPath: path))
        harness.send(AppHarness.context + " Read @\(path) please.")
        guard case .dialog(let files)? = harness.state.overlay else {
            Issue.record("no question about the file")
            return
        }
        #expect(files.buttons.contains("Send without"))
        let without = try #require(files.buttons.firstIndex(of: "Send without"))
        for _ in 0..<without { harness.press(.right) }
        harness.press(.enter)
        #expect(harness.state.pending == .confirmSend(.draft))
        harness.press(.enter)
        harness.session.settle()
        #expect(harness.state.overlay == nil, "asked again: \(String(describing: harness.state.overlay))")
        #expect(harness.ledger.count == 1)

        harness.send(AppHarness.context + " And now?")
        #expect(harness.state.pending == .confirmSend(.draft), "the next send went out without asking")
        #expect(harness.ledger.count == 1)
    }

    /// `/each` asks too, for its questions' costs added up.
    @Test func eachAsksForAllItsQuestionsTogether() throws {
        let harness = try AppHarness(model: "deepseek-flash", confirmAbove: 0.00001)
        harness.start()
        harness.send("/each")
        harness.type(AppHarness.context + " One?\n" + AppHarness.context + " Two?")
        harness.press(.enter)
        #expect(harness.ledger.isEmpty, "sent without asking")
        guard case .dialog(let dialog)? = harness.state.overlay, case .confirmSend(.each(let questions))? = harness.state.pending else {
            Issue.record("no dialog: \(String(describing: harness.state.pending))")
            return
        }
        #expect(questions.count == 2)
        #expect(dialog.title.hasPrefix("Send 2 questions for up to about $"), "\(dialog.title)")
        // Cancel puts the questions back in the editor; sent again, they are asked about again.
        harness.press(.escape)
        #expect(harness.state.editor.text == "/each\n" + questions.joined(separator: "\n"))
        harness.press(.enter)
        #expect(harness.state.pending == .confirmSend(.each(questions)))
        harness.press(.enter)
        harness.session.settle()
        #expect(harness.ledger.count >= 2)
    }

    @Test func cancellingKeepsTheDraftAndACheapSendDoesNotAsk() throws {
        let harness = try AppHarness(model: "deepseek-flash", confirmAbove: 0.00001)
        harness.start()
        harness.send(AppHarness.context + " Question?")
        #expect(harness.state.pending == .confirmSend(.draft))
        harness.press(.escape)
        harness.session.settle()
        #expect(harness.ledger.isEmpty)
        #expect(harness.state.editor.text.hasSuffix("Question?"))

        let cheap = try AppHarness(model: "deepseek-flash", confirmAbove: 1)
        cheap.start()
        cheap.send("Hello")
        #expect(cheap.ledger.count == 1)
    }

    @Test func aSendWithNoKnownPriceAsksToo() throws {
        let harness = try AppHarness(model: "my-custom-model", confirmAbove: 1)
        harness.start()
        harness.send("Hello")
        guard case .dialog(let dialog)? = harness.state.overlay else {
            Issue.record("an unpriced send went out without asking")
            return
        }
        #expect(dialog.title == "Send without a known price?")
        #expect(harness.ledger.isEmpty)
        harness.press(.enter)
        harness.session.settle()
        #expect(harness.ledger.count == 1)
    }
}

/// `[budget]`: daily and monthly meters in the panel, a warning at 80%.
@Suite("Budget meters in the chat client")
struct BudgetMeterTests {
    @Test func metersFillAndWarnAtEightyPercent() throws {
        let harness = try AppHarness(width: 100, height: 30, model: "deepseek-flash", budget: Budget(daily: 0.0003, monthly: 1),
                                     endpointName: "api.deepseek.com")
        harness.start()
        #expect(harness.panel?.budgetMeters == ["today ░░░░░░░░░░ 0% of $0.0003", "month ░░░░░░░░░░ 0% of $1.00"])
        harness.send("Hello")
        let cost = try #require(harness.ledger.last?.cost)
        let percent = Int((cost / 0.0003 * 100).rounded(.down))
        #expect(harness.panel?.budgetMeters.first?.hasSuffix(" \(percent)% of $0.0003") == true)
        #expect(harness.panel?.budgetWarnings.isEmpty == true)
        harness.send("Hello again")
        harness.send("And once more")
        let warnings = try #require(harness.panel?.budgetWarnings)
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("daily budget"))
        Snapshot.assertMatches(harness.frame, named: "meters")
    }

    /// Requests to the built-in endpoint cost nothing real: the meters leave them out.
    @Test func theBuiltInEndpointsRequestsAreNotCounted() throws {
        let harness = try AppHarness(model: "deepseek-flash", budget: Budget(daily: 0.0003, monthly: 1))
        harness.start()
        harness.send("Hello")
        harness.send("Hello again")
        #expect((harness.ledger.last?.cost ?? 0) > 0, "the emulator's requests are still priced in the ledger")
        #expect(harness.panel?.budgetMeters == ["today ░░░░░░░░░░ 0% of $0.0003", "month ░░░░░░░░░░ 0% of $1.00"])
        #expect(harness.panel?.budgetWarnings.isEmpty == true)
    }
}
