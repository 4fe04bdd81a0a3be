import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT and SIGTERM into a readable file descriptor (the self-pipe trick), so
/// the event loop notices them in the same `poll` that waits for the network.
enum InterruptSignal {
    nonisolated(unsafe) private static var writeEnd: Int32 = -1
    nonisolated(unsafe) private(set) static var readEnd: Int32 = -1
    nonisolated(unsafe) private(set) static var lastSignal: Int32 = 0

    static func install() {
        guard readEnd < 0 else { return }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        readEnd = fds[0]
        writeEnd = fds[1]
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK)
        let handler: @convention(c) (Int32) -> Void = { signal in
            InterruptSignal.lastSignal = signal
            var byte: UInt8 = 1
            _ = Glibc.write(InterruptSignal.writeEnd, &byte, 1)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    /// Empties the pipe; true when a signal had arrived.
    static func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        var got = false
        while Glibc.read(readEnd, &buffer, buffer.count) > 0 { got = true }
        return got
    }
}
