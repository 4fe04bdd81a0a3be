import Foundation
import TerminalUI

/// A terminal that lives in memory: the App runs on it headless (benchmarks, scripted
/// sessions) exactly as on a real terminal, with queued input and a `VirtualTerminal` screen.
public final class HeadlessDevice: TerminalDevice {
    public let screen: VirtualTerminal
    public var input: [UInt8] = []
    public var events: [DeviceEvent] = []
    public private(set) var controls: [String] = []
    public var colorDepth: ColorDepth = .trueColor

    public init(width: Int = 120, height: Int = 40) {
        screen = VirtualTerminal(size: Size(width: width, height: height))
    }

    public var size: Size { screen.size }
    public func present(_ buffer: ScreenBuffer, cursor: Point?) { screen.present(buffer, cursor: cursor) }
    public func setPalette(_ palette: Palette) { screen.setPalette(palette) }
    public func invalidate() { screen.invalidate() }
    public var pollDescriptors: [Int32] { [] }

    public func readInput() -> [UInt8] {
        defer { input = [] }
        return input
    }

    public func takeEvents() -> [DeviceEvent] {
        defer { events = [] }
        return events
    }

    public func writeControl(_ sequence: String) { controls.append(sequence) }
    /// Times the terminal was handed to another program.
    public private(set) var suspensions = 0
    public func suspend() { suspensions += 1 }
    public func resume() { screen.invalidate() }
    /// Times the program stopped itself (Ctrl-Z).
    public private(set) var stops = 0
    public func stopUntilContinued() { stops += 1 }

    public func type(_ text: String) { input += Array(text.utf8) }
}
