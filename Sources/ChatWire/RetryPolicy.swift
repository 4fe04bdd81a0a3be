/// When and how long to wait before trying a request again.
///
/// Retries happen only for failures that cannot have produced a reply: a connection
/// that was never made, or a 429/503 answer. The transport never retries once the
/// first byte of a successful reply has been delivered.
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts, the first included. 1 disables retries.
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// A server asking for a longer wait than this is not retried automatically.
    public var maxRetryAfter: Double
    public var retryStatuses: Set<Int>

    public init(
        maxAttempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 20, maxRetryAfter: Double = 60,
        retryStatuses: Set<Int> = [429, 503]
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.retryStatuses = retryStatuses
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// The delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed, or nil to give up.
    /// `retryAfter` is the server's `Retry-After` in seconds, already parsed.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double? {
        guard attempt < maxAttempts else { return nil }
        if let retryAfter {
            guard retryAfter <= maxRetryAfter else { return nil }
            return max(0, retryAfter)
        }
        let exponential = baseDelay * Double(1 << min(attempt - 1, 16))
        return min(maxDelay, exponential)
    }
}
