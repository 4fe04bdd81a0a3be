import ChatCore
import Foundation
import TOMLKit

/// `$XDG_CONFIG_HOME/cachechat/config.toml`: named endpoint profiles.
///
/// ```toml
/// profile = "deepseek"            # used when neither --profile nor CACHECHAT_PROFILE is set
///
/// [profiles.deepseek]
/// base_url = "https://api.deepseek.com"
/// api_key_command = "pass show deepseek"   # run with /bin/sh; its first line is the key
/// model = "deepseek-v4-flash"
///
/// currency = "USD"                # or "CNY": the currency costs are shown in
/// effort = "high"                 # reasoning effort of thinking requests: low, high or max
/// confirm_above = 0.05            # the chat client asks before a request predicted to cost more
///
/// [budget]                        # meters in the chat client's panel; a warning at 80%
/// daily = 1.00
/// monthly = 20.00
///
/// [models."my-model"]             # context window and output limit (tokens)
/// context = 1048576
/// max_output = 393216
///
/// [prices."deepseek-v4-flash"]    # per 1M tokens; wins over the built-in price list
/// hit = 0.006
/// miss = 0.3
/// output = 1.2
/// currency = "USD"
/// off_peak_factor = 0.5
/// from = "2026-09-01"
/// ```
public struct ConfigFile: Equatable {
    public struct Profile: Equatable {
        public var name: String
        public var baseURL: String?
        public var apiKey: String?
        public var apiKeyCommand: String?
        public var model: String?
        public var userID: String?
        /// Thinking mode of new conversations with this profile (nil: the top-level setting).
        public var thinking: Bool?

        public init(name: String, baseURL: String? = nil, apiKey: String? = nil, apiKeyCommand: String? = nil,
                    model: String? = nil, userID: String? = nil) {
            self.name = name
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.apiKeyCommand = apiKeyCommand
            self.model = model
            self.userID = userID
        }
    }

    public var path: String?
    public var defaultProfile: String?
    public var profiles: [String: Profile]
    /// The currency costs are shown in (`currency = "USD"|"CNY"`); nil when not set.
    public var currency: Currency?
    /// Thinking mode of new conversations (`thinking = true|false`); nil: the model's default.
    public var thinking: Bool?
    /// The colour theme (`theme = "light"`); nil: the default.
    public var theme: String?
    /// The model of every profile that names none (`model = "deepseek-v4-pro"`).
    public var model: String?
    /// How `/copy` reaches a clipboard (`clipboard = "auto"|"osc52"|"tmux"|"wl-copy"|"xclip"|"xsel"|"pbcopy"`).
    public var clipboard: String?
    /// `base_url`, `api_key`, `api_key_command`, `user_id` at the top level: the profile used
    /// when none is named (the README's table lists them as plain settings).
    public var topLevel: Profile?
    /// Seconds a whole `ask` request may take (`timeout = 1800`).
    public var timeout: Double?
    /// Seconds `api_key_command` may take (`api_key_command_timeout = 10`).
    public var apiKeyCommandTimeout: Double?
    /// Clipboard methods `clipboard =` accepts.
    public static let clipboardMethods = ["auto", "osc52", "tmux", "wl-copy", "xclip", "xsel", "pbcopy"]
    /// Rows of `[prices."model-id"]`, for `PriceTable.overriding(with:)`.
    public var priceOverrides: [PriceEntry] = []
    /// The model table with `[models."model-id"]` overrides applied.
    public var models: ModelCatalog = .builtIn
    /// `effort = "low"|"high"|"max"`: the reasoning effort of thinking requests (nil: the server's default).
    public var effort: ReasoningEffort?
    /// `confirm_above = 0.05`: the chat client asks before sending a request predicted to
    /// cost more (in the display currency).
    public var confirmAbove: Double?
    /// `[budget]` daily / monthly limits, shown as meters in the chat client's panel.
    public var budget: Budget?
    /// Problems that do not stop the program (unknown keys, loose permissions).
    public var warnings: [String]

    public init(path: String? = nil, defaultProfile: String? = nil, profiles: [String: Profile] = [:], warnings: [String] = []) {
        self.path = path
        self.defaultProfile = defaultProfile
        self.profiles = profiles
        self.warnings = warnings
    }

    /// The config file's location under `XDG_CONFIG_HOME` (default `~/.config`).
    public static func defaultPath(environment: [String: String]) -> String {
        Paths.configDirectory(environment: environment) + "/config.toml"
    }

    /// Loads the file when it exists; a missing file is an empty configuration.
    public static func load(path: String) throws(FileProblem) -> ConfigFile {
        guard FileManager.default.fileExists(atPath: path) else {
            // A link that leads nowhere (or in a circle) is a mistake to report, not "no config".
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
                throw FileProblem(path: path, line: nil, column: nil, message: "is a symbolic link to a file that cannot be opened (missing, or a loop of links)")
            }
            return ConfigFile()
        }
        let file = try TOMLFile.load(path)
        var config = try parse(file)
        if config.profiles.values.contains(where: { $0.apiKey != nil }) || config.topLevel?.apiKey != nil,
           let warning = permissionWarning(path: path) {
            config.warnings.append(warning)
        }
        return config
    }

    static func parse(_ file: TOMLFile) throws(FileProblem) -> ConfigFile {
        var config = ConfigFile(path: file.path)
        for key in file.root.keys {
            switch key {
            case "profile":
                guard let name = file.root[key]?.string else {
                    throw file.problem("`profile` must be a string naming a [profiles.NAME] table", key: key)
                }
                config.defaultProfile = name
            case "profiles":
                guard let table = file.root[key]?.table else {
                    throw file.problem("`profiles` must be a table of [profiles.NAME] sections", key: key)
                }
                for name in table.keys {
                    guard let section = table[name]?.table else {
                        throw file.problem("profile `\(name)` must be a table ([profiles.\(name)])", key: name, section: "profiles")
                    }
                    config.profiles[name] = try parseProfile(name: name, table: section, file: file, warnings: &config.warnings)
                }
            case "currency":
                guard let text = file.root[key]?.string, let currency = Currency(rawValue: text.uppercased()) else {
                    throw file.problem("`currency` must be \"USD\" or \"CNY\"", key: key)
                }
                config.currency = currency
            case "prices":
                config.priceOverrides = try parsePrices(file)
            case "models":
                config.models = try parseModels(file)
            case "budget":
                config.budget = try parseBudget(file)
            case "confirm_above":
                guard let value = file.root[key]?.double ?? file.root[key]?.int.map(Double.init), value >= 0, value.isFinite else {
                    throw file.problem("`confirm_above` must be an amount of 0 or more (in the display currency, e.g. 0.05)", key: key)
                }
                config.confirmAbove = value
            case "effort":
                guard let text = file.root[key]?.string, let effort = ReasoningEffort(argument: text) else {
                    throw file.problem("`effort` must be \"low\", \"high\" or \"max\"", key: key)
                }
                config.effort = effort
            case "theme", "model":
                guard let value = file.root[key]?.string, !value.isEmpty else {
                    throw file.problem("`\(key)` must be a non-empty string", key: key)
                }
                if key == "theme" { config.theme = value } else { config.model = value }
            case "base_url", "api_key", "api_key_command", "user_id":
                guard let value = file.root[key]?.string, !value.isEmpty else {
                    throw file.problem("`\(key)` must be a non-empty string", key: key)
                }
                var profile = config.topLevel ?? Profile(name: "top level of config.toml")
                switch key {
                case "base_url": profile.baseURL = value
                case "api_key": profile.apiKey = value
                case "api_key_command": profile.apiKeyCommand = value
                default: profile.userID = value
                }
                config.topLevel = profile
            case "timeout":
                guard let value = file.root[key]?.double ?? file.root[key]?.int.map(Double.init), value >= 1, value <= 86_400 else {
                    throw file.problem("`timeout` must be a number of seconds from 1 to 86400 (a whole request's limit)", key: key)
                }
                config.timeout = value
            case "api_key_command_timeout":
                guard let value = file.root[key]?.double ?? file.root[key]?.int.map(Double.init), value > 0, value <= 600 else {
                    throw file.problem("`api_key_command_timeout` must be a number of seconds from 0 to 600", key: key)
                }
                config.apiKeyCommandTimeout = value
            case "clipboard":
                guard let value = file.root[key]?.string, clipboardMethods.contains(value) else {
                    throw file.problem("`clipboard` must be one of " + clipboardMethods.map { "\"\($0)\"" }.joined(separator: ", "), key: key)
                }
                config.clipboard = value
            case "thinking":
                guard let value = file.root[key]?.bool else {
                    throw file.problem("`thinking` must be true or false (the thinking mode of new conversations)", key: key)
                }
                config.thinking = value
            default:
                config.warnings.append(file.problem("unknown setting `\(key)` ignored", key: key).description)
            }
        }
        if let top = config.topLevel, top.apiKey != nil && top.apiKeyCommand != nil {
            throw file.problem("config.toml sets both `api_key` and `api_key_command` at the top level; keep one", key: "api_key_command")
        }
        if let name = config.defaultProfile, config.profiles[name] == nil {
            throw file.problem("`profile = \"\(name)\"` names no [profiles.\(name)] table", key: "profile")
        }
        return config
    }

    private static func parseProfile(name: String, table: TOMLTable, file: TOMLFile, warnings: inout [String]) throws(FileProblem) -> Profile {
        var profile = Profile(name: name)
        let section = "profiles.\(name)"
        for key in table.keys {
            if key == "thinking" {
                guard let value = table[key]?.bool else {
                    throw file.problem("`thinking` in [\(section)] must be true or false", key: key, section: section)
                }
                profile.thinking = value
                continue
            }
            guard let value = table[key]?.string else {
                if ["base_url", "api_key", "api_key_command", "model", "user_id"].contains(key) {
                    throw file.problem("`\(key)` in [\(section)] must be a string", key: key, section: section)
                }
                warnings.append(file.problem("unknown setting `\(key)` in [\(section)] ignored", key: key, section: section).description)
                continue
            }
            switch key {
            case "base_url": profile.baseURL = value
            case "api_key": profile.apiKey = value
            case "api_key_command": profile.apiKeyCommand = value
            case "model": profile.model = value
            case "user_id": profile.userID = value
            default:
                warnings.append(file.problem("unknown setting `\(key)` in [\(section)] ignored", key: key, section: section).description)
            }
        }
        if profile.apiKey != nil && profile.apiKeyCommand != nil {
            throw file.problem("[\(section)] sets both `api_key` and `api_key_command`; keep one", key: "api_key_command", section: section)
        }
        return profile
    }

    /// A key in a file others can read is a leak waiting to happen: say so, with the fix.
    static func permissionWarning(path: String) -> String? {
        // The file the link points at: a link's own mode is always 777.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else { return nil }
        guard mode & 0o077 != 0 else { return nil }
        return "\(path) holds an API key and is readable by others (mode \(String(mode & 0o777, radix: 8))). "
            + "Run `chmod 600 \(path)`, or move the key to `api_key_command`."
    }
}

extension ConfigFile {
    /// The thinking mode new conversations start with under `profile`: the profile's
    /// setting, else the top-level one; nil leaves the model's default.
    public func defaultThinking(profile: String?) -> Bool? {
        profile.flatMap { profiles[$0]?.thinking } ?? thinking
    }
}
