import ChatCore
import Foundation
import TOMLKit

/// A few-shot set as a TOML file a person writes and keeps in git (docs/FEWSHOT.md):
///
/// ```toml
/// name = "sentiment"
/// description = "Classify product reviews"
/// model = "deepseek-v4-flash"      # optional
/// system = """
/// You classify ...
/// """
///
/// [[shots]]
/// user = "Review: ..."
/// assistant = "positive: ..."
/// ```
///
/// The file name (`NAME.toml`) is the set's name; the `name` key is informative and is
/// rewritten when cachechat saves the file.
public enum FewShotFile {
    static let topKeys = ["name", "description", "model", "system", "shots"]
    static let shotKeys = ["user", "assistant"]

    /// Reads and checks a file; `name` defaults to the file's base name.
    public static func load(path: String, name: String? = nil) throws(FileProblem) -> FewShotSet {
        try parse(TOMLFile.load(path), name: name ?? baseName(of: path))
    }

    /// "dir/sentiment.toml" -> "sentiment".
    public static func baseName(of path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    public static func parse(_ file: TOMLFile, name: String) throws(FileProblem) -> FewShotSet {
        let root = file.root
        for key in root.keys where !topKeys.contains(key) {
            throw file.problem("unknown key `\(key)` (a few-shot set has \(list(topKeys)))", key: key)
        }
        func string(_ key: String) throws(FileProblem) -> String? {
            guard let value = root[key] else { return nil }
            guard let text = value.string else {
                throw file.problem("`\(key)` must be a string, not \(article(value.type))", key: key)
            }
            return text
        }
        _ = try string("name")
        let description = try string("description") ?? ""
        let model = try string("model")
        guard let system = try string("system") else {
            throw FileProblem(path: file.path, line: 1, column: nil,
                              message: "no `system` prompt: add `system = \"\"\"…\"\"\"` before the first [[shots]]")
        }
        guard let value = root["shots"] else {
            throw FileProblem(path: file.path, line: 1, column: nil,
                              message: "no shots: add at least one [[shots]] table with `user` and `assistant`")
        }
        guard let array = value.array else {
            throw file.problem("`shots` must be a list of [[shots]] tables, not \(article(value.type))", key: "shots")
        }
        guard !array.isEmpty else {
            throw file.problem("`shots` is empty: add at least one [[shots]] table with `user` and `assistant`", key: "shots")
        }
        var shots: [FewShotSet.Shot] = []
        shots.reserveCapacity(array.count)
        for index in 0..<array.count {
            // Where a problem is: only looked up when there is one, since each look-up reads
            // the whole file (done for every shot, that made loading quadratic in the shots).
            func headerLine() -> Int? {
                file.line(ofArrayTable: "shots", index: index) ?? file.line(ofKey: "shots", inSection: nil)
            }
            guard let table = array[index].table else {
                throw FileProblem(path: file.path, line: headerLine(), column: nil,
                                  message: "shot \(index + 1) must be a table with `user` and `assistant`, not \(article(array[index].type))")
            }
            func line(_ key: String) -> Int? {
                file.line(ofKey: key, inArrayTable: "shots", index: index) ?? headerLine()
            }
            for key in table.keys where !shotKeys.contains(key) {
                throw FileProblem(path: file.path, line: line(key), column: nil,
                                  message: "unknown key `\(key)` in shot \(index + 1) (a shot has `user` and `assistant`)")
            }
            var texts: [String] = []
            for key in shotKeys {
                guard let value = table[key] else {
                    throw FileProblem(path: file.path, line: headerLine(), column: nil,
                                      message: "shot \(index + 1) has no `\(key)`")
                }
                guard let text = value.string else {
                    throw FileProblem(path: file.path, line: line(key), column: nil,
                                      message: "`\(key)` in shot \(index + 1) must be a string, not \(article(value.type))")
                }
                texts.append(text)
            }
            shots.append(FewShotSet.Shot(user: texts[0], assistant: texts[1]))
        }
        return FewShotSet(name: name, description: description, model: model, system: system, shots: shots)
    }

    /// The set as TOML, in the documented layout: single-line texts as basic strings,
    /// others as multi-line strings. Parsing the result gives the same set, byte for byte
    /// (CR and invisible characters are written as escapes so that they stay visible).
    public static func toml(_ set: FewShotSet) -> String {
        var out = "# cachechat few-shot set (format: docs/FEWSHOT.md)\n"
        out += "name = \(TOMLString.quoted(set.name))\n"
        out += "description = \(TOMLString.quoted(set.description))\n"
        if let model = set.model { out += "model = \(TOMLString.quoted(model))\n" }
        out += "system = \(TOMLString.quoted(set.system))\n"
        for shot in set.shots {
            out += "\n[[shots]]\n"
            out += "user = \(TOMLString.quoted(shot.user))\n"
            out += "assistant = \(TOMLString.quoted(shot.assistant))\n"
        }
        return out
    }

    static func list(_ keys: [String]) -> String {
        keys.dropLast().map { "`\($0)`" }.joined(separator: ", ") + " and `\(keys.last!)`"
    }

    static func article(_ type: TOMLType) -> String {
        let name = "\(type)"
        return (["a", "e", "i", "o", "u"].contains(name.prefix(1)) ? "an " : "a ") + name
    }
}
