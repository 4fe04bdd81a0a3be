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

    /// The attachments `arguments` name, in order. When some cannot be attached, nothing
    /// is, and the error names every one of them (not only the first).
    public mutating func load(_ arguments: [String]) throws(AttachmentError) -> [Attachment] {
        var result: [Attachment] = []
        var problems: [AttachmentError] = []
        for argument in arguments {
            do {
                result += try load(argument)
            } catch {
                problems.append(error)
            }
        }
        if problems.count == 1 { throw problems[0] }
        if !problems.isEmpty { throw .several(problems) }
        return result
    }

    private mutating func load(_ argument: String) throws(AttachmentError) -> [Attachment] {
        if argument == "-" {
            return [Attachment(name: "stdin", text: try AttachmentText.decode(readStandardInput(), name: "stdin"))]
        }
        // As written first; then without its escapes (`a\*b.txt` names `a*b.txt`); then,
        // when it holds an unescaped `*`, `?` or `[`, as a pattern.
        var path = argument
        var kind = Self.kind(of: Self.absolute(path))
        if case .problem("no such file or folder") = kind, argument.contains("\\") {
            let unescaped = Self.unescaped(argument)
            let unescapedKind = Self.kind(of: Self.absolute(unescaped))
            if case .problem("no such file or folder") = unescapedKind {} else {
                path = unescaped
                kind = unescapedKind
            }
        }
        switch kind {
        case .folder:
            return try loadFolder(path)
        case .file:
            return [try loadFile(path, name: Self.displayName((path as NSString).lastPathComponent))]
        case .problem(let reason):
            guard reason == "no such file or folder", Self.isPattern(argument) else {
                throw .unreadable(name: Self.displayName(Self.unescaped(argument)), reason: reason)
            }
            return try loadMatches(of: argument)
        }
    }

    /// Whether `path` holds an unescaped shell pattern character (`*`, `?`, `[`).
    static func isPattern(_ path: String) -> Bool {
        var escaped = false
        for character in path {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if "*?[".contains(character) {
                return true
            }
        }
        return false
    }

    /// `path` without its backslash escapes.
    static func unescaped(_ path: String) -> String {
        var result = ""
        var escaped = false
        for character in path {
            if !escaped && character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }

    /// Most directory entries a pattern may look at before it is refused as too broad (a
    /// `/*/*/*/*` would otherwise walk the disk on the UI's thread).
    public var patternEntryLimit = 20_000

    /// A pattern that names no file as written (`/attach src/*.swift`: there is no shell to
    /// expand it): what it matches, in byte order, each attached as if named — a folder's
    /// text files, a file under its path below the pattern's fixed part (`*/README.md`
    /// gives `a/README.md` and `b/README.md`). As in a folder, a match that is not a
    /// readable text file is skipped and listed; hidden names match only a pattern that
    /// starts them with a dot, and `.` and `..` never.
    private mutating func loadMatches(of pattern: String) throws(AttachmentError) -> [Attachment] {
        let shown = Self.displayName(Self.unescaped(pattern))
        guard let expansion = Self.matches(of: pattern, entryLimit: patternEntryLimit) else {
            throw .unreadable(name: shown, reason: "it reaches more than \(Formatting.grouped(patternEntryLimit)) paths: narrow it")
        }
        let matches = expansion.paths
        guard !matches.isEmpty else { throw .unreadable(name: shown, reason: "no file or folder matches it") }
        guard matches.count <= Self.folderFileLimit else {
            throw .unreadable(name: shown, reason: "it matches \(Formatting.grouped(matches.count)) files and folders, more than \(Self.folderFileLimit): narrow it")
        }
        var attachments: [Attachment] = []
        var problems: [String] = []
        for match in matches {
            // One budget for the whole pattern, folders' files included: 450 matched
            // folders of 450 files each are refused, not read.
            guard attachments.count + problems.count < Self.folderFileLimit else {
                throw .unreadable(name: shown, reason: "it brings more than \(Self.folderFileLimit) files: narrow it")
            }
            let below = expansion.base.isEmpty ? match : String(match.dropFirst(expansion.base.count).drop { $0 == "/" })
            do {
                switch Self.kind(of: Self.absolute(match)) {
                case .folder:
                    attachments += try loadFolder(match, named: below.isEmpty ? nil : below)
                case .file:
                    attachments.append(try loadFile(match, name: Self.displayName(below)))
                case .problem(let reason):
                    throw AttachmentError.unreadable(name: Self.displayName(match), reason: reason)
                }
            } catch {
                skipped.append("\(error)")
                problems.append("\(error)")
            }
        }
        guard attachments.count + problems.count <= Self.folderFileLimit else {
            throw .unreadable(name: shown, reason: "it brings more than \(Self.folderFileLimit) files: narrow it")
        }
        guard !attachments.isEmpty else {
            throw .unreadable(name: shown, reason: "nothing it matches is a readable text file ("
                              + problems.prefix(3).joined(separator: "; ") + (problems.count > 3 ? "; …" : "") + ")")
        }
        return attachments
    }

    /// The paths `pattern` matches, one path component at a time — each folder's entries
    /// matched with fnmatch(3) (`FNM_PERIOD`), `.` and `..` never —, sorted by bytes, and
    /// `base`, the pattern's leading part without pattern characters. Nil when it looks at
    /// more than `entryLimit` entries.
    static func matches(of pattern: String, entryLimit: Int) -> (paths: [String], base: String)? {
        let expanded = Paths.expandingTilde(pattern)
        let rooted = expanded.hasPrefix("/")
        let components = expanded.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { return ([], "") }
        func join(_ base: String, _ name: String) -> String { base.isEmpty ? name : base == "/" ? "/" + name : base + "/" + name }
        var paths = [rooted ? "/" : ""]
        var base = rooted ? "/" : ""
        var fixed = true
        var looked = 0
        for (index, component) in components.enumerated() {
            var next: [String] = []
            if !isPattern(component) {
                let name = unescaped(component)
                for path in paths {
                    let candidate = join(path, name)
                    if case .problem = kind(of: absolute(candidate)) { continue }
                    next.append(candidate)
                }
                if fixed { base = join(base, name) }
            } else {
                fixed = false
                for path in paths {
                    guard let folder = opendir(path.isEmpty ? "." : path) else { continue }
                    defer { closedir(folder) }
                    while let entry = readdir(folder) {
                        looked += 1
                        if looked > entryLimit { return nil }
                        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                        guard name != ".", name != "..", fnmatch(component, name, FNM_PERIOD) == 0 else { continue }
                        next.append(join(path, name))
                    }
                }
            }
            if index < components.count - 1 {
                next = next.filter { if case .folder = kind(of: absolute($0)) { true } else { false } }
            }
            paths = next.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            if paths.isEmpty { break }
        }
        return (paths, base)
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

    /// A folder's text files, named `base/relative` (`base`: the folder's own name unless
    /// given — a pattern's match names it below the pattern's fixed part).
    private mutating func loadFolder(_ path: String, named given: String? = nil) throws(AttachmentError) -> [Attachment] {
        let root = Self.absolute(path)
        let base = given ?? (root as NSString).lastPathComponent
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
        // `$HOME`, as the shell does: Foundation's own expansion reads the password file.
        let expanded = Paths.expandingTilde(path)
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
