import Foundation
import TOMLKit

/// A TOML file parsed with TOMLKit, kept with its text so that problems found after
/// parsing (a wrong type, an unknown key) can still name the line they are on.
public struct TOMLFile {
    public let path: String
    public let text: String
    public let root: TOMLTable

    public init(path: String, text: String) throws(FileProblem) {
        self.path = path
        self.text = text
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw FileProblem(path: path, line: error.source.begin.line, column: error.source.begin.column,
                              message: error.description)
        } catch {
            throw FileProblem(path: path, line: nil, column: nil, message: "\(error)")
        }
    }

    public static func load(_ path: String) throws(FileProblem) -> TOMLFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileProblem(path: path, line: nil, column: nil, message: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileProblem(path: path, line: nil, column: nil, message: "is not valid UTF-8")
        }
        return try TOMLFile(path: path, text: text)
    }

    /// The 1-based line where `key` is assigned inside `[section]` (or at the top when nil).
    public func line(ofKey key: String, inSection section: String?) -> Int? {
        var current: String? = nil
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                    .replacingOccurrences(of: "\"", with: "")
                continue
            }
            guard current == section else { continue }
            let name = line.split(separator: "=", maxSplits: 1).first?
                .trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "")
            if name == key { return index + 1 }
        }
        return nil
    }

    public func problem(_ message: String, key: String? = nil, section: String? = nil) -> FileProblem {
        FileProblem(path: path, line: key.flatMap { line(ofKey: $0, inSection: section) }, column: nil, message: message)
    }
}

/// A problem in a file a person wrote: which file, where, and what is wrong.
public struct FileProblem: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(path: String, line: Int?, column: Int?, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = path
        if let line { location += ":\(line)" }
        if let line, let column, line > 0 { location += ":\(column)" }
        return "\(location): \(message)"
    }
}
