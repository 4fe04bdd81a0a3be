import Foundation
import TerminalUI

/// The themes the user can switch between, and the problems found loading them.
public struct ThemeCatalog: Sendable {
    public var themes: [String: Theme]
    public var names: [String]
    /// Problems with the theme asked for at start (file, line and problem), shown once.
    public var problems: [String]
    public var defaultName: String
    /// Theme files that could not be used, by name: reported when that theme is asked
    /// for, never merely because the file is there.
    public var broken: [String: String]

    public init(themes: [String: Theme], names: [String], problems: [String], defaultName: String, broken: [String: String] = [:]) {
        self.themes = themes
        self.names = names
        self.problems = problems
        self.defaultName = defaultName
        self.broken = broken
    }

    /// Shipped and user themes. A broken file is reported and left out; `preferred`
    /// (from `--theme` or `CACHECHAT_THEME`) falls back to the default when missing or broken.
    public static func load(environment: [String: String], preferred: String?) -> ThemeCatalog {
        var themes: [String: Theme] = [:]
        var names: [String] = []
        var problems: [String] = []
        var broken: [String: String] = [:]
        for entry in ThemeFiles.all(environment: environment) {
            switch entry.result {
            case .success(let theme):
                themes[entry.name] = theme
                names.append(entry.name)
            case .failure(let problem):
                broken[entry.name] = "\(problem)"
            }
        }
        if themes["dark"] == nil {
            themes["dark"] = Theme(name: "dark")
            names.insert("dark", at: 0)
        }
        var chosen = "dark"
        if let preferred {
            if themes[preferred] != nil {
                chosen = preferred
            } else if let problem = broken[preferred] {
                problems.append("Theme `\(preferred)` cannot be used: \(problem). Using dark.")
            } else {
                problems.append("No theme named `\(preferred)` (themes: \(names.joined(separator: ", "))); using dark.")
            }
        }
        return ThemeCatalog(themes: themes, names: names, problems: problems, defaultName: chosen, broken: broken)
    }
}
