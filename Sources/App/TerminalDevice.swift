import TerminalUI

/// Something that happened to the terminal outside the input stream.
public enum DeviceEvent: Equatable, Sendable {
    case resized
    /// SIGTERM, SIGINT (when delivered as a signal), SIGHUP: save and leave.
    case terminate(signal: Int32)
}

/// A terminal the App can run on: draw (``Terminal``), read raw input bytes, learn about
/// resizes and termination signals, all through descriptors the event loop can wait on.
/// `CursesTerminal` is the real one; tests use an in-memory device.
public protocol TerminalDevice: Terminal {
    /// Descriptors to wait on (stdin, the signal pipe). Empty for in-memory devices.
    var pollDescriptors: [Int32] { get }
    /// Input bytes available now, without blocking.
    func readInput() -> [UInt8]
    /// Resizes and signals since the last call. A resize is applied before it is reported.
    func takeEvents() -> [DeviceEvent]
    /// Writes a control sequence the screen model does not cover (OSC 52 clipboard copy).
    func writeControl(_ sequence: String)
    /// Colours the terminal can show (already monochrome under NO_COLOR).
    var colorDepth: ColorDepth { get }
    /// Hands the terminal to another program (an editor) until `resume()`.
    func suspend()
    /// Takes the terminal back and repaints everything.
    func resume()
    /// Stops the program as the terminal's Ctrl-Z would (SIGTSTP) and returns once it is
    /// continued; the terminal has been handed back with `suspend()` first.
    func stopUntilContinued()
}
