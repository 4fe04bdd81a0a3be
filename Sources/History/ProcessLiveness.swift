#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The only OS calls of the store: who we are, and whether the process that started a
/// reply still runs (so opening the store never marks a live session's reply interrupted).
enum ProcessLiveness {
    static var currentPID: Int32 { getpid() }

    /// True when `pid` exists (EPERM means it exists but belongs to someone else).
    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) == 0 { return true }
        return errno == EPERM
    }
}
