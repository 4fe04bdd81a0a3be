import ChatWire
import Emulator
import EmulatorServer
import ChatCore
import Foundation
import Config
import History

/// The built-in endpoint: when nothing names a server or a key, cachechat starts the
/// emulator in-process on a free loopback port and talks to it through the normal
/// libcurl path, so everything works with no key and no network.
enum LocalEmulator {
    static let key = "sk-local-emulator"

    static func start() throws -> (EmulatorServer, Endpoint) {
        let environment = ProcessInfo.processInfo.environment
        let configuration = EmulatorConfiguration(
            cacheModel: .v4, dataDirectory: Paths.dataDirectory(environment: environment) + "/emulator",
            tokensPerSecond: 400)
        let server = EmulatorServer(engine: EmulatorEngine(configuration: configuration))
        do {
            try server.start(host: "127.0.0.1", port: 0)
        } catch {
            throw CLIError.usage("Could not start the built-in local emulator: \(error)")
        }
        let endpoint = Endpoint(baseURL: server.baseURL, apiKey: key, keySource: KeySource(origin: "the local emulator", key: key),
                                displayName: "local emulator")
        return (server, endpoint)
    }

    static let notice = "cachechat: no endpoint configured, using the built-in local emulator (no key, no network). "
        + "Set DEEPSEEK_API_KEY to talk to DeepSeek."
}
