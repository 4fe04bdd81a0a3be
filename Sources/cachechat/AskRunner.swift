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
}

/// Runs one chat call on the calling thread: the transport's poll loop, with SIGINT
/// and SIGTERM arriving through the same poll so that cancelling is immediate.
struct AskRunner {
    let request: ChatRequest
    let endpoint: Endpoint
    let printer: ReplyPrinter

    func run() -> AskOutcome {
        InterruptSignal.install()
        let transport = CurlTransport()
        let started = Date()
        var outcome: AskOutcome? = nil
        var firstToken: Double? = nil
        let call: ChatCall
        do {
            call = try ChatCall(request: request, endpoint: endpoint, transport: transport) { event in
                switch event {
                case .retrying(let attempt, let delay, let reason):
                    printer.retrying(attempt: attempt, of: RetryPolicy().maxAttempts, delay: delay, reason: reason)
                case .stream(let streamEvent):
                    if firstToken == nil, streamEvent.isText { firstToken = Date().timeIntervalSince(started) }
                    printer.stream(streamEvent)
                case .completed(let reply):
                    outcome = AskOutcome(reply: reply, error: nil, secondsToFirstToken: firstToken,
                                         totalSeconds: Date().timeIntervalSince(started))
                case .failed(let error, let partial):
                    outcome = AskOutcome(reply: partial, error: error, secondsToFirstToken: firstToken,
                                         totalSeconds: Date().timeIntervalSince(started))
                }
            }
        } catch {
            return AskOutcome(reply: Reply(), error: .malformed("The request could not be encoded: \(error)"),
                              secondsToFirstToken: nil, totalSeconds: 0)
        }
        while outcome == nil {
            let signalled = transport.poll(timeout: 1, extraFD: InterruptSignal.readEnd)
            if signalled && InterruptSignal.drain() { call.cancel() }
        }
        return outcome!
    }
}

extension ChatStreamEvent {
    /// Reasoning or answer text: what "time to first token" waits for.
    var isText: Bool {
        switch self {
        case .content(let text), .reasoning(let text): return !text.isEmpty
        default: return false
        }
    }
}
