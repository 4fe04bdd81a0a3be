import ArgumentParser
import Foundation
import Config
import History

/// Flags shared by every command that talks to an endpoint.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("base-url"), help: "Endpoint base URL (default: DEEPSEEK_BASE_URL, the profile, or DeepSeek).")
    var baseURL: String?

    @Option(name: .customLong("api-key"), help: "API key (prefer DEEPSEEK_API_KEY: flags are visible to other users in ps).")
    var apiKey: String?

    @Option(help: "Model id (default: CACHECHAT_MODEL, the profile's model, or deepseek-flash).")
    var model: String?

    @Option(help: "A profile from config.toml (default: CACHECHAT_PROFILE or the file's `profile`).")
    var profile: String?

    /// The flags as a plain value (what the commands resolve; the fast reader builds one too).
    var flags: ConnectionSettings.Flags { .init(baseURL: baseURL, apiKey: apiKey, model: model, profile: profile) }

    /// `defaultModel` is used when no flag, variable or profile names a model.
    func resolve(defaultModel: String = ConnectionSettings.defaultModel) throws -> ConnectionSettings {
        try flags.resolveWithConfig(defaultModel: defaultModel).settings
    }
}

extension ConnectionSettings.Flags {
    /// The settings and the config file they came from (its prices and currency).
    func resolveWithConfig(defaultModel: String = ConnectionSettings.defaultModel) throws
        -> (settings: ConnectionSettings, config: ConfigFile) {
        let environment = ProcessInfo.processInfo.environment
        let path = ConfigFile.defaultPath(environment: environment)
        let config: ConfigFile
        do {
            config = try ConfigFile.load(path: path)
        } catch {
            throw CLIError.usage("Config file problem: \(error)")
        }
        for warning in config.warnings { Terminal.errorLine("cachechat: warning: \(warning)") }
        do {
            let settings = try ConnectionSettings.resolve(flags: self, environment: environment, config: config,
                                                          defaultModel: defaultModel)
            return (settings, config)
        } catch {
            throw CLIError.usage("\(error)")
        }
    }
}

/// An error that ends the command with a message and a documented exit code.
enum CLIError: Error {
    case usage(String)
}
