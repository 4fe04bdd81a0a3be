import ChatWire
import ChatCore
import Foundation

/// Where requests go and with which key and model, after flags, environment and
/// the config file have been merged, in that order of precedence.
public struct ConnectionSettings: Equatable {
    /// nil when nothing names an endpoint: the caller then uses the built-in emulator.
    public var baseURL: String?
    public var apiKey: String?
    /// Where the key came from, masked, for error messages. Never the key itself.
    public var keySource: KeySource?
    public var model: String
    public var profile: String?
    public var userID: String?

    public static let deepSeekBaseURL = "https://api.deepseek.com"
    public static let defaultModel = ModelCatalog.defaultModel

    /// Values given on the command line; nil means "not given".
    public struct Flags: Equatable {
        public var baseURL: String?
        public var apiKey: String?
        public var model: String?
        public var profile: String?
        public init(baseURL: String? = nil, apiKey: String? = nil, model: String? = nil, profile: String? = nil) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.model = model
            self.profile = profile
        }
    }

    /// Merges the three sources. `defaultModel` applies when none of them names a model
    /// (a few-shot set's `model`). `runCommand` runs `api_key_command` only when no
    /// flag or environment variable already supplies a key.
    public static func resolve(
        flags: Flags, environment: [String: String], config: ConfigFile,
        defaultModel: String = ConnectionSettings.defaultModel,
        runCommand: ((String) throws -> String)? = nil
    ) throws -> ConnectionSettings {
        let profileName = flags.profile ?? nonEmpty(environment["CACHECHAT_PROFILE"]) ?? config.defaultProfile
        var profile: ConfigFile.Profile? = nil
        if let profileName {
            guard let found = config.profiles[profileName] else {
                let known = config.profiles.keys.sorted().joined(separator: ", ")
                throw SettingsError("No profile named `\(profileName)` in \(config.path ?? "the config file")"
                    + (known.isEmpty ? "." : " (profiles: \(known))."))
            }
            profile = found
        } else {
            profile = config.topLevel
        }

        var settings = ConnectionSettings(baseURL: nil, apiKey: nil, keySource: nil, model: defaultModel,
                                          profile: profileName, userID: profile?.userID)
        settings.baseURL = nonEmpty(flags.baseURL) ?? nonEmpty(environment["DEEPSEEK_BASE_URL"]) ?? profile?.baseURL
        settings.model = nonEmpty(flags.model) ?? nonEmpty(environment["CACHECHAT_MODEL"]) ?? profile?.model ?? config.model ?? defaultModel

        if let key = nonEmpty(flags.apiKey) {
            settings.setKey(key, origin: "--api-key")
        } else if let key = nonEmpty(environment["DEEPSEEK_API_KEY"]) {
            settings.setKey(key, origin: "DEEPSEEK_API_KEY")
        } else if let profile, let key = nonEmpty(profile.apiKey) {
            settings.setKey(key, origin: "api_key in profile `\(profile.name)`")
        } else if let profile, let command = profile.apiKeyCommand {
            let key: String
            do {
                let timeout = config.apiKeyCommandTimeout ?? 10
                key = try runCommand.map { try $0(command) } ?? ShellCommand.firstLine(command, timeout: timeout)
            } catch {
                throw SettingsError("api_key_command of profile `\(profile.name)` failed: \(error). "
                    + "Run it by hand to check it prints the key.")
            }
            guard let key = nonEmpty(key) else {
                throw SettingsError("api_key_command of profile `\(profile.name)` printed nothing; it must print the key.")
            }
            settings.setKey(key, origin: "api_key_command of profile `\(profile.name)`")
        }
        if let key = settings.apiKey, let source = settings.keySource,
           key.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }) {
            // A line break in a key would start a new HTTP header.
            throw SettingsError("The API key from \(source.origin) contains a space, line break or other control character; "
                + "keys are one word. Check how it is set (a trailing newline in a file or command output is removed).")
        }
        if settings.baseURL == nil && settings.apiKey != nil { settings.baseURL = deepSeekBaseURL }
        if let url = settings.baseURL {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw SettingsError("Base URL `\(url)` must start with http:// or https://.")
            }
            settings.baseURL = String(url.reversed().drop(while: { $0 == "/" }).reversed())
        }
        return settings
    }

    private mutating func setKey(_ key: String, origin: String) {
        apiKey = key
        keySource = KeySource(origin: origin, maskedKey: KeySource.mask(key))
    }

    /// `value` without the white space around it, nil when nothing is left. The set is
    /// Foundation's `.whitespacesAndNewlines` (Unicode's White_Space and U+200B ZERO WIDTH
    /// SPACE), trimmed scalar by scalar here: `trimmingCharacters(in:)` bridged through
    /// NSString and cost 0.3 ms of every start.
    private static func nonEmpty(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingScalars({ $0.properties.isWhitespace || $0 == "\u{200B}" }), !trimmed.isEmpty
        else { return nil }
        return String(trimmed)
    }
}

public struct SettingsError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
