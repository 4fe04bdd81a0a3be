#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Waiting for a state another process (or thread) reaches: a file written, a screen drawn,
/// a socket closed. `condition` is checked until it holds; the timeout only turns a hang
/// into a failure and never decides an outcome. The one place test support pauses between
/// checks, so every wait polls the same way.
public enum Poll {
    /// Microseconds between checks: short against any state a test waits for, long enough
    /// not to spin a core on a busy machine.
    public static let interval: UInt32 = 10_000

    /// Checks `condition` until it is non-nil and returns it; nil when `timeout` passed first.
    public static func until<T>(timeout: Double = 60, _ condition: () throws -> T?) rethrows -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let value = try condition() { return value }
            if Date() >= deadline { return nil }
            usleep(interval)
        }
    }

    /// Checks `condition` until it holds; false when `timeout` passed first.
    @discardableResult
    public static func until(timeout: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
        try until(timeout: timeout) { try condition() ? true : nil } ?? false
    }
}
