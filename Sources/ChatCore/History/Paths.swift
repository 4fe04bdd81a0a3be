import Foundation

/// Where cachechat keeps its files, following the XDG base directory spec.
public enum Paths {
    public static func configDirectory(environment: [String: String]) -> String {
        base(environment["XDG_CONFIG_HOME"], fallback: ".config", environment: environment) + "/cachechat"
    }

    public static func dataDirectory(environment: [String: String]) -> String {
        base(environment["XDG_DATA_HOME"], fallback: ".local/share", environment: environment) + "/cachechat"
    }

    /// `~` and `~/…` with `$HOME` (the environment's, like a shell; Foundation's tilde
    /// expansion reads the password file instead, which is wrong under `sudo -E`, in
    /// containers and wherever HOME was set on purpose).
    public static func expandingTilde(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }

    private static func base(_ value: String?, fallback: String, environment: [String: String]) -> String {
        // The spec says relative values are invalid and must be ignored.
        if let value, value.hasPrefix("/") { return value }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/" + fallback
    }
}
