import App
import Foundation
import TerminalUI

/// An in-memory terminal for driving `ChatApp` in tests: input is queued bytes, the
/// screen is a `VirtualTerminal`, control writes (OSC 52) are recorded.
final class VirtualDevice: TerminalDevice {
    let screen: VirtualTerminal
    var input: [UInt8] = []
    var events: [DeviceEvent] = []
    var controls: [String] = []
    var colorDepth: ColorDepth = .trueColor

    init(width: Int = 120, height: Int = 40) {
        screen = VirtualTerminal(size: Size(width: width, height: height))
    }

    var size: Size { screen.size }
    func present(_ buffer: ScreenBuffer, cursor: Point?) { screen.present(buffer, cursor: cursor) }
    func setPalette(_ palette: Palette) { screen.setPalette(palette) }
    func invalidate() { screen.invalidate() }
    var pollDescriptors: [Int32] { [] }

    func readInput() -> [UInt8] {
        defer { input = [] }
        return input
    }

    func takeEvents() -> [DeviceEvent] {
        defer { events = [] }
        return events
    }

    func writeControl(_ sequence: String) { controls.append(sequence) }

    func type(_ text: String) { input += Array(text.utf8) }
    func press(_ bytes: [UInt8]) { input += bytes }
    func resize(width: Int, height: Int) {
        screen.resize(to: Size(width: width, height: height))
        events.append(.resized)
    }

    var text: String { screen.textSnapshot() }
}
