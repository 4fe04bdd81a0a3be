import Foundation

/// Ctrl-X Ctrl-E: the draft in the user's editor, as readline and bash do it. The draft is
/// written to a private temporary file, the terminal handed to `command` (run by
/// `/bin/sh` with the path as `$1`, on the controlling terminal), and the file read back.
/// A non-zero exit or an empty file leaves the draft as it was.
enum ExternalEditor {
    static func edit(_ text: String, command: String, device: TerminalDevice) -> (String?, problem: String?) {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(directory)/cachechat-draft-XXXXXX.md".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 3) }
        guard descriptor >= 0 else {
            return (nil, "Could not create a file for the editor in \(directory): \(String(cString: strerror(errno))).")
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        handle.write(Data(text.utf8))
        try? handle.close()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " \"$1\"", "sh", path]
        // The editor talks to the terminal itself, not to our pipes.
        if let tty = FileHandle(forUpdatingAtPath: "/dev/tty") {
            process.standardInput = tty
            process.standardOutput = tty
            process.standardError = tty
        }
        device.suspend()
        defer { device.resume() }
        do {
            try process.run()
        } catch {
            return (nil, "Could not run the editor `\(command)`: \(error.localizedDescription).")
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            return (nil, "The editor `\(command)` exited with status \(process.terminationStatus): the draft is unchanged.")
        }
        guard let data = FileManager.default.contents(atPath: path), var edited = String(data: data, encoding: .utf8) else {
            return (nil, "The editor's file could not be read back as UTF-8: the draft is unchanged.")
        }
        // Editors end the file with a newline; the draft did not have one.
        if edited.hasSuffix("\n") && !text.hasSuffix("\n") { edited.removeLast() }
        guard !edited.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return (nil, "The editor left the file empty: the draft is unchanged.")
        }
        return (edited, nil)
    }
}
