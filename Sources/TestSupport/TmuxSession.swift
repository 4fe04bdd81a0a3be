import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program (normally the real `cachechat` TUI) in a private tmux server — its own `-L`
/// socket — at a fixed size: the one tmux driver of the test suites.
///
/// The program runs under a small shell script that prints `BEFORE-PROGRAM`, records the
/// program's pid, compares the tty modes (`stty -g`) before and after it, prints
/// `AFTER-PROGRAM status=N tty=same|changed` (also written to `afterFile`), then reads one
/// line and says whether it arrived bracketed (`PASTE-BRACKETED`) or not
/// (`PASTE-PLAIN text`): a test can check what a person would see and that the terminal
/// was given back intact.
///
/// Tests wait for screen states (`waitForScreen`), never for time: a key that depends on
/// the previous one being handled (Esc, then another key) is sent once the screen shows it.
public final class TmuxSession {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    public let socket = "cc-tmux-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    public let directory: URL
    public var pidFile: URL { directory.appendingPathComponent("program.pid") }
    public var afterFile: URL { directory.appendingPathComponent("after") }
    private var serverPID: pid_t?

    /// Runs `cachechat ARGUMENTS` with `environment` merged over a UTF-8 locale, TERM and a
    /// non-interactive Swift backtracer, in a `width`×`height` pane.
    public convenience init(arguments: [String], environment: [String: String], width: Int = 120, height: Int = 40) throws {
        try self.init(program: CachechatProcess.binary, arguments: arguments, environment: environment, width: width, height: height)
    }

    /// Runs `program ARGUMENTS` with nothing but `environment` (merged over the defaults).
    public init(program: URL, arguments: [String], environment: [String: String], width: Int = 120, height: Int = 40) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("run.sh")
        try """
        echo BEFORE-PROGRAM
        before=$(stty -g)
        sh -c 'echo $$ > "$0"; exec "$@"' "\(pidFile.path)" "$@"
        status=$?
        if [ "$before" = "$(stty -g)" ]; then tty=same; else tty=changed; fi
        echo "status=$status tty=$tty" > "\(afterFile.path)"
        echo "AFTER-PROGRAM status=$status tty=$tty"
        IFS= read -r line
        case "$line" in *"$(printf '\\033')"*) echo PASTE-BRACKETED ;; *) echo "PASTE-PLAIN $line" ;; esac
        exec sleep 600
        """.write(to: script, atomically: true, encoding: .utf8)
        var env = ["LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TERM": "xterm-256color", "SWIFT_BACKTRACE": "interactive=no,color=no"]
        env.merge(environment) { $1 }
        let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted($0.value))" }
        let command = (["env", "-i"] + assignments + ["sh", Self.quoted(script.path), Self.quoted(program.path)]
            + arguments.map(Self.quoted)).joined(separator: " ")
        try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", "main", command])
        serverPID = pid_t(try tmux(["display-message", "-p", "#{pid}"]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    deinit {
        _ = try? tmux(["kill-server"])
        // tmux 3.3a servers can outlive kill-server now and then: kill the process too.
        if let serverPID, serverPID > 1, kill(serverPID, 0) == 0 { kill(serverPID, SIGKILL) }
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

    /// The visible screen, one string per row; with `history`, preceded by what scrolled off.
    public func screen(history: Bool = false) throws -> [String] {
        var lines = try tmux(["capture-pane", "-p", "-t", "main"] + (history ? ["-S", "-2000"] : []))
            .components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The visible screen as one string.
    public func capture() throws -> String { try screen().joined(separator: "\n") }

    /// Everything the pane showed, scrollback included (crash output lands there).
    public func history() throws -> String { try screen(history: true).joined(separator: "\n") }

    /// A tmux format value for the pane, e.g. `#{alternate_on}` or `#{cursor_flag}`.
    public func display(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "main", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Keys in tmux's notation (`Enter`, `Escape`, `C-n`, `Up`, `F1`).
    public func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "main"] + keys) }

    /// Text typed as it is (no key-name lookup).
    public func type(_ text: String) throws { try tmux(["send-keys", "-t", "main", "-l", text]) }

    /// Text typed, then Enter.
    public func enter(_ text: String) throws {
        try type(text)
        try send("Enter")
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "main", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Pastes `text` the way a terminal would (bracketed if the program asked for it).
    public func paste(_ text: String) throws {
        try tmux(["set-buffer", "-b", "test", text])
        try tmux(["paste-buffer", "-p", "-b", "test", "-t", "main"])
    }

    /// Sends Esc and waits until the screen shows it was handled: Esc and a key sent at
    /// once read as Alt-key, so the next key must wait for this.
    @discardableResult
    public func escape(until what: String, _ condition: ([String]) -> Bool) throws -> [String] {
        try send("Escape")
        return try waitForScreen(what, condition)
    }

    /// Polls the screen until `condition` holds; throws with the last screen otherwise.
    /// The timeout only turns a hang into a failure: conditions are screen states.
    @discardableResult
    public func waitForScreen(_ what: String, timeout: Double = 60, history: Bool = false,
                              _ condition: ([String]) -> Bool) throws -> [String] {
        var last: [String] = []
        if let shown = try Poll.until(timeout: timeout, { () throws -> [String]? in
            last = try screen(history: history)
            return condition(last) ? last : nil
        }) { return shown }
        throw Failure(description: "timed out waiting for \(what); screen:\n" + last.joined(separator: "\n"))
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 60) throws -> [String] {
        try waitForScreen("“\(text)”", timeout: timeout) { $0.contains { $0.contains(text) } }
    }

    /// The program's pid, from the file the wrapper writes before exec.
    public func programPID(timeout: Double = 60) throws -> pid_t {
        let pid = Poll.until(timeout: timeout) { () -> pid_t? in
            (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        if let pid { return pid }
        throw Failure(description: "the program never started (no \(pidFile.path))")
    }

    /// Waits for the program to end: its status and whether the tty modes came back.
    public func waitForExit(timeout: Double = 60) throws -> (status: Int, ttySame: Bool) {
        let after = Poll.until(timeout: timeout) { () -> String? in
            (try? String(contentsOf: afterFile, encoding: .utf8)).flatMap { $0.hasSuffix("\n") ? $0 : nil }
        }
        if let text = after {
            let fields = Dictionary(uniqueKeysWithValues: text.split(whereSeparator: \.isWhitespace).compactMap { field -> (String, String)? in
                let parts = field.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            })
            return (Int(fields["status"] ?? "") ?? -1, fields["tty"] == "same")
        }
        throw Failure(description: "the program did not exit; screen:\n" + ((try? screen()) ?? []).joined(separator: "\n"))
    }

    public static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
