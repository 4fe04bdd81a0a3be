import ChatCore
import Foundation

/// Reads what `ask -f` and the TUI's `/attach` and `@path` name into attachments: files as
/// given, folders expanded to their text files in sorted path order, a pattern that names
/// no file as written expanded to what it matches, `-` as standard input. The decoding
/// rules are `AttachmentText`'s; this type only does the I/O.
///
/// A folder skips hidden entries (a name starting with "."), paths git ignores when the
/// folder is inside a git work tree (`git ls-files --cached --others --exclude-standard`),
/// and files that are not text (reported in `skipped`). A file named directly that is not
/// text is an error naming it.
public struct AttachmentLoader {
    /// Files over this size are refused before they are read (far past any context window).
    public static let byteLimit = 64 << 20
    /// Files a folder may bring at most (an `/attach ~` must not walk the disk).
    public static let folderFileLimit = 500

    /// Files over this size are refused before they are read; the TUI sets it from the
    /// model's context window (no text holds more than 32 bytes per token on average).
    public var byteLimit = AttachmentLoader.byteLimit
    /// Why `byteLimit` is what it is, for the refusal ("more than a 131,072-token context").
    public var byteLimitReason: String?

    public var readStandardInput: () -> Data
    public var fileManager: FileManager
    /// Files of a folder left out because they are not text: "name: reason".
    public private(set) var skipped: [String] = []

    public init(readStandardInput: @escaping () -> Data = { FileHandle.standardInput.readDataToEndOfFile() },
                fileManager: FileManager = .default) {
        self.readStandardInput = readStandardInput
        self.fileManager = fileManager
    }

    /// The attachments `arguments` name, in order.
    public mutating func load(_ arguments: [String]) throws(AttachmentError) -> [Attachment] {
        var result: [Attachment] = []
        for argument in arguments {
            if argument == "-" {
                result.append(Attachment(name: "stdin", text: try AttachmentText.decode(readStandardInput(), name: "stdin")))
                continue
            }
            let name = Self.displayName((argument as NSString).lastPathComponent)
            switch Self.kind(of: Self.absolute(argument)) {
            case .folder:
                result += try loadFolder(argument)
            case .file:
                result.append(try loadFile(argument, name: name))
            case .problem(let reason):
                if reason == "no such file or folder", Self.isPattern(argument) {
                    result += try loadMatches(of: argument)
                } else {
                    throw .unreadable(name: Self.displayName(argument), reason: reason)
                }
            }
        }
        return result
    }

    /// Whether `path` holds a shell pattern (`*`, `?`, `[...]`).
    static func isPattern(_ path: String) -> Bool { path.contains { "*?[".contains($0) } }

    /// A pattern that names no file as written (`/attach src/*.swift`: there is no shell to
    /// expand it): what it matches, in byte order, each attached as if named — a folder's
    /// text files, a file under its own name. As in a folder, a match that is not a
    /// readable text file is skipped and listed; hidden names match only a pattern that
    /// starts them with a dot.
    private mutating func loadMatches(of pattern: String) throws(AttachmentError) -> [Attachment] {
        let matches = Self.matches(of: pattern)
        guard !matches.isEmpty else { throw .unreadable(name: Self.displayName(pattern), reason: "no file or folder matches it") }
        guard matches.count <= Self.folderFileLimit else {
            throw .unreadable(name: Self.displayName(pattern),
                              reason: "it matches \(Formatting.grouped(matches.count)) files and folders, more than \(Self.folderFileLimit): narrow it")
        }
        var attachments: [Attachment] = []
        for match in matches {
            do {
                switch Self.kind(of: Self.absolute(match)) {
                case .folder: attachments += try loadFolder(match)
                case .file: attachments.append(try loadFile(match, name: Self.displayName((match as NSString).lastPathComponent)))
                case .problem(let reason): throw AttachmentError.unreadable(name: Self.displayName(match), reason: reason)
                }
            } catch {
                skipped.append("\(error)")
            }
        }
        guard !attachments.isEmpty else {
            throw .unreadable(name: Self.displayName(pattern), reason: "nothing it matches is a readable text file")
        }
        return attachments
    }

    /// The paths `pattern` matches (glob(3), after `~`), sorted by bytes; none when it
    /// matches nothing or cannot be read.
    static func matches(of pattern: String) -> [String] {
        var found = glob_t()
        defer { globfree(&found) }
        guard glob((pattern as NSString).expandingTildeInPath, 0, nil, &found) == 0 else { return [] }
        let paths = (0..<Int(found.gl_pathc)).compactMap { found.gl_pathv[$0].map { String(cString: $0) } }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// One file, read and decoded.
    public func loadFile(_ path: String, name: String) throws(AttachmentError) -> Attachment {
        let absolute = Self.absolute(path)
        if case .problem(let reason) = Self.kind(of: absolute) { throw .unreadable(name: name, reason: reason) }
        if let size = (try? fileManager.attributesOfItem(atPath: absolute))?[.size] as? Int, size > byteLimit {
            throw .unreadable(name: name, reason: "\(Formatting.grouped(size)) bytes, "
                              + (byteLimitReason ?? "over the \(byteLimit >> 20) MiB limit"))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: absolute))
        } catch {
            throw .unreadable(name: name, reason: Self.reason(error))
        }
        return Attachment(name: name, text: try AttachmentText.decode(data, name: name), path: absolute)
    }

    private mutating func loadFolder(_ path: String) throws(AttachmentError) -> [Attachment] {
        let root = Self.absolute(path)
        let base = (root as NSString).lastPathComponent
        var attachments: [Attachment] = []
        guard let candidates = Self.textCandidates(in: root, fileManager: fileManager, limit: Self.folderFileLimit) else {
            throw .unreadable(name: Self.displayName(path), reason: "more than \(Self.folderFileLimit) files: name a narrower folder, or the files")
        }
        for relative in candidates {
            let name = Self.displayName(base + "/" + relative)
            do {
                attachments.append(try loadFile(root + "/" + relative, name: name))
            } catch {
                // One file that cannot be attached does not stop the rest of the folder.
                skipped.append("\(error)")
            }
        }
        guard !attachments.isEmpty else {
            if access(root, R_OK | X_OK) != 0 { throw .unreadable(name: Self.displayName(path), reason: "permission denied") }
            throw .emptyFolder(name: Self.displayName(path))
        }
        return attachments
    }

    /// Relative paths of the regular files under `root`, hidden and git-ignored ones left
    /// out, sorted by their UTF-8 bytes (the same order on every machine).
    static func textCandidates(in root: String, fileManager: FileManager, limit: Int = .max) -> [String]? {
        var paths: [String] = []
        if let enumerator = fileManager.enumerator(atPath: root) {
            while let relative = enumerator.nextObject() as? String {
                // Hidden and ignored files are filtered later; walking stops well past the limit.
                if paths.count > limit * 4 { return nil }
                let last = (relative as NSString).lastPathComponent
                if last.hasPrefix(".") {
                    enumerator.skipDescendants()
                    continue
                }
                var isFolder: ObjCBool = false
                if fileManager.fileExists(atPath: root + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue {
                    paths.append(relative)
                }
            }
        }
        if let kept = gitVisibleFiles(in: root) { paths = paths.filter { kept.contains($0) } }
        if paths.count > limit { return nil }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The files git does not ignore under `root` (relative to it), or nil when `root` is
    /// not inside a git work tree (or git is not installed).
    static func gitVisibleFiles(in root: String) -> Set<String>? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Set(data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
    }

    /// Each attachment's text hash as the file holds it now; nil when it has no path (standard
    /// input, which cannot change under us) is reported as unchanged.
    public func currentHashes(of attachments: [Attachment]) -> [String?] {
        attachments.map { attachment in
            guard let path = attachment.path else { return attachment.hash }
            return (try? loadFile(path, name: attachment.name)).map(\.hash)
        }
    }

    /// The absolute path, `.` and `..` removed by their names alone: symbolic links are
    /// left for the file system to follow (Foundation's `standardizingPath` resolves a
    /// link's relative target against the working folder, not the link's own).
    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
        var parts: [Substring] = []
        for part in full.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    enum Kind: Equatable { case file, folder, problem(String) }

    /// What is at `path` (following links), or why it cannot be attached.
    static func kind(of path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ENOENT, ENOTDIR: return .problem("no such file or folder")
            case ELOOP: return .problem("a loop of symbolic links")
            case EACCES: return .problem("permission denied")
            default: return .problem(String(cString: strerror(errno)).lowercased())
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: return .file
        default: return .problem("not a regular file (a pipe, device or socket)")
        }
    }

    /// A file name as it can be shown and sent: control characters, bidirectional
    /// controls and invisible characters written as visible escapes (`\u{1B}`), so a
    /// name cannot move the cursor, reorder the line or pass for another name.
    public static func displayName(_ name: String) -> String {
        guard name.unicodeScalars.contains(where: isHidden) else { return name }
        var out = ""
        for scalar in name.unicodeScalars {
            if isHidden(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: true
        default: false
        }
    }

    static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain, let message = strerror(Int32(code)) {
            return String(cString: message).lowercased()
        }
        return (error as NSError).localizedDescription
    }
}
