import App
import ChatCore
import ChatWire
import CurlTransport
import Emulator
import EmulatorServer
import Foundation
import Store
import TerminalUI

/// A ChatApp on a virtual device, talking to an in-process emulator (or to `baseURL`, e.g. a
/// `ScriptedHTTPServer`), with a temporary store.
final class AppHarness {
    let device: VirtualDevice
    let server: EmulatorServer
    let store: ChatStore
    let app: ChatApp
    let directory: URL

    init(width: Int = 120, height: Int = 40, configuration: EmulatorConfiguration = EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0),
         model: String = "deepseek-chat", baseURL: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachechat-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        server = EmulatorServer(engine: EmulatorEngine(configuration: configuration))
        try server.start(host: "127.0.0.1", port: 0)
        store = try ChatStore(path: directory.appendingPathComponent("history.sqlite").path)
        device = VirtualDevice(width: width, height: height)
        let endpoint = Endpoint(baseURL: baseURL ?? server.baseURL, apiKey: "sk-app-test-key", keySource: nil, displayName: "local emulator")
        let session = ChatSession(transport: CurlTransport(), store: store, endpoint: endpoint, model: model)
        session.cacheModel = configuration.cacheModel
        let themes = ThemeCatalog.load(environment: ["HOME": directory.path, "XDG_CONFIG_HOME": directory.path], preferred: nil)
        app = ChatApp(device: device, session: session, store: store, themes: themes)
        app.fewShots = FewShotLibrary(directory: directory.appendingPathComponent("fewshot").path,
                                      versionsDirectory: directory.appendingPathComponent("versions").path)
    }

    deinit { server.stop() }

    /// Steps the loop until `condition` holds (or the timeout).
    @discardableResult
    func run(until condition: () -> Bool, timeout: Double = 20) -> Bool {
        let start = Date()
        while !condition() && Date().timeIntervalSince(start) < timeout { app.step(timeout: 0.02) }
        app.step(timeout: 0)
        return condition()
    }

    func step(_ count: Int = 3) { for _ in 0..<count { app.step(timeout: 0.01) } }

    /// Steps for a while: lets timers (the draft's prediction, Esc) fire.
    func settle(_ seconds: Double = 0.2) {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds { app.step(timeout: 0.01) }
    }

    /// Presses Esc alone: the decoder waits a moment to tell it from an Alt- prefix.
    func pressEscape() {
        device.press([27])
        app.step(timeout: 0)  // handle everything queued before the Esc first
        let start = Date()
        while Date().timeIntervalSince(start) < 0.08 { app.step(timeout: 0.01) }
    }

    /// Types text and presses Enter.
    func send(_ text: String) {
        device.type(text)
        device.press([13])
        step()
    }
}
