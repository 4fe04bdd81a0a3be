import ChatWire
import Emulator
import EmulatorServer
import ChatCore
import Foundation
import Config
import CurlTransport
import History
import Synchronization
import Tokenizer

/// The built-in endpoint: when nothing names a server or a key, cachechat starts the
/// emulator in-process on a free loopback port and talks to it through the normal
/// libcurl path, so everything works with no key and no network.
///
/// The TUI starts it in the background (`start(inBackground: true)`): the port is bound and
/// listening at once, so the endpoint's address is known and a request made early waits in
/// the listen queue, while the vocabulary loads and the server's threads start on another
/// thread and the screen is painted (docs/DECISIONS.md 55).
final class LocalEmulator: Sendable {
    static let key = "sk-local-emulator"

    let configuration: EmulatorConfiguration
    let endpoint: Endpoint
    private struct State {
        var server: EmulatorServer?
        var failure: String?
        var finished = false
        var stopRequested = false
    }
    private let state = Mutex(State())
    private let started = DispatchSemaphore(value: 0)
    /// A background start waits at this gate until ``proceed()`` (or ``stop()``) opens it.
    private let gate = DispatchSemaphore(value: 0)

    private init(configuration: EmulatorConfiguration, endpoint: Endpoint) {
        self.configuration = configuration
        self.endpoint = endpoint
    }

    /// `inBackground`: the engine loads and the server starts on a thread of its own once
    /// ``proceed()`` is called; the socket listens from now on, so requests made before
    /// wait in its queue.
    static func start(inBackground: Bool = false) throws -> LocalEmulator {
        let environment = ProcessInfo.processInfo.environment
        let configuration = EmulatorConfiguration(
            cacheModel: .v4, dataDirectory: Paths.dataDirectory(environment: environment) + "/emulator",
            tokensPerSecond: 400)
        let socket: (descriptor: Int32, port: Int)
        do {
            socket = try EmulatorServer.listeningLoopbackSocket()
        } catch {
            throw CLIError.usage("Could not start the built-in local emulator: \(error)")
        }
        let endpoint = Endpoint(baseURL: "http://127.0.0.1:\(socket.port)", apiKey: key,
                                keySource: KeySource(origin: "the local emulator", key: key), displayName: Endpoint.builtInName)
        let emulator = LocalEmulator(configuration: configuration, endpoint: endpoint)
        // Served here: reached directly even when a proxy variable is set.
        CurlTransport.servedInProcess(endpoint.baseURL)
        if inBackground {
            let thread = Thread {
                emulator.gate.wait()
                emulator.serve(socket)
            }
            thread.name = "cachechat.local-emulator"
            thread.start()
        } else {
            emulator.serve(socket)
            if let failure = emulator.failure { throw CLIError.usage(failure) }
        }
        return emulator
    }

    /// Loads the engine (and with it the vocabulary) and starts serving on the bound socket.
    private func serve(_ socket: (descriptor: Int32, port: Int)) {
        defer { started.signal() }
        let engine = EmulatorEngine(configuration: configuration)
        StartupTrace.mark("built-in endpoint: engine loaded (background)")
        let server = EmulatorServer(engine: engine)
        do {
            try server.start(listeningSocket: socket.descriptor, host: "127.0.0.1", port: socket.port)
            let stop = state.withLock { state in
                state.server = server
                return state.stopRequested
            }
            if stop { server.stop() }
        } catch {
            // Closing the socket turns requests into "connection refused" instead of a wait.
            close(socket.descriptor)
            state.withLock { $0.failure = "Could not start the built-in local emulator: \(error)" }
        }
        StartupTrace.mark("built-in endpoint: serving (background)")
    }

    /// Why the emulator could not start, once it tried; nil while starting or when serving.
    var failure: String? { state.withLock { $0.failure } }

    /// Lets a background start load the engine and serve. The TUI calls it once its first
    /// frame is on screen: on two cores the engine's 3 ms and the server's threads took the
    /// CPU the first frame needed, and nothing on that frame needs the server (its model
    /// list and balance are the remembered ones until the server answers).
    func proceed() { gate.signal() }

    /// Stops serving (waiting for a start in progress first).
    func stop() {
        gate.signal()
        started.wait()
        started.signal()
        let server = state.withLock { state -> EmulatorServer? in
            state.stopRequested = true
            defer { state.server = nil }
            return state.server
        }
        server?.stop()
    }

    /// The endpoint `settings` name, or the built-in one started now (and said so on
    /// standard error unless `quiet`): what `ask` and `balance` talk to. The caller stops the
    /// emulator it gets.
    static func endpoint(for settings: ConnectionSettings, quiet: Bool) throws -> (Endpoint, LocalEmulator?) {
        if let baseURL = settings.baseURL {
            return (Endpoint(baseURL: baseURL, apiKey: settings.apiKey, keySource: settings.keySource, displayName: settings.profile), nil)
        }
        let local = try start()
        if !quiet { Terminal.errorLine(notice) }
        return (local.endpoint, local)
    }

    static let notice = "cachechat: no endpoint configured, using the built-in local emulator (no key, no network). "
        + "Set DEEPSEEK_API_KEY to talk to DeepSeek."
}
