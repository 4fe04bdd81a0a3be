import App
import ChatCore
import ChatWire
import CurlTransport
import Foundation

/// How one `ask` ended.
struct AskOutcome {
    var reply: Reply
    var error: APIError?
    var secondsToFirstToken: Double?
    var totalSeconds: Double
    var cost: Cost?
    var conversation: ConversationID?
}

/// Runs one turn through the same `ChatSession` the TUI uses, on the calling thread:
/// the transport's poll loop, with SIGINT and SIGTERM arriving through the same poll so
/// that cancelling is immediate.
struct AskRunner {
    let session: ChatSession
    let printer: ReplyPrinter

    func run(_ question: String, in state: inout ConversationState, options: RequestOptions) throws -> AskOutcome {
        InterruptSignal.install()
        let printer = self.printer
        session.onEvent = { _, event in
            switch event {
            case .retrying(let attempt, let delay, let reason):
                printer.retrying(attempt: attempt, of: options.retry.maxAttempts, delay: delay, reason: reason)
            case .stream(let streamEvent):
                printer.stream(streamEvent)
            default:
                break
            }
        }
        let turn = try session.send(question, in: &state, options: options)
        while !turn.isFinished {
            let signalled = session.transport.poll(timeout: 1, extraFD: InterruptSignal.readEnd)
            if signalled && InterruptSignal.drain() { session.cancel(turn) }
        }
        return AskOutcome(reply: turn.reply, error: turn.error, secondsToFirstToken: turn.secondsToFirstToken,
                          totalSeconds: turn.totalSeconds ?? 0, cost: turn.cost, conversation: state.conversation?.id)
    }
}
