import Foundation
import TerminalUI

/// A private tmux server (its own `-L` socket) running `curses-demo` inside a small shell
/// script that prints markers before and after it, and records whether the tty modes
/// (`stty -g`) and bracketed paste came back as they were.
final class TmuxSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let socket = "cc-curses-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let directory: URL
    var pidFile: URL { directory.appendingPathComponent("demo.pid") }

    init(arguments: [String] = [], width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("run.sh")
        // After the demo: its status, whether termios is what it was, and one line read
        // from the terminal so a test can paste into it and see if bracketed paste is off.
        try """
        echo BEFORE-DEMO
        before=$(stty -g)
        "$@"
        status=$?
        if [ "$before" = "$(stty -g)" ]; then tty=same; else tty=changed; fi
        echo "AFTER-DEMO status=$status tty=$tty"
        IFS= read -r line
        case "$line" in *"$(printf '\\033')"*) echo PASTE-BRACKETED ;; *) echo "PASTE-PLAIN $line" ;; esac
        exec sleep 600
        """.write(to: script, atomically: true, encoding: .utf8)
        let demo = try Self.demoBinary()
        var env = ["LC_ALL": "C.UTF-8", "SWIFT_BACKTRACE": "interactive=no,color=no"]
        env.merge(environment) { $1 }
        let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted($0.value))" }
        let command = (["env"] + assignments + ["sh", script.path, demo.path, "--pid-file", pidFile.path] + arguments)
            .map { $0.contains("=") ? $0 : Self.quoted($0) }.joined(separator: " ")
        try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", "demo", command])
        serverPID = pid_t(try tmux(["display-message", "-p", "#{pid}"]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The tmux server, killed outright if `kill-server` leaves it behind (tmux 3.3a does,
    /// now and then, on this machine).
    private var serverPID: pid_t?

    deinit {
        _ = try? tmux(["kill-server"])
        if let serverPID, serverPID > 1 {
            for _ in 0..<4 where kill(serverPID, 0) == 0 { Thread.sleep(forTimeInterval: 0.05) }
            if kill(serverPID, 0) == 0 { kill(serverPID, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs tmux against this session's server; returns stdout.
    ///
    /// Spawned with posix_spawn rather than Foundation's Process: `new-session` forks the
    /// tmux server, which inherits the descriptor Process watches for the child's exit,
    /// so `waitUntilExit()` would wait for the server to die.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let output = directory.appendingPathComponent("tmux-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let argv = ["/usr/bin/tmux", "-u", "-L", socket, "-f", "/dev/null"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        environment.removeValue(forKey: "TMUX")
        let status = try Self.spawnAndWait(argv, environment: environment, outputPath: output.path)
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }

    /// Runs a program with stdin from /dev/null and stdout+stderr into `outputPath`;
    /// returns its exit status.
    static func spawnAndWait(_ argv: [String], environment: [String: String], outputPath: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let error = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
        guard error == 0 else { throw Failure(description: "cannot run \(argv[0]): errno \(error)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid failed: errno \(errno)") }
        }
        // WIFEXITED / WEXITSTATUS are macros.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// The visible screen, one string per row (tmux drops trailing blanks); with
    /// `history`, preceded by the lines that scrolled off the normal screen.
    func screen(history: Bool = false) throws -> [String] {
        let text = try tmux(["capture-pane", "-p", "-t", "demo"] + (history ? ["-S", "-"] : []))
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    func display(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "demo", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "demo"] + keys) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "demo", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Pastes `text` the way a terminal would (bracketed if the program asked for it).
    func paste(_ text: String) throws {
        try tmux(["set-buffer", "-b", "test", text])
        try tmux(["paste-buffer", "-p", "-b", "test", "-t", "demo"])
    }

    /// Polls the screen until `condition` holds; throws with the last screen otherwise.
    @discardableResult
    func waitForScreen(_ what: String, timeout: Double = 15, history: Bool = false,
                       _ condition: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String] = []
        while Date() < deadline {
            last = try screen(history: history)
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "timed out waiting for \(what); screen:\n" + last.joined(separator: "\n"))
    }

    /// The demo's pid, from the file it writes once the screen is up.
    func demoPID(timeout: Double = 15) throws -> pid_t {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: pidFile, encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "curses-demo never wrote \(pidFile.path)")
    }

    /// `curses-demo`, built next to the test bundle (walking up from the test binary).
    static func demoBinary() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("curses-demo")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw Failure(description: "curses-demo not found near \(CommandLine.arguments[0]); build it (swift build --product curses-demo)")
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// Expected rows of the demo's bordered screen.
enum Frame {
    /// A row of the box: `│`, `content` padded with blanks to the inner width, `│`.
    static func row(_ content: String, width: Int) -> String {
        let pad = width - 2 - DisplayWidth.of(content)
        return "│" + content + String(repeating: " ", count: max(0, pad)) + "│"
    }

    static func displayWidth(_ line: String) -> Int { DisplayWidth.of(line) }
}
