import CCursesShim
import TerminalUI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signals that arrived since the last ``CursesTerminal/readSignals()``.
public struct TerminalSignals: Hashable, Sendable {
    /// The window changed size: call ``CursesTerminal/handleResize()``.
    public var resized = false
    /// SIGTERM, SIGINT or SIGHUP: shut down, ``CursesTerminal/stop()``, then
    /// ``CursesTerminal/exit(bySignal:)``. A second one kills the process at once.
    public var termination: Int32?

    public init(resized: Bool = false, termination: Int32? = nil) {
        self.resized = resized
        self.termination = termination
    }

    public var isEmpty: Bool { !resized && termination == nil }
}

extension CursesTerminal {
    /// Everything stdin holds right now, without blocking (empty if nothing). Sets
    /// ``inputClosed`` when the terminal has gone away.
    public func readAvailableBytes(limit: Int = 1 << 20) -> [UInt8] {
        let (bytes, closed) = Platform.readAvailable(inputFileDescriptor, limit: limit)
        if closed { inputClosed = true }
        return bytes
    }

    /// Drains the signal pipe.
    public func readSignals() -> TerminalSignals {
        var signals = TerminalSignals()
        guard signalFileDescriptor >= 0 else { return signals }
        for byte in Platform.drain(signalFileDescriptor) {
            if Int32(byte) == SIGWINCH { signals.resized = true } else { signals.termination = Int32(byte) }
        }
        return signals
    }

    /// Reads the window size from the kernel, tells curses (`resizeterm`), and forgets the
    /// screen so the next ``present(_:cursor:)`` repaints it all. Returns the new size;
    /// resize the ScreenBuffer to it. A 0x0 window keeps curses at its last size but
    /// reports 0x0, and nothing is drawn until it grows.
    @discardableResult
    public func handleResize() -> Size {
        guard isStarted else { return size }
        var lines: Int32 = 0, columns: Int32 = 0
        if ccs_window_size(ttyDescriptor, &lines, &columns) == 0 {
            if lines > 0 && columns > 0 {
                _ = ccs_resizeterm(lines, columns)
                size = Size(width: Int(ccs_cols()), height: Int(ccs_lines()))
            } else {
                size = .zero
            }
        }
        invalidate()
        return size
    }

    /// Dies by `signal` with its default action (after ``stop()``), so the parent sees
    /// how the program ended, as the shell's `$?` of 128 + signal.
    public static func exit(bySignal signal: Int32) -> Never {
        ccs_die_by_signal(signal)
        Platform.exit(128 + signal)
    }
}
