import Foundation
import Synchronization

/// Time, passed in rather than read globally, so tests can pin it.
public protocol Clock: Sendable {
    /// Wall-clock time, for dates shown and stored.
    func now() -> Date
    /// Monotonic seconds, for durations (time to first token, tokens/s, timeouts, timers).
    func uptime() -> Double
}

/// The system's clocks.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
    public func uptime() -> Double { ProcessInfo.processInfo.systemUptime }
}

/// A clock that moves only when told to: tests advance it to the next timer instead of
/// sleeping, so nothing they check depends on how busy the machine is.
public final class ManualClock: Clock {
    private struct Reading {
        var date: Date
        var uptime: Double
    }

    private let reading: Mutex<Reading>

    /// - Parameters:
    ///   - date: the wall-clock time at uptime `uptime`.
    public init(date: Date = Date(timeIntervalSince1970: 1_780_000_000), uptime: Double = 1_000) {
        reading = Mutex(Reading(date: date, uptime: uptime))
    }

    public func now() -> Date { reading.withLock { $0.date } }
    public func uptime() -> Double { reading.withLock { $0.uptime } }

    /// Moves both clocks forward by `seconds` (never backward).
    public func advance(by seconds: Double) {
        guard seconds > 0 else { return }
        reading.withLock {
            $0.date += seconds
            $0.uptime += seconds
        }
    }

    /// Moves both clocks forward to uptime `target` (no-op when it is not later).
    public func advance(toUptime target: Double) {
        advance(by: target - uptime())
    }

    /// Sets the wall-clock date without moving the monotonic clock (a DST change, a test
    /// that needs a weekday at 09:00 UTC).
    public func setDate(_ date: Date) {
        reading.withLock { $0.date = date }
    }
}
