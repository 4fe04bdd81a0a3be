import Config
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

        // The editor talks to the terminal itself, in the foreground, with default signals.
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        defer { if tty >= 0 { close(tty) } }
        let io: Int32? = tty >= 0 ? tty : nil
        device.suspend()
        defer { device.resume() }
        let status: Int32
        do {
            let pid = try ChildProcess.spawn(["/bin/sh", "-c", command + " \"$1\"", "sh", path], stdin: io, stdout: io, stderr: io)
            status = ChildProcess.wait(pid)
        } catch {
            return (nil, "Could not run the editor `\(command)`: \(error).")
        }
        guard status == 0 else {
            let why = status == 127 ? " (not found: set $VISUAL or $EDITOR)" : status > 128 ? " (ended by signal \(status - 128))" : ""
            return (nil, "The editor `\(command)` exited with status \(status)\(why): the draft is unchanged.")
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
