import App
import CursesTerminal
import Foundation
import TerminalUI


/// The App's ``TerminalDevice`` on the real terminal: ncursesw draws, raw stdin bytes and
/// the signal pipe are polled by the App's loop together with the network.
final class CursesDevice: TerminalDevice {
    let terminal: CursesTerminal
    private(set) var terminationSignal: Int32?

    init(terminal: CursesTerminal) {
        self.terminal = terminal
    }

    var size: Size { terminal.size }
    func present(_ buffer: ScreenBuffer, cursor: Point?) { terminal.present(buffer, cursor: cursor) }
    func setPalette(_ palette: Palette) { terminal.setPalette(palette) }
    func invalidate() { terminal.invalidate() }
    var pollDescriptors: [Int32] { [terminal.inputFileDescriptor, terminal.signalFileDescriptor].filter { $0 >= 0 } }
    var colorDepth: ColorDepth { terminal.detectedDepth }

    func readInput() -> [UInt8] { terminal.readAvailableBytes() }
    func suspend() { terminal.suspend() }
    func resume() { terminal.resume() }
    func stopUntilContinued() { terminal.stopUntilContinued() }

    func takeEvents() -> [DeviceEvent] {
        var events: [DeviceEvent] = []
        let signals = terminal.readSignals()
        if signals.resized {
            terminal.handleResize()
            events.append(.resized)
        }
        if let signal = signals.termination {
            terminationSignal = signal
            events.append(.terminate(signal: signal))
        }
        if terminal.inputClosed {
            terminationSignal = terminationSignal ?? SIGHUP
            events.append(.terminate(signal: SIGHUP))
        }
        return events
    }

    /// Control sequences the screen model does not cover (OSC 52) go straight to the tty;
    /// they move no cursor, so curses' idea of the screen stays right.
    func writeControl(_ sequence: String) {
        Terminal.writeRaw(Array(sequence.utf8))
    }
}
