import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Child processes through `posix_spawn` and `waitpid`, for helpers that start programs
/// which fork daemons (tmux) or must be stopped reliably (`cachechat serve`): Foundation's
/// `Process` was seen leaving an exited tmux client unreaped, and `waitUntilExit` then
/// never returned, while other tests ran processes in parallel.
public enum Spawn {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Starts `path` with `arguments`; stdin is /dev/null, stdout and stderr go to the given
    /// descriptors (or /dev/null).
    public static func start(_ path: String, _ arguments: [String], environment: [String: String],
                             stdout: Int32? = nil, stderr: Int32? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, 1) } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if let stderr { posix_spawn_file_actions_adddup2(&actions, stderr, 2) } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        // Nothing else: other tests' pipes (Foundation's are not close-on-exec) must not
        // live on in a server or a tmux daemon, or their readers never see end of file.
        // (glibc 2.34+; not in Swift's Glibc module, so looked up at run time.)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // A clean signal state: the calling thread (a dispatch worker) blocks signals, and a
        // tmux server that inherited that mask could not be stopped, nor its panes.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw Failure(description: "posix_spawn \(path): \(String(cString: strerror(result)))") }
        return pid
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Waits for `pid`; returns its exit status (128 + N when a signal ended it).
    @discardableResult
    public static func wait(_ pid: pid_t, timeout: Double = 60) -> Int32 {
        var status: Int32 = 0
        var reaped = false
        let ended = Poll.until(timeout: timeout) { () -> Bool in
            let result = waitpid(pid, &status, WNOHANG)
            if result < 0 { reaped = true }  // already reaped elsewhere
            return result == pid || result < 0
        }
        if reaped { return -1 }
        if !ended {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Runs a program to the end; returns its status and what it wrote to stdout and stderr
    /// (through files, so a daemon it forks cannot hold a pipe open).
    public static func run(_ path: String, _ arguments: [String], environment: [String: String], timeout: Double = 60)
        throws -> (status: Int32, stdout: String, stderr: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString)")
        let outPath = base.path + ".out", errPath = base.path + ".err"
        let out = open(outPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let err = open(errPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        let pid: pid_t
        do {
            pid = try start(path, arguments, environment: environment, stdout: out, stderr: err)
        } catch {
            close(out)
            close(err)
            throw error
        }
        close(out)
        close(err)
        let status = wait(pid, timeout: timeout)
        let stdout = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), as: UTF8.self)
        return (status, stdout, stderr)
    }
}
