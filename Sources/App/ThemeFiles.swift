import ChatCore
import Foundation
import TerminalUI
import Config
import TOMLKit

/// Theme files: the shipped ones (bundled from the top-level `themes/` folder) and the
/// user's, in `$XDG_CONFIG_HOME/cachechat/themes/`. The format is documented on
/// `TerminalUI.Theme`.
public enum ThemeFiles {
    /// A theme file that was read, or the problem that kept it out.
    public struct Entry: Sendable {
        public var name: String
        public var description: String?
        public var path: String
        public var isUser: Bool
        public var result: Result<Theme, FileProblem>
    }

    /// The folder of user themes.
    public static func userDirectory(environment: [String: String]) -> String {
        Paths.configDirectory(environment: environment) + "/themes"
    }

    /// Every theme, shipped first; a user theme with the same name replaces a shipped one.
    public static func all(environment: [String: String]) -> [Entry] {
        var byName: [String: Entry] = [:]
        var order: [String] = []
        func add(_ entry: Entry) {
            if byName[entry.name] == nil { order.append(entry.name) }
            byName[entry.name] = entry
        }
        for (name, text) in bundled { add(load(text: text, path: "themes/\(name).toml", isUser: false)) }
        for entry in user(environment: environment) { add(entry) }
        return order.compactMap { byName[$0] }
    }

    /// The user's theme files, in file-name order.
    public static func user(environment: [String: String]) -> [Entry] {
        let directory = userDirectory(environment: environment)
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted().filter { $0.hasSuffix(".toml") }.map {
            load(path: directory + "/" + $0, isUser: true)
        }
    }

    /// Parses theme text (a shipped theme, or a test's).
    public static func load(text: String, path: String, isUser: Bool) -> Entry {
        let fileName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        do {
            let file = try TOMLFile(path: path, text: text)
            return entry(file, fileName: fileName, isUser: isUser)
        } catch {
            return Entry(name: fileName, description: nil, path: path, isUser: isUser, result: .failure(error))
        }
    }

    /// Reads one theme file; every problem comes back with the file, the line and the slot.
    public static func load(path: String, isUser: Bool) -> Entry {
        let fileName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        do {
            return entry(try TOMLFile.load(path), fileName: fileName, isUser: isUser)
        } catch {
            return Entry(name: fileName, description: nil, path: path, isUser: isUser, result: .failure(error))
        }
    }

    /// The file's name is the theme's (`NAME.toml`, as the README says): a `name =` inside
    /// is only a label, so a copy of `light.toml` saved as `mine.toml` is `mine` and leaves
    /// the shipped `light` alone, and a broken file is reported under the name it is asked by.
    private static func entry(_ file: TOMLFile, fileName: String, isUser: Bool) -> Entry {
        let name = fileName
        let description = file.root["description"]?.string
        return Entry(name: name, description: description, path: file.path, isUser: isUser,
                     result: Result { () throws(FileProblem) in try parse(file, name: name) })
    }

    static func parse(_ file: TOMLFile, name: String) throws(FileProblem) -> Theme {
        for key in file.root.keys where !["name", "description", "slots"].contains(key) {
            throw file.problem("unknown setting `\(key)`; a theme has `name`, `description` and a [slots] table", key: key)
        }
        guard let slots = file.root["slots"]?.table else {
            if file.root["slots"] != nil { throw file.problem("`slots` must be a table: [slots]", key: "slots") }
            return Theme(name: name)
        }
        var specs: [String: ColorSpec] = [:]
        for slot in slots.keys {
            guard let table = slots[slot]?.table else {
                throw file.problem("slot `\(slot)` must be an inline table, e.g. \(slot) = { fg = \"red\" }", key: slot, section: "slots")
            }
            var spec = ColorSpec()
            for field in table.keys {
                switch field {
                case "fg", "bg":
                    guard let value = table[field]?.string else {
                        throw file.problem("`\(field)` of slot `\(slot)` must be a colour string such as \"#88c0d0\" or \"bright-blue\"", key: slot, section: "slots")
                    }
                    if field == "fg" { spec.foreground = value } else { spec.background = value }
                case "attrs", "mono":
                    guard let array = table[field]?.array else {
                        throw file.problem("`\(field)` of slot `\(slot)` must be a list such as [\"bold\"]", key: slot, section: "slots")
                    }
                    let names = array.compactMap { $0.string }
                    if field == "attrs" { spec.attributes = names } else { spec.monochrome = names }
                default:
                    throw file.problem("slot `\(slot)` has an unknown field `\(field)` (use fg, bg, attrs, mono)", key: slot, section: "slots")
                }
            }
            specs[slot] = spec
        }
        do {
            return try Theme(name: name, overrides: specs)
        } catch {
            let first = error.issues.first
            throw file.problem("\(error)", key: first?.slot, section: "slots")
        }
    }
}
