import App
import ChatCore
import ChatWire
import Tokenizer
import Foundation

/// How one `ask` ended.
struct AskOutcome {
    var reply: Reply
    var error: APIError?
    var secondsToFirstToken: Double?
    var totalSeconds: Double
    var cost: Cost?
    var conversation: ConversationID?
    /// Why the server's usage was not believed (`Usage.problem`).
    var usageProblem: String?
    /// The reply (and its ledger row) could not be stored, even after retries.
    var notSaved: String?
}

/// Runs one turn through the same `RequestRunner` the TUI sends with, on the calling
/// thread: the transport's poll loop, with SIGINT and SIGTERM arriving through the same
/// poll so that cancelling is immediate.
struct AskRunner {
    let runner: RequestRunner
    let printer: ReplyPrinter
    /// Seconds the whole request may take (`--timeout`); nil for no limit.
    var timeout: Double? = nil

    /// - Throws: ``ConversationChanged`` (nothing sent) when another cachechat added to the
    ///   continued conversation after it was read.
    func run(_ question: String, in state: inout ConversationState, options: RequestOptions) throws(ConversationChanged) -> AskOutcome {
        InterruptSignal.install()
        let startsConversation = state.record == nil
        if let problem = try runner.saveQuestion(question, in: &state, unsavedSerial: 1) {
            Terminal.errorLine("cachechat: warning: \(problem)")
        }
        StartupTrace.mark("ask: question stored")
        let plan = RequestPlan(state, question: .lastUserMessage, options: options,
                               renderer: ChatTemplate(tokenizer: DeepSeekTokenizer.shared))
        StartupTrace.mark("ask: request planned")
        let printer = self.printer
        let attempts = runner.retry.maxAttempts
        var firstText = true
        let run = runner.start(plan) { event in
            if firstText, case .delta = event {
                firstText = false
                StartupTrace.mark("ask: first text")
            }
            switch event {
            case .retrying(let attempt, let delay, let reason):
                printer.retrying(nextAttempt: attempt, of: attempts, delay: delay, reason: reason)
            case .delta(let content, let reasoning):
                if !reasoning.isEmpty { printer.stream(.reasoning(reasoning)) }
                if !content.isEmpty { printer.stream(.content(content)) }
            default:
                break
            }
        }
        // An overall deadline next to the idle timeout: a server that sends keep-alives for
        // ever (or drips a byte a minute) cannot keep `ask` running.
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var timedOut = false
        runner.wait(for: run) {
            let wait = deadline.map { max(0, min(1, $0.timeIntervalSinceNow)) } ?? 1
            let signalled = runner.transport.poll(timeout: wait, extraFD: InterruptSignal.readEnd)
            if signalled && InterruptSignal.drain() { runner.cancel(run) }
            if let deadline, !timedOut, Date() >= deadline {
                timedOut = true
                runner.cancel(run)
            }
        }
        let result = run.result!
        StartupTrace.mark("ask: reply ended")
        if timedOut, let seconds = timeout {
            return AskOutcome(reply: result.reply, error: .timeout(.overall(seconds: seconds), url: nil),
                              secondsToFirstToken: result.secondsToFirstToken, totalSeconds: result.totalSeconds,
                              cost: result.cost, conversation: state.id, usageProblem: result.usageProblem)
        }
        var notSaved: String?
        if let problem = result.saveProblem {
            notSaved = Self.retrySave(problem, result.retrySave, received: !result.reply.content.isEmpty)
        }
        if result.error != nil && !result.receivedReply,
           let problem = discardTurn(in: &state, startedConversation: startsConversation, reply: run.replyID) {
            Terminal.errorLine("cachechat: warning: \(problem)")
        }
        return AskOutcome(reply: result.reply, error: result.error, secondsToFirstToken: result.secondsToFirstToken,
                          totalSeconds: result.totalSeconds, cost: result.cost, conversation: state.id,
                          usageProblem: result.usageProblem, notSaved: notSaved)
    }

    /// Attempts after the first failed save, a second apart: a disk that filled up during
    /// the reply may have room again (a log rotated, a download finished).
    static let saveRetries = 3

    /// Says that the reply is kept in memory and retries the save; returns the problem
    /// when it still fails, nil once saved.
    static func retrySave(_ problem: String, _ retry: (() -> String?)?, received: Bool) -> String? {
        Terminal.errorLine("cachechat: \(problem)")
        guard let retry else { return problem }
        Terminal.errorLine("cachechat: the reply is kept in memory\(received ? " (and printed)" : ""); trying to save it again")
        var last = problem
        for attempt in 1...saveRetries {
            Thread.sleep(forTimeInterval: 1)
            guard let failure = retry() else {
                Terminal.errorLine("cachechat: saved on attempt \(attempt + 1)")
                return nil
            }
            last = failure
        }
        return last
    }

    /// `--continue-reply`: the conversation's last reply carries on where it was cut (chat
    /// prefix completion on the beta base URL); the stored reply grows in place.
    func continueReply(in state: ConversationState, options: RequestOptions) -> AskOutcome {
        InterruptSignal.install()
        let plan = RequestPlan(state, question: .continueLastReply, options: options,
                               renderer: ChatTemplate(tokenizer: DeepSeekTokenizer.shared))
        let printer = self.printer
        let run = runner.start(plan) { event in
            if case .delta(let content, let reasoning) = event {
                if !reasoning.isEmpty { printer.stream(.reasoning(reasoning)) }
                if !content.isEmpty { printer.stream(.content(content)) }
            }
        }
        runner.wait(for: run) {
            let signalled = runner.transport.poll(timeout: 1, extraFD: InterruptSignal.readEnd)
            if signalled && InterruptSignal.drain() { runner.cancel(run) }
        }
        let result = run.result!
        if let problem = result.saveProblem { Terminal.errorLine("cachechat: warning: \(problem)") }
        return AskOutcome(reply: result.reply, error: result.error, secondsToFirstToken: result.secondsToFirstToken,
                          totalSeconds: result.totalSeconds, cost: result.cost, conversation: state.id,
                          usageProblem: result.usageProblem)
    }

    /// Takes a turn that failed before any of its reply arrived back out of the history:
    /// the conversation it started, or its question and failed reply in a continued one.
    /// `ask` has no retry key, so a kept question would only be sent again, unanswered, in
    /// front of the next one. The request's ledger row stays (it may have been billed, and
    /// it is the record that it was sent), with its conversation or message unset.
    /// The TUI keeps such turns, marked, for F5 to retry (docs/DECISIONS.md 45).
    private func discardTurn(in state: inout ConversationState, startedConversation: Bool, reply: MessageID?) -> String? {
        guard let history = runner.history, let conversation = state.id else { return nil }
        do {
            if startedConversation {
                try history.deleteConversation(conversation)
                state.record = nil
            } else {
                if let reply { try history.deleteLastMessage(reply) }
                if case .stored(let question)? = state.messages.last?.id {
                    try history.deleteLastMessage(question)
                    state.messages.removeLast()
                }
            }
            return nil
        } catch {
            return "the failed request stays in the history: \(error)"
        }
    }
}
