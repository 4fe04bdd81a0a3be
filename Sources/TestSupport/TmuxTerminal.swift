import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command in a private tmux server (its own `-L` socket) at a fixed size, for
/// end-to-end tests of the real TUI: type with `send`, read the screen with `capture`.
/// The command runs inside `sh`, which afterwards prints `EXITED <status> TTY <same|changed>`
/// (whether `stty -g` is back to what it was), so tests can check terminal restoration.
public final class TmuxTerminal {
    public let socket = "cc-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    public let directory: URL

    public init(command: [String], environment: [String: String], width: Int = 120, height: Int = 40) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("run.sh")
        try """
            before=$(stty -g)
            "$@"
            status=$?
            if [ "$before" = "$(stty -g)" ]; then tty=same; else tty=changed; fi
            echo "EXITED $status TTY $tty"
            exec sleep 600
            """.write(to: script, atomically: true, encoding: .utf8)
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted($0.value))" }
        let line = (["env"] + assignments + ["sh", Self.quoted(script.path)] + command.map(Self.quoted)).joined(separator: " ")
        try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", "main", line])
    }

    deinit {
        // tmux 3.3a servers can outlive kill-server: kill the server's process too.
        let pid = (try? tmux(["display-message", "-p", "#{pid}"]))?.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try? tmux(["kill-server"])
        if let pid, let value = Int32(pid) { kill(value, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Keys in tmux's notation (`Enter`, `Escape`, `C-q`, `F1`) or literal text with `literal: true`.
    public func send(_ keys: String, literal: Bool = false) throws {
        try tmux(["send-keys", "-t", "main"] + (literal ? ["-l", keys] : [keys]))
    }

    /// Types text literally, then presses Enter.
    public func type(_ text: String, enter: Bool = true) throws {
        try send(text, literal: true)
        if enter { try send("Enter") }
    }

    public func capture() throws -> String {
        try tmux(["capture-pane", "-p", "-t", "main"])
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "main", "-x", "\(width)", "-y", "\(height)"])
    }

    /// A tmux format value for the pane, e.g. `#{alternate_on}` or `#{cursor_flag}`.
    public func display(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "main", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the screen until `condition` holds; returns the last capture.
    @discardableResult
    public func wait(timeout: Double = 20, until condition: (String) -> Bool) throws -> String {
        let start = Date()
        var screen = ""
        while Date().timeIntervalSince(start) < timeout {
            screen = try capture()
            if condition(screen) { return screen }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TmuxError(description: "timed out after \(timeout) s; the screen was:\n\(screen)")
    }

    public func wait(for text: String, timeout: Double = 20) throws -> String {
        try wait(timeout: timeout) { $0.contains(text) }
    }

    /// Runs tmux against this server and returns its output.
    ///
    /// posix_spawn + waitpid, not Foundation's `Process`: `new-session` forks the tmux
    /// server, which inherits descriptors `Process` waits on, so `waitUntilExit` never returns.
    @discardableResult
    public func tmux(_ arguments: [String]) throws -> String {
        let output = directory.appendingPathComponent("tmux-\(UUID().uuidString).out")
        let argv = ["/usr/bin/env", "LC_ALL=C.UTF-8", "tmux", "-u", "-L", socket, "-f", "/dev/null"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TMUX")
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(argv) { cargv in
            withCStrings(envp) { cenvp in posix_spawn(&pid, "/usr/bin/env", &actions, nil, cargv, cenvp) }
        }
        guard status == 0 else { throw TmuxError(description: "cannot start tmux: errno \(status)") }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: output)
        guard exitStatus == 0 else {
            throw TmuxError(description: "tmux \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    private func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

public struct TmuxError: Error, CustomStringConvertible {
    public let description: String
}
