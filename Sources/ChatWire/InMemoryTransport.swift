import ChatCore

/// An `HTTPTransport` with no sockets: the twin of `CurlTransport` for tests and headless
/// runs, the way `NIOEmbedded` stands beside `NIOPosix`.
///
/// Each request gets its response from `respond` (a script, or the emulator engine in
/// process: `Emulator.EmulatorTransport`) as a list of steps: transport events, and waits
/// measured on `clock`. `poll` never blocks: it delivers every event that is due and
/// returns; a test moves a `ManualClock` to `nextDueTime` to let a wait pass. Events are
/// delivered in the order the transport contract promises, and nothing after `cancel`.
public final class InMemoryTransport: HTTPTransport {
    /// One step of a scripted response.
    public enum Step: Sendable {
        case event(TransportEvent)
        /// Nothing happens for this many seconds of `clock`.
        case wait(Double)
    }

    private struct Transfer {
        var request: HTTPRequest
        var onEvent: (TransportEvent) -> Void
        var steps: ArraySlice<Step>
        var dueAt: Double
    }

    public let clock: Clock
    /// Makes the response of a request. The default answers every request with 404.
    public var respond: (HTTPRequest) -> [Step]
    /// Every request started, in order.
    public private(set) var requests: [HTTPRequest] = []
    private var transfers: [Int: Transfer] = [:]
    private var order: [Int] = []
    private var nextID = 1
    /// Times `wakeup` was called.
    public private(set) var wakeups = 0

    public init(clock: Clock, respond: @escaping (HTTPRequest) -> [Step] = { _ in InMemoryTransport.notFound }) {
        self.clock = clock
        self.respond = respond
    }

    public static let notFound: [Step] = [.event(.head(status: 404, headers: [:])),
                                          .event(.body(Array(#"{"error":{"message":"no script"}}"#.utf8))), .event(.finished)]

    @discardableResult
    public func start(_ request: HTTPRequest, onEvent: @escaping (TransportEvent) -> Void) -> TransferID {
        let id = nextID
        nextID += 1
        requests.append(request)
        transfers[id] = Transfer(request: request, onEvent: onEvent, steps: respond(request)[...], dueAt: clock.uptime())
        order.append(id)
        return TransferID(id)
    }

    public func cancel(_ id: TransferID) {
        transfers[id.rawValue] = nil
        order.removeAll { $0 == id.rawValue }
    }

    @discardableResult
    public func poll(timeout: Double, extraFD: Int32?) -> Bool {
        deliverDue()
        return false
    }

    @discardableResult
    public func poll(timeout: Double, extraFDs: [Int32]) -> Set<Int32> {
        deliverDue()
        return []
    }

    public func wakeup() { wakeups += 1 }

    public var activeTransfers: Int { transfers.count }

    /// The earliest uptime at which a waiting transfer has something to deliver; nil when
    /// nothing waits on time (everything due was delivered, or nothing is in flight).
    public var nextDueTime: Double? {
        order.compactMap { transfers[$0] }.filter { !$0.steps.isEmpty }.map(\.dueAt).min()
    }

    /// True when a step is due now.
    public var hasDueEvents: Bool { nextDueTime.map { $0 <= clock.uptime() } ?? false }

    /// The requests' bodies decoded as chat requests (for tests).
    public var chatRequests: [ChatRequest] { requests.compactMap { $0.body.flatMap { try? ChatRequest.decode($0) } } }

    private func deliverDue() {
        let now = clock.uptime()
        for id in order {
            // Handlers may cancel or start transfers: re-read the table on every step.
            while var transfer = transfers[id], transfer.dueAt <= now, let step = transfer.steps.first {
                transfer.steps = transfer.steps.dropFirst()
                switch step {
                case .wait(let seconds):
                    transfer.dueAt = max(transfer.dueAt, now) + seconds
                    transfers[id] = transfer
                case .event(let event):
                    let finished: Bool
                    switch event {
                    case .finished, .failed: finished = true
                    default: finished = false
                    }
                    transfers[id] = finished ? nil : transfer
                    if finished { order.removeAll { $0 == id } }
                    transfer.onEvent(event)
                }
            }
        }
    }
}

extension InMemoryTransport {
    /// The steps of a 200 response streaming `content` as SSE deltas, then usage and `[DONE]`.
    public static func streamedReply(_ deltas: [String], reasoning: [String] = [], usage: Usage? = nil,
                                     finishReason: String = "stop", secondsPerDelta: Double = 0) -> [Step] {
        var steps: [Step] = [.event(.head(status: 200, headers: ["content-type": "text/event-stream"]))]
        func chunk(_ delta: String) -> Step { .event(.body(Array("data: \(delta)\n\n".utf8))) }
        func json(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 { out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4) } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        }
        steps.append(chunk(#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#))
        for piece in reasoning {
            if secondsPerDelta > 0 { steps.append(.wait(secondsPerDelta)) }
            steps.append(chunk(#"{"choices":[{"index":0,"delta":{"reasoning_content":"# + json(piece) + "}}]}"))
        }
        for piece in deltas {
            if secondsPerDelta > 0 { steps.append(.wait(secondsPerDelta)) }
            steps.append(chunk(#"{"choices":[{"index":0,"delta":{"content":"# + json(piece) + "}}]}"))
        }
        var final = #"{"choices":[{"index":0,"delta":{},"finish_reason":""# + finishReason + #""}]"#
        if let usage {
            final += #","usage":{"prompt_tokens":\#(usage.promptTokens ?? 0),"completion_tokens":\#(usage.completionTokens ?? 0),"#
                + #""prompt_cache_hit_tokens":\#(usage.cacheHitTokens ?? 0),"prompt_cache_miss_tokens":\#(usage.cacheMissTokens ?? 0)}"#
        }
        steps.append(chunk(final + "}"))
        steps.append(chunk("[DONE]"))
        steps.append(.event(.finished))
        return steps
    }

    /// The steps of an error response with DeepSeek's body shape.
    public static func errorReply(status: Int, message: String, headers: [String: String] = [:]) -> [Step] {
        let escaped = message.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return [.event(.head(status: status, headers: headers)),
                .event(.body(Array(#"{"error":{"message":"\#(escaped)","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}"#.utf8))),
                .event(.finished)]
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
