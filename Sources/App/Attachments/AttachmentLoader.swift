import ChatCore
import Foundation

/// Reads what `ask -f` (and, later, the TUI's `/attach`) names into attachments: files as
/// given, folders expanded to their text files in sorted path order, `-` as standard
/// input. The decoding rules are `AttachmentText`'s; this type only does the I/O.
///
/// A folder skips hidden entries (a name starting with "."), paths git ignores when the
/// folder is inside a git work tree (`git ls-files --cached --others --exclude-standard`),
/// and files that are not text (reported in `skipped`). A file named directly that is not
/// text is an error naming it.
public struct AttachmentLoader {
    /// Files over this size are refused before they are read (far past any context window).
    public static let byteLimit = 64 << 20

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
            var isFolder: ObjCBool = false
            guard fileManager.fileExists(atPath: argument, isDirectory: &isFolder) else {
                throw .unreadable(name: argument, reason: "no such file or folder")
            }
            if isFolder.boolValue {
                result += try loadFolder(argument)
            } else {
                result.append(try loadFile(argument, name: (argument as NSString).lastPathComponent))
            }
        }
        return result
    }

    /// One file, read and decoded.
    public func loadFile(_ path: String, name: String) throws(AttachmentError) -> Attachment {
        let absolute = Self.absolute(path)
        if let size = (try? fileManager.attributesOfItem(atPath: absolute))?[.size] as? Int, size > Self.byteLimit {
            throw .unreadable(name: name, reason: "\(Formatting.grouped(size)) bytes, over the \(Self.byteLimit >> 20) MiB limit")
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
        for relative in Self.textCandidates(in: root, fileManager: fileManager) {
            let name = base + "/" + relative
            do {
                attachments.append(try loadFile(root + "/" + relative, name: name))
            } catch {
                switch error {
                case .binary, .notUTF8: skipped.append("\(name): \(error)")
                default: throw error
                }
            }
        }
        guard !attachments.isEmpty else { throw .emptyFolder(name: path) }
        return attachments
    }

    /// Relative paths of the regular files under `root`, hidden and git-ignored ones left
    /// out, sorted by their UTF-8 bytes (the same order on every machine).
    static func textCandidates(in root: String, fileManager: FileManager) -> [String] {
        var paths: [String] = []
        if let enumerator = fileManager.enumerator(atPath: root) {
            while let relative = enumerator.nextObject() as? String {
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

    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
        return (full as NSString).standardizingPath
    }

    static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain, let message = strerror(Int32(code)) {
            return String(cString: message).lowercased()
        }
        return (error as NSError).localizedDescription
    }
}
