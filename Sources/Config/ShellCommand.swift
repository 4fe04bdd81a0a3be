import Foundation

/// Runs a user-configured command (such as `api_key_command`) through `/bin/sh -c`.
public enum ShellCommand {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The most of its output read: one line of a key never needs more.
    public static let maxOutput = 4 * 1024

    /// The first line of the command's standard output, read within `timeout` seconds and
    /// at most `maxOutput` bytes: a command that hangs, floods its output or leaves a child
    /// holding stdout cannot hang cachechat. Its standard error goes to ours, so a password
    /// manager can still prompt. A command still running once its line arrived is stopped.
    public static func firstLine(_ command: String, timeout: Double = 10) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not start /bin/sh: \(error.localizedDescription)")
        }
        let descriptor = output.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        var buffer: [UInt8] = []
        var line: [UInt8]?
        reading: while line == nil {
            if let newline = buffer.firstIndex(of: 0x0A) {
                line = Array(buffer[..<newline])
                break
            }
            guard buffer.count < maxOutput else {
                process.terminate()
                throw Failure(description: "it printed more than \(maxOutput / 1024) KiB without a line break; it must print the key on one line")
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                process.terminate()
                throw Failure(description: "it printed no key within \(formatted(timeout)) s (`api_key_command_timeout` in config.toml sets the limit)")
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: maxOutput - buffer.count)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                line = buffer  // end of output: what came is the line
                break reading
            }
            buffer += chunk[..<count]
        }
        while process.isRunning && deadline.timeIntervalSinceNow > 0 { usleep(2_000) }
        if process.isRunning {
            // The key arrived; whatever the command does next is not our business.
            process.terminate()
        } else if process.terminationStatus != 0 {
            throw Failure(description: "it exited with status \(process.terminationStatus)")
        }
        var text = String(decoding: line ?? [], as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    static func formatted(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
