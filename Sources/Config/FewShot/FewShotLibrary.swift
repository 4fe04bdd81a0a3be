import ChatCore
import Foundation

/// The user's few-shot sets: `$XDG_CONFIG_HOME/cachechat/fewshot/NAME.toml`, and every
/// version that was saved or used, by content version, under
/// `$XDG_DATA_HOME/cachechat/fewshot-versions/NAME/VERSION.toml` — so a conversation
/// started with an older version keeps its exact prefix until it is moved to the new one.
public struct FewShotLibrary: Sendable {
    public let directory: String
    public let versionsDirectory: String

    public init(directory: String, versionsDirectory: String) {
        self.directory = directory
        self.versionsDirectory = versionsDirectory
    }

    public init(environment: [String: String]) {
        self.init(directory: Paths.configDirectory(environment: environment) + "/fewshot",
                  versionsDirectory: Paths.dataDirectory(environment: environment) + "/fewshot-versions")
    }

    /// nil when `name` can be a set's file name; otherwise why not.
    public static func nameProblem(_ name: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        if name.isEmpty { return "a set name cannot be empty" }
        if name.count > 64 { return "a set name has at most 64 characters" }
        if name.first == "." || name.first == "-" { return "a set name cannot start with `.` or `-`" }
        if let bad = name.first(where: { !allowed.contains($0) }) {
            return "`\(bad)` cannot be in a set name (use letters, digits, `-`, `_` and `.`)"
        }
        return nil
    }

    public func path(of name: String) -> String { directory + "/" + name + ".toml" }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(of: name)) }

    /// Names of the sets in the directory, sorted.
    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".toml") && !$0.hasPrefix(".") }
            .map { String($0.dropLast(5)) }
            .filter { Self.nameProblem($0) == nil }
            .sorted()
    }

    public func load(_ name: String) throws(FileProblem) -> FewShotSet {
        try FewShotFile.load(path: path(of: name), name: name)
    }

    /// Writes the set atomically (a temporary file renamed over the old one) and archives
    /// both the version it replaces and the new one. Returns the path.
    @discardableResult
    public func save(_ set: FewShotSet) throws(FileProblem) -> String {
        let target = path(of: set.name)
        if let problem = Self.nameProblem(set.name) { throw FileProblem(path: target, line: nil, column: nil, message: problem) }
        if let old = try? load(set.name), old.contentVersion != set.contentVersion { try? archive(old) }
        try AtomicFile.write(FewShotFile.toml(set), to: target)
        try? archive(set)
        return target
    }

    /// Copies a set file as it is (comments and layout kept) after checking that it parses.
    @discardableResult
    public func install(file path: String, name: String) throws(FileProblem) -> FewShotSet {
        let set = try FewShotFile.load(path: path, name: name)
        let text = try TOMLFile.load(path).text
        try AtomicFile.write(text, to: self.path(of: name))
        try? archive(set)
        return set
    }

    /// Removes a set's file. Its archived versions stay, so conversations that use it keep
    /// their exact prefix.
    public func delete(_ name: String) throws(FileProblem) {
        let target = path(of: name)
        guard exists(name) else { throw FileProblem(path: target, line: nil, column: nil, message: "there is no set named `\(name)`") }
        if let set = try? load(name) { try? archive(set) }
        do {
            try FileManager.default.removeItem(atPath: target)
        } catch {
            throw FileProblem(path: target, line: nil, column: nil, message: "cannot be removed: \(error.localizedDescription)")
        }
    }

    /// Saves the set under a new name and removes the old file.
    @discardableResult
    public func rename(_ name: String, to newName: String) throws(FileProblem) -> FewShotSet {
        if let problem = Self.nameProblem(newName) { throw FileProblem(path: path(of: newName), line: nil, column: nil, message: problem) }
        guard !exists(newName) else {
            throw FileProblem(path: path(of: newName), line: nil, column: nil, message: "a set named `\(newName)` already exists")
        }
        var set = try load(name)
        set.name = newName
        try save(set)
        try delete(name)
        return set
    }

    /// Keeps a copy of this version (once per content version).
    public func archive(_ set: FewShotSet) throws(FileProblem) {
        let target = archivePath(name: set.name, version: set.contentVersion)
        guard !FileManager.default.fileExists(atPath: target) else { return }
        try AtomicFile.write(FewShotFile.toml(set), to: target)
    }

    /// A version of a set as it was saved or used, if it was archived.
    public func archivedVersion(name: String, version: String) -> FewShotSet? {
        try? FewShotFile.load(path: archivePath(name: name, version: version), name: name)
    }

    func archivePath(name: String, version: String) -> String {
        versionsDirectory + "/" + name + "/" + version + ".toml"
    }
}

/// Write-then-rename, so a reader never sees half a file and a crash leaves the old one.
enum AtomicFile {
    static func write(_ text: String, to path: String) throws(FileProblem) {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
                throw FileProblem(path: path, line: nil, column: nil, message: "cannot be written (check that \(folder) is writable)")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else {
                throw FileProblem(path: path, line: nil, column: nil, message: "cannot be replaced: \(String(cString: strerror(errno)))")
            }
        } catch let problem as FileProblem {
            try? FileManager.default.removeItem(atPath: temporary)
            throw problem
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw FileProblem(path: path, line: nil, column: nil, message: "cannot be written: \(error.localizedDescription)")
        }
    }
}
