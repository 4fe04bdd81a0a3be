import Foundation

/// Time, passed in rather than read globally, so tests can pin it.
public protocol Clock: Sendable {
    /// Wall-clock time, for dates shown and stored.
    func now() -> Date
    /// Monotonic seconds, for durations (time to first token, tokens/s, timeouts).
    func uptime() -> Double
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
    public func uptime() -> Double { ProcessInfo.processInfo.systemUptime }
}
