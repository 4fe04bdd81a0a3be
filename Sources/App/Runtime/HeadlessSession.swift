import ChatCore
import ChatWire
import Config
import Foundation
import TerminalUI
import Tokenizer

/// The App on its in-memory twins — a `HeadlessDevice` screen, an `InMemoryTransport`, a
/// `ChatHistory` and a `ManualClock` — driven by simulated time: tests and benchmarks type
/// keys and let the clock jump to the next thing that will happen instead of sleeping, so
/// nothing they check depends on how busy the machine is.
public final class HeadlessSession {
    public let clock: ManualClock
    public let device: HeadlessDevice
    public let transport: InMemoryTransport
    public let history: ChatHistory
    public let runtime: AppRuntime

    public init(width: Int = 120, height: Int = 40, clock: ManualClock, transport: InMemoryTransport, history: ChatHistory,
                environment: AppEnvironment, endpoint: Endpoint, themes: ThemeCatalog? = nil, fewShots: FewShotLibrary? = nil,
                tokenizer: any TextTokenizer = DeepSeekTokenizer.shared) {
        self.clock = clock
        self.transport = transport
        self.history = history
        device = HeadlessDevice(width: width, height: height)
        runtime = AppRuntime(device: device, transport: transport, history: history, clock: clock, environment: environment,
                             endpoint: endpoint,
                             themes: themes ?? ThemeCatalog(themes: ["dark": Theme(name: "dark")], names: ["dark"], problems: [], defaultName: "dark"),
                             fewShots: fewShots, tokenizer: tokenizer)
    }

    public var state: AppState { runtime.state }
    /// The screen as text, one line per row.
    public var screen: String { device.screen.textSnapshot() }

    /// Queues text as typed keys.
    public func type(_ text: String) { device.type(text) }
    /// Queues raw bytes (Enter is 13, Esc 27, Ctrl-N 14, ...).
    public func press(_ bytes: [UInt8]) { device.input += bytes }

    /// One pass of the loop with no waiting.
    public func step() { runtime.step(timeout: 0) }

    /// Runs the loop until `condition` holds. Whenever nothing is due, the clock jumps to
    /// the next timer, transport event or frame; gives up after `limit` simulated seconds.
    @discardableResult
    public func run(until condition: () -> Bool, limit: Double = 600) -> Bool {
        let start = clock.uptime()
        while true {
            runtime.step(timeout: 0)
            if condition() { return true }
            if transport.hasDueEvents || !device.input.isEmpty { continue }
            let now = clock.uptime()
            let next = [transport.nextDueTime, runtime.nextWakeUp].compactMap { $0 }.filter { $0 > now }.min()
            guard let next, next - start <= limit else { return condition() }
            clock.advance(toUptime: next)
        }
    }

    /// Runs until nothing is in flight or pending: no reply, no due event, no prediction
    /// or search waiting, no key half-read, the last frame painted.
    @discardableResult
    public func settle(limit: Double = 600) -> Bool {
        run(until: { [self] in
            !runtime.state.isBusy && transport.activeTransfers == 0 && runtime.state.predictionDue == nil
                && runtime.state.listSearchDue == nil
                && device.input.isEmpty && !runtime.hasPendingWork
        }, limit: limit)
    }

    /// Types `text` and Enter, then settles (the reply, if any, has arrived).
    public func send(_ text: String) {
        type(text)
        press([13])
        settle()
    }
}
