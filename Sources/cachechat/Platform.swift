import Foundation

#if canImport(Glibc)
import Glibc
#endif

// The executable's one file of operating-system calls: the standard streams, the
// terminal, the locale and signals. Everything else in `cachechat` goes through here.

/// The only place the CLI writes to the standard streams or asks about the terminal.
enum Terminal {
    /// The first error writing standard output (a full disk, a closed pipe), if any: after
    /// it nothing more is written there, and `ask` ends with its own exit code once the
    /// reply is stored. (FileHandle's `write` traps on such errors.)
    nonisolated(unsafe) static var outputFailure: Int32?

    static func write(_ text: String) {
        guard outputFailure == nil else { return }
        if let failure = writeAll(STDOUT_FILENO, Array(text.utf8)) { outputFailure = failure }
    }

    static func error(_ text: String) {
        _ = writeAll(STDERR_FILENO, Array(text.utf8))
    }

    /// Writes everything; the errno of a failure, nil when all was written.
    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if written == 0 { return EIO }
            offset += written
        }
        return nil
    }

    static func errorLine(_ text: String) { error(text + "\n") }

    /// Bytes straight to the terminal, bypassing any buffering (control sequences the
    /// TUI's screen model does not cover, such as OSC 52).
    static func writeRaw(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    static func readStandardInput() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
}

/// `print` buffers when stdout is a pipe; tests read the banner line right away.
func fflushStandardOutput() {
    fflush(nil)
}

/// Signals as bytes on a pipe (the self-pipe trick), the one signal mechanism of the
/// program: `ask` waits for SIGINT/SIGTERM in the same poll as the network, `serve` in
/// `waitForSignal`, and the TUI's `CursesTerminal` does the same from C (where its
/// handlers can also restore the terminal).
enum InterruptSignal {
    nonisolated(unsafe) private static var writeEnd: Int32 = -1
    nonisolated(unsafe) private(set) static var readEnd: Int32 = -1

    /// The signals that stop the request in flight, keep what was received, and end the
    /// program: SIGHUP (the terminal went away) and SIGUSR1 end it by default too, and
    /// would lose the reply's row.
    static let stopping = [SIGINT, SIGTERM, SIGHUP, SIGUSR1]

    /// Installs the handlers for `stopping` (once).
    static func install() {
        guard readEnd < 0 else { return }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        let handler: @convention(c) (Int32) -> Void = { _ in
            var byte: UInt8 = 1
            _ = Glibc.write(InterruptSignal.writeEnd, &byte, 1)
        }
        for signalNumber in stopping { signal(signalNumber, handler) }
        // A parent may have started us with these blocked (Foundation's Process from a
        // dispatch thread does): unblock them, or the handler never runs.
        var set = sigset_t()
        sigemptyset(&set)
        for signalNumber in stopping { sigaddset(&set, signalNumber) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Empties the pipe; true when a signal had arrived.
    static func drain() -> Bool { drainCount() > 0 }

    /// Empties the pipe; how many signals had arrived.
    static func drainCount() -> Int {
        var buffer = [UInt8](repeating: 0, count: 64)
        var count = 0
        while true {
            let read = Glibc.read(readEnd, &buffer, buffer.count)
            guard read > 0 else { return count }
            count += read
        }
    }

    /// Blocks until one of `stopping` arrives; how many had arrived by then (two at once:
    /// `kill` twice in a row).
    @discardableResult
    static func waitForSignal() -> Int {
        install()
        var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        while true {
            if poll(&descriptor, 1, -1) > 0 {
                let count = drainCount()
                if count > 0 { return count }
            }
        }
    }

    /// Waits up to `seconds` (forever when negative) for one of `stopping`; true when one
    /// arrived.
    static func waitForSignal(seconds: Double) -> Bool {
        install()
        var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        let milliseconds = seconds < 0 ? Int32(-1) : Int32(min(seconds * 1000, 86_400_000).rounded(.up))
        return poll(&descriptor, 1, milliseconds) > 0 && drain()
    }
}

extension Process {
    /// No core file: a crash's memory image would hold the API key.
    static func disableCoreDumps() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
    }
}
