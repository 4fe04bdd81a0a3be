import ChatCore
import ChatWire
import Foundation
import TerminalUI

/// The request in flight and its reply as far as it has arrived.
public struct TurnState {
    /// Identifies this turn in the runner's events.
    public var token: Int
    public var plan: RequestPlan
    /// Where the reply will show once finished: its history row, or an unsaved message.
    public var replyID: TranscriptID?
    /// Why the reply could not be saved when the request began (it is still shown).
    public var saveProblem: String?
    /// A `/continue` with other settings than the reply began with: what changed, said
    /// when it starts and again when it ends.
    public var continuedDifferently: String?
    /// The answer and the reasoning so far; appended in place, never copied per delta.
    public var content = AppendOnlyText()
    public var reasoning = AppendOnlyText()
    public var startedAt: Date
    public var startedUptime: Double
    public var firstTokenUptime: Double?
    /// Text deltas received: a proxy for generated tokens while streaming.
    public var deltas = 0
    /// While waiting to retry (429, 503, a refused connection): why, which attempt, when.
    public var retry: Retry?
    /// Esc was pressed: the runner was told to stop.
    public var stopping = false

    public struct Retry: Equatable, Sendable {
        public var reason: String
        public var attempt: Int
        public var at: Double
    }

    public init(token: Int, plan: RequestPlan, startedAt: Date, startedUptime: Double) {
        self.token = token
        self.plan = plan
        self.startedAt = startedAt
        self.startedUptime = startedUptime
    }

    /// "HTTP 429: retrying in 3 s (attempt 2)", counting down; nil when not waiting to retry.
    public func retryCountdown(now: Double) -> String? {
        guard let retry else { return nil }
        let seconds = max(0, Int((retry.at - now).rounded(.up)))
        return "\(retry.reason): retrying in \(seconds) s (attempt \(retry.attempt))"
    }

    /// "waiting", "thinking" (only reasoning so far) or "writing", or the retry countdown.
    public func phase(now: Double) -> String {
        if let countdown = retryCountdown(now: now) { return countdown }
        if stopping { return "stopping" }
        if !content.isEmpty { return "writing" }
        return reasoning.isEmpty ? "waiting" : "thinking"
    }

    /// Deltas per second since the first one.
    public func tokensPerSecond(now: Double) -> Double? {
        guard let first = firstTokenUptime, deltas > 1 else { return nil }
        let elapsed = now - first
        return elapsed > 0 ? Double(deltas - 1) / elapsed : nil
    }
}

/// The last request of the conversation, what came back and what the cache did with it:
/// the marks, the horizon and the draft warning all read this.
public struct Exchange: Equatable {
    public var plan: RequestPlan
    /// The reply as the next request carries it (nil when it is not kept: failed, empty).
    public var reply: TemplateMessage?
    /// What the request left in the server's cache (`RequestPlan.cacheSequence`).
    public var sequence: [Int]?
    /// The server's hit, when it reported one.
    public var hitTokens: Int?
    public var marks: CacheMarks

    public init(plan: RequestPlan, reply: TemplateMessage?, sequence: [Int]?, hitTokens: Int?, marks: CacheMarks) {
        self.plan = plan
        self.reply = reply
        self.sequence = sequence
        self.hitTokens = hitTokens
        self.marks = marks
    }
}

/// The draft as a request: its plan (with the prediction), what it would break, and how
/// close it is to the context window.
public struct DraftState: Equatable {
    public var plan: RequestPlan
    /// What differs from the last request; set only when the difference loses cache.
    public var check: DraftCheck?
    /// Tokens the cache holds from the last request that this draft would not reuse.
    public var lostTokens: Int
    public var context: ContextCheck?
    /// The text the plan was made for.
    public var text: String
}

/// The draft's size against the model's context window. The server refuses a request
/// whose prompt plus `max_tokens` (`reserved`, 0 when not set) is over it.
public struct ContextCheck: Equatable, Sendable {
    public var tokens: Int
    public var limit: Int
    public var reserved: Int = 0
    public var over: Bool { tokens + reserved > limit }
}
