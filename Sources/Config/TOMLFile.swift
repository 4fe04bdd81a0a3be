import ChatCore
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
        if let broken = TOMLCrashGuard.problem(in: text) {
            throw FileProblem(path: path, line: broken.line, column: broken.column, message: broken.message)
        }
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
        // Only a regular file is read: a FIFO would wait for a writer, /dev/zero never end.
        guard isRegularFile(path), let data = FileManager.default.contents(atPath: path) else {
            throw FileProblem(path: path, line: nil, column: nil, message: "cannot be read: " + unreadable(path))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileProblem(path: path, line: nil, column: nil, message: "is not valid UTF-8")
        }
        return try TOMLFile(path: path, text: text)
    }

    /// The 1-based line where `key` is assigned inside `[section]` (or at the top when nil).
    public func line(ofKey key: String, inSection section: String?) -> Int? {
        var current: String? = nil
        for (number, line) in structuralLines() {
            if line.hasPrefix("[") {
                current = Self.sectionName(line)
                continue
            }
            guard current == section else { continue }
            if Self.keyName(line) == key { return number }
        }
        return nil
    }

    /// The 1-based line of the `index`th (0-based) `[[name]]` header.
    public func line(ofArrayTable name: String, index: Int) -> Int? {
        var seen = 0
        for (number, line) in structuralLines() where line.hasPrefix("[[") && Self.sectionName(line) == name {
            if seen == index { return number }
            seen += 1
        }
        return nil
    }

    /// Whether `path` is (or links to) a regular file: the only kind that is read.
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    /// Why `path` gave no contents, in words ("a link to a file that does not exist", "not a
    /// regular file (a FIFO, a device or a folder)", "permission denied").
    static func unreadable(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = errno
            var link = stat()
            if error == ENOENT, lstat(path, &link) == 0 { return "it is a link to a file that does not exist" }
            return String(cString: strerror(error)).lowercased()
        }
        if info.st_mode & S_IFMT != S_IFREG { return "it is not a regular file (a FIFO, a device or a folder)" }
        if access(path, R_OK) != 0 { return String(cString: strerror(errno)).lowercased() }
        return "reading it failed"
    }

    /// The 1-based line where `key` is assigned in the `index`th `[[name]]` table.
    public func line(ofKey key: String, inArrayTable name: String, index: Int) -> Int? {
        guard let header = line(ofArrayTable: name, index: index) else { return nil }
        for (number, line) in structuralLines() where number > header {
            if line.hasPrefix("[") { return nil }
            if Self.keyName(line) == key { return number }
        }
        return nil
    }

    /// Lines outside multi-line strings, trimmed, with their 1-based numbers: where keys
    /// and headers can be. (A line of a multi-line string may look like `[x]` or `k = v`.)
    func structuralLines() -> [(Int, String)] {
        var result: [(Int, String)] = []
        var open: String? = nil  // the delimiter of the multi-line string being read
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = Substring(raw)
            if open == nil { result.append((index + 1, raw.trimmingCharacters(in: .whitespaces))) }
            while !rest.isEmpty {
                if let delimiter = open {
                    guard let end = Self.closing(delimiter, in: rest) else { break }
                    rest = rest[end...]
                    open = nil
                } else {
                    let basic = rest.range(of: "\"\"\""), literal = rest.range(of: "'''")
                    guard let first = [basic, literal].compactMap({ $0 }).min(by: { $0.lowerBound < $1.lowerBound }),
                          !rest[..<first.lowerBound].contains("#") else { break }
                    open = String(rest[first])
                    rest = rest[first.upperBound...]
                }
            }
        }
        return result
    }

    /// Where the text after a closing delimiter starts, skipping escaped quotes in basic strings.
    private static func closing(_ delimiter: String, in text: Substring) -> Substring.Index? {
        var search = text[...]
        while let found = search.range(of: delimiter) {
            var backslashes = 0
            var cursor = found.lowerBound
            while delimiter == "\"\"\"", cursor > text.startIndex {
                cursor = text.index(before: cursor)
                guard text[cursor] == "\\" else { break }
                backslashes += 1
            }
            if backslashes % 2 == 0 {
                var end = found.upperBound
                // Up to two quotes may sit right before the closing delimiter.
                while end < text.endIndex, text[end] == delimiter.first, text.distance(from: found.lowerBound, to: end) < 5 {
                    end = text.index(after: end)
                }
                return end
            }
            search = text[found.upperBound...]
        }
        return nil
    }

    private static func sectionName(_ line: String) -> String {
        let header = line.split(separator: "#", maxSplits: 1).first.map(String.init) ?? line
        return header.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t")).replacingOccurrences(of: "\"", with: "")
    }

    private static func keyName(_ line: String) -> String? {
        guard line.contains("=") else { return nil }
        return line.split(separator: "=", maxSplits: 1).first?
            .trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "")
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
        return "\(location): \(Self.visible(message))"
    }

    /// The message with control, bidi and invisible characters (which it may quote from
    /// the file) written as escapes: `"#f6f8f\t"` says what is wrong, a raw ESC would act.
    static func visible(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out.append("\n")
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where TerminalSanitizer.isAllowedOnScreen(scalar) && !(0xE0000...0xE007F).contains(scalar.value):
                out.unicodeScalars.append(scalar)
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }
}
