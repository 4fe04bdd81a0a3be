import Config
import Foundation

/// How `/copy` (and `c`/`b` in the message focus) reaches a clipboard.
public enum ClipboardMethod: String, CaseIterable, Sendable {
    /// The fittest available, in this order: `wl-copy` (Wayland), `xclip`, `xsel` (X11),
    /// `pbcopy` (macOS), `tmux load-buffer -w` inside tmux, OSC 52 last. Over SSH without a
    /// forwarded display only OSC 52 can reach the machine you sit at.
    case auto
    case osc52
    case tmux
    case wlCopy = "wl-copy"
    case xclip, xsel, pbcopy

    /// The values `clipboard =` in config.toml takes.
    public static var names: [String] { allCases.map(\.rawValue) }
}

/// What happened to a copy, in words a status bar can show without claiming more than is
/// known: a tool that exited 0 has the text; an OSC 52 sequence was only *sent*.
public struct ClipboardOutcome: Equatable, Sendable {
    public var method: ClipboardMethod
    /// True when a program confirmed it has the text (exit status 0).
    public var confirmed: Bool
    public var message: String
    /// A way tried first failed (the message says which and why).
    public var fellBack = false
}

/// A clipboard the runtime copies through. `SystemClipboard` runs the tools or writes OSC 52;
/// tests use `RecordingClipboard`.
public protocol Clipboard {
    func copy(_ text: String, what: String, writeControl: (String) -> Void) -> ClipboardOutcome
}

/// The in-memory twin: keeps what was copied, confirms every copy.
public final class RecordingClipboard: Clipboard {
    public private(set) var copies: [String] = []
    public init() {}
    public func copy(_ text: String, what: String, writeControl: (String) -> Void) -> ClipboardOutcome {
        copies.append(text)
        return ClipboardOutcome(method: .xclip, confirmed: true, message: "Copied \(what) (\(text.count) characters).")
    }
}

/// The real clipboard: external tools found on PATH, or OSC 52 through the terminal.
public struct SystemClipboard: Clipboard {
    public var method: ClipboardMethod
    let environment: [String: String]
    /// Seconds a tool may take before it is abandoned (xclip and wl-copy fork and return).
    var timeout = 3.0

    public init(method: ClipboardMethod = .auto, environment: [String: String]) {
        self.method = method
        self.environment = environment
    }

    /// The methods to try, in order (OSC 52 always last: it cannot fail, only be ignored).
    public func candidates() -> [ClipboardMethod] {
        if method != .auto { return method == .osc52 ? [.osc52] : [method, .osc52] }
        var out: [ClipboardMethod] = []
        let wayland = environment["WAYLAND_DISPLAY"].map { !$0.isEmpty } ?? false
        let x11 = environment["DISPLAY"].map { !$0.isEmpty } ?? false
        if wayland, executable("wl-copy") != nil { out.append(.wlCopy) }
        if x11, executable("xclip") != nil { out.append(.xclip) }
        if x11, executable("xsel") != nil { out.append(.xsel) }
        if executable("pbcopy") != nil { out.append(.pbcopy) }
        if environment["TMUX"].map({ !$0.isEmpty }) ?? false, executable("tmux") != nil { out.append(.tmux) }
        out.append(.osc52)
        return out
    }

    public func copy(_ text: String, what: String, writeControl: (String) -> Void) -> ClipboardOutcome {
        var failures: [String] = []
        for candidate in candidates() {
            if candidate == .osc52 {
                writeControl(osc52(text))
                let through = environment["TMUX"].map { !$0.isEmpty } ?? false ? " through tmux (needs `set -g allow-passthrough on`)" : ""
                let before = failures.isEmpty ? "" : failures.joined(separator: "; ") + ". "
                return ClipboardOutcome(
                    method: .osc52, confirmed: false,
                    message: before + "Sent \(what) (\(text.count) characters) to the terminal as OSC 52\(through); "
                        + "the terminal must allow clipboard writes, nothing confirms it. `clipboard =` in config.toml picks another way.",
                    fellBack: !failures.isEmpty)
            }
            switch run(candidate, text) {
            case nil:
                let via = candidate == .tmux ? "tmux's paste buffer (and the terminal's clipboard if tmux passes it on)" : candidate.rawValue
                return ClipboardOutcome(method: candidate, confirmed: true, message: "Copied \(what) (\(text.count) characters) with \(via).")
            case let problem?:
                failures.append("\(candidate.rawValue) failed: \(problem)")
            }
        }
        return ClipboardOutcome(method: .osc52, confirmed: false, message: failures.joined(separator: "; "), fellBack: true)
    }

    /// OSC 52 for the clipboard; inside tmux wrapped in a passthrough DCS so tmux hands it
    /// to the outer terminal.
    public func osc52(_ text: String) -> String {
        let sequence = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
        guard environment["TMUX"].map({ !$0.isEmpty }) ?? false else { return sequence }
        return "\u{1B}Ptmux;" + sequence.replacingOccurrences(of: "\u{1B}", with: "\u{1B}\u{1B}") + "\u{1B}\\"
    }

    func arguments(_ method: ClipboardMethod) -> [String] {
        switch method {
        case .wlCopy: ["wl-copy"]
        case .xclip: ["xclip", "-selection", "clipboard", "-in"]
        case .xsel: ["xsel", "--clipboard", "--input"]
        case .pbcopy: ["pbcopy"]
        case .tmux: ["tmux", "load-buffer", "-w", "-"]
        case .auto, .osc52: []
        }
    }

    /// Runs the tool with the text on stdin; nil when it exited 0, else what went wrong.
    func run(_ method: ClipboardMethod, _ text: String) -> String? {
        let arguments = arguments(method)
        guard let name = arguments.first, let path = executable(name) else { return "not found on PATH" }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return "could not create a pipe" }
        // Close-on-exec: the child gets its end as stdin/stdout only, so our closing the
        // other end is an end of file it sees.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // The tools may fork a child that keeps serving the selection: it must not hold
        // our terminal or a pipe we wait on.
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { if null >= 0 { close(null) } }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn([path] + arguments.dropFirst(), environment: environment, stdin: ends[0],
                                         stdout: null >= 0 ? null : nil, stderr: null >= 0 ? null : nil)
        } catch {
            close(ends[0])
            close(ends[1])
            return "could not start (\(error))"
        }
        close(ends[0])
        // A tool that exits without reading must not kill us with SIGPIPE.
        let previous = signal(SIGPIPE, SIG_IGN)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { break }
            offset += written
        }
        close(ends[1])
        signal(SIGPIPE, previous)
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32?
        while status == nil && Date() < deadline {
            status = ChildProcess.poll(pid)
            if status == nil { usleep(2_000) }
        }
        guard let status else {
            ChildProcess.terminate(pid)
            return "no answer within \(Int(timeout)) s"
        }
        return status == 0 ? nil : "exit status \(status)"
    }

    /// The full path of `name` on PATH, if it is an executable file.
    func executable(_ name: String) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
