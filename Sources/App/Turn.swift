import ChatCore
import ChatWire
import Foundation

/// One request and its reply, from the moment it is sent until it is stored.
public final class Turn {
    public enum Phase: Equatable, Sendable {
        case waiting
        case streaming
        case completed
        case failed(APIError)
        case cancelled
    }

    public let request: ChatRequest
    /// The prompt as our template and tokenizer render it: counts and per-message spans.
    public let prompt: RenderedPrompt
    /// How many leading messages of `request` are pinned (system prompt, few-shot set).
    public let pinnedCount: Int
    public let predictedHitTokens: Int?
    public let startedAt: Date
    public internal(set) var phase: Phase = .waiting
    public internal(set) var reply = Reply()
    public internal(set) var secondsToFirstToken: Double?
    public internal(set) var totalSeconds: Double?
    /// Reasoning and content deltas received, a proxy for generated tokens while streaming.
    public internal(set) var deltaCount = 0
    public internal(set) var retryNotice: String?
    /// While waiting to retry (429, 503, a refused connection): why, which attempt comes, and when.
    public internal(set) var retry: (reason: String, attempt: Int, at: Double)?

    /// "HTTP 429: retrying in 3 s (attempt 2)", counting down; nil when not waiting.
    public func retryCountdown(now uptime: Double) -> String? {
        guard let retry else { return nil }
        let seconds = max(0, Int((retry.at - uptime).rounded(.up)))
        return "\(retry.reason): retrying in \(seconds) s (attempt \(retry.attempt))"
    }
    /// The stored reply, when the session saves.
    public internal(set) var messageID: MessageID?
    public internal(set) var ledgerEntry: LedgerEntry?
    public internal(set) var cost: Cost?

    var call: ChatCall?
    let startedUptime: Double
    var lastCheckpoint: Double
    var checkpointedContent = 0
    var checkpointedReasoning = 0

    init(request: ChatRequest, prompt: RenderedPrompt, pinnedCount: Int, predictedHitTokens: Int?, startedAt: Date,
         uptime: Double) {
        self.request = request
        self.prompt = prompt
        self.pinnedCount = pinnedCount
        self.predictedHitTokens = predictedHitTokens
        self.startedAt = startedAt
        self.startedUptime = uptime
        self.lastCheckpoint = uptime
    }

    public var isFinished: Bool {
        switch phase {
        case .waiting, .streaming: false
        default: true
        }
    }

    public var error: APIError? {
        switch phase {
        case .failed(let error): error
        case .cancelled: .cancelled()
        default: nil
        }
    }

    /// Generated deltas per second since the first one.
    public func tokensPerSecond(now uptime: Double) -> Double? {
        guard let first = secondsToFirstToken, deltaCount > 1 else { return nil }
        let elapsed = (totalSeconds ?? (uptime - startedUptime)) - first
        return elapsed > 0 ? Double(deltaCount - 1) / elapsed : nil
    }
}
