import Foundation
import TerminalUI

/// The themes the user can switch between, and the problems found loading them.
public struct ThemeCatalog: Sendable {
    public var themes: [String: Theme]
    public var names: [String]
    /// One line per theme file that could not be used: file, line and problem.
    public var problems: [String]
    public var defaultName: String

    public init(themes: [String: Theme], names: [String], problems: [String], defaultName: String) {
        self.themes = themes
        self.names = names
        self.problems = problems
        self.defaultName = defaultName
    }

    /// Shipped and user themes. A broken file is reported and left out; `preferred`
    /// (from `--theme` or `CACHECHAT_THEME`) falls back to the default when missing or broken.
    public static func load(environment: [String: String], preferred: String?) -> ThemeCatalog {
        var themes: [String: Theme] = [:]
        var names: [String] = []
        var problems: [String] = []
        for entry in ThemeFiles.all(environment: environment) {
            switch entry.result {
            case .success(let theme):
                themes[entry.name] = theme
                names.append(entry.name)
            case .failure(let problem):
                problems.append("\(problem) — using the default theme instead")
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
            } else if !problems.contains(where: { $0.contains("/\(preferred).toml") }) {
                problems.append("No theme named `\(preferred)` (themes: \(names.joined(separator: ", "))); using dark.")
            }
        }
        return ThemeCatalog(themes: themes, names: names, problems: problems, defaultName: chosen)
    }
}
