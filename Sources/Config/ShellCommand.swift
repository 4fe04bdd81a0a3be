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
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw Failure(description: "could not create a pipe") }
        // Close-on-exec: the child gets its end as stdin/stdout only, so our closing the
        // other end is an end of file it sees.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let descriptor = ends[0]
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(["/bin/sh", "-c", command], stdout: ends[1])
        } catch {
            close(ends[0])
            close(ends[1])
            throw Failure(description: "\(error)")
        }
        close(ends[1])
        // Closing our end makes any part of the command still writing (a flood, a child
        // of a pipeline) stop with EPIPE instead of waiting on a full pipe for ever.
        defer { close(descriptor) }
        var exitStatus: Int32?
        let deadline = Date().addingTimeInterval(timeout)
        var buffer: [UInt8] = []
        var line: [UInt8]?
        reading: while line == nil {
            if let newline = buffer.firstIndex(of: 0x0A) {
                line = Array(buffer[..<newline])
                break
            }
            guard buffer.count < maxOutput else {
                ChildProcess.terminate(pid)
                throw Failure(description: "it printed more than \(maxOutput / 1024) KiB without a line break; it must print the key on one line")
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                ChildProcess.terminate(pid)
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
        while exitStatus == nil && deadline.timeIntervalSinceNow > 0 {
            exitStatus = ChildProcess.poll(pid)
            if exitStatus == nil { usleep(2_000) }
        }
        if let exitStatus {
            if exitStatus != 0 { throw Failure(description: "it exited with status \(exitStatus)") }
        } else {
            // The key arrived; whatever the command does next is not our business.
            ChildProcess.terminate(pid)
        }
        var text = String(decoding: line ?? [], as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    static func formatted(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
