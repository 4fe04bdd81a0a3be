import Foundation

/// The real `cachechat` TUI in a private tmux server (its own `-L` socket), run by a small
/// shell script that records the program's pid, the tty modes (`stty -g`) before and
/// after, and its exit status, so a test can check what a person would see and that the
/// terminal was given back intact.
public final class TmuxSession: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    public let socket = "cc-tui-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    public let directory: URL
    public var pidFile: URL { directory.appendingPathComponent("cachechat.pid") }
    public var afterFile: URL { directory.appendingPathComponent("after") }

    /// Starts `cachechat ARGUMENTS` with `environment` (merged over a UTF-8 locale and a
    /// non-interactive Swift backtracer) in a `width`×`height` pane.
    public init(arguments: [String], environment: [String: String], width: Int = 120, height: Int = 40) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("run.sh")
        try """
        echo BEFORE-CACHECHAT
        before=$(stty -g)
        sh -c 'echo $$ > "$0"; exec "$@"' "\(pidFile.path)" "$@"
        status=$?
        if [ "$before" = "$(stty -g)" ]; then tty=same; else tty=changed; fi
        echo "status=$status tty=$tty" > "\(afterFile.path)"
        echo "AFTER-CACHECHAT status=$status tty=$tty"
        exec sleep 600
        """.write(to: script, atomically: true, encoding: .utf8)
        var env = ["LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TERM": "xterm-256color",
                   "SWIFT_BACKTRACE": "interactive=no,color=no"]
        env.merge(environment) { $1 }
        let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted($0.value))" }
        let command = (["env", "-i"] + assignments + ["sh", Self.quoted(script.path), Self.quoted(CachechatProcess.binary.path)]
            + arguments.map(Self.quoted)).joined(separator: " ")
        try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", "main", command])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs tmux against this session's server; returns stdout.
    @discardableResult
    public func tmux(_ arguments: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        environment.removeValue(forKey: "TMUX")
        let result = try Spawn.run("/usr/bin/tmux", ["-u", "-L", socket, "-f", "/dev/null"] + arguments,
                                   environment: environment, timeout: 30)
        guard result.status == 0 else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// The visible screen, one string per row.
    public func screen() throws -> [String] {
        var lines = try tmux(["capture-pane", "-p", "-t", "main"]).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Everything the pane showed, scrollback included (crash output lands there).
    public func history() throws -> String {
        try tmux(["capture-pane", "-p", "-S", "-2000", "-t", "main"])
    }

    public func display(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "main", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// tmux key names (`Enter`, `Escape`, `C-n`, `Up`).
    public func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "main"] + keys) }

    /// Text typed as it is (no key-name lookup).
    public func type(_ text: String) throws { try tmux(["send-keys", "-t", "main", "-l", text]) }

    /// Polls the screen until `condition` holds; throws with the last screen otherwise.
    @discardableResult
    public func waitForScreen(_ what: String, timeout: Double = 20, _ condition: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String] = []
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "timed out waiting for \(what); screen:\n" + last.joined(separator: "\n"))
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 20) throws -> [String] {
        try waitForScreen("“\(text)”", timeout: timeout) { $0.contains { $0.contains(text) } }
    }

    /// cachechat's pid, from the file the wrapper writes before exec.
    public func programPID(timeout: Double = 15) throws -> pid_t {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: pidFile, encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "cachechat never started (no \(pidFile.path))")
    }

    /// After cachechat ended: `status=N tty=same|changed`, or nil if it still runs.
    public func waitForExit(timeout: Double = 20) throws -> (status: Int, ttySame: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: afterFile, encoding: .utf8), text.hasSuffix("\n") {
                let fields = Dictionary(uniqueKeysWithValues: text.split(whereSeparator: \.isWhitespace).compactMap { field -> (String, String)? in
                    let parts = field.split(separator: "=", maxSplits: 1)
                    return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
                })
                return (Int(fields["status"] ?? "") ?? -1, fields["tty"] == "same")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "cachechat did not exit; screen:\n" + ((try? screen()) ?? []).joined(separator: "\n"))
    }

    public static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
