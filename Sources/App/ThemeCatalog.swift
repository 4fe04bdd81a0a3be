import Foundation
import TerminalUI

/// The themes the user can switch between, and the problems found loading them.
public struct ThemeCatalog: Sendable {
    public var themes: [String: Theme]
    /// Shipped themes not parsed yet, by name: they are known to load (BundledThemesTests),
    /// so the start does not parse them (1.4 ms of every launch); `theme(named:)` does.
    public var shipped: [String: String]
    public var names: [String]
    /// Problems with the theme asked for at start (file, line and problem), shown once.
    public var problems: [String]
    public var defaultName: String
    /// Theme files that could not be used, by name: reported when that theme is asked
    /// for, never merely because the file is there.
    public var broken: [String: String]

    public init(themes: [String: Theme], names: [String], problems: [String], defaultName: String, broken: [String: String] = [:],
                shipped: [String: String] = [:]) {
        self.themes = themes
        self.shipped = shipped
        self.names = names
        self.problems = problems
        self.defaultName = defaultName
        self.broken = broken
    }

    /// The theme called `name`: a user's, or a shipped one parsed now.
    public func theme(named name: String) -> Theme? {
        if let theme = themes[name] { return theme }
        guard let text = shipped[name], case .success(let theme) = ThemeFiles.load(text: text, path: "themes/\(name).toml", isUser: false).result
        else { return nil }
        return theme
    }

    /// Shipped and user themes. A broken file is reported and left out; `preferred`
    /// (from `--theme` or `CACHECHAT_THEME`) falls back to the default when missing or broken.
    /// Only the user's files are parsed here; a user theme replaces a shipped one of its name.
    public static func load(environment: [String: String], preferred: String?) -> ThemeCatalog {
        var themes: [String: Theme] = [:]
        var shipped: [String: String] = [:]
        var order: [String] = []
        var broken: [String: String] = [:]
        for (name, text) in ThemeFiles.bundled {
            order.append(name)
            shipped[name] = text
        }
        for entry in ThemeFiles.user(environment: environment) {
            if !order.contains(entry.name) { order.append(entry.name) }
            shipped[entry.name] = nil
            switch entry.result {
            case .success(let theme):
                themes[entry.name] = theme
                broken[entry.name] = nil
            case .failure(let problem):
                themes[entry.name] = nil
                broken[entry.name] = "\(problem)"
            }
        }
        var names = order.filter { themes[$0] != nil || shipped[$0] != nil }
        if themes["dark"] == nil && shipped["dark"] == nil {
            themes["dark"] = Theme(name: "dark")
            names.insert("dark", at: 0)
        }
        var problems: [String] = []
        var chosen = "dark"
        if let preferred {
            if themes[preferred] != nil || shipped[preferred] != nil {
                chosen = preferred
            } else if let problem = broken[preferred] {
                problems.append("Theme `\(preferred)` cannot be used: \(problem). Using dark.")
            } else {
                problems.append("No theme named `\(preferred)` (themes: \(names.joined(separator: ", "))); using dark.")
            }
        }
        return ThemeCatalog(themes: themes, names: names, problems: problems, defaultName: chosen, broken: broken, shipped: shipped)
    }
}
