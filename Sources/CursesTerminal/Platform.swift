#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The backend's one file of operating-system calls (everything curses is in CCursesShim):
// reading and writing descriptors, the locale, the environment, exiting.

/// Puts the process in a UTF-8 locale before curses starts: ncursesw decides how to
/// encode wide characters from `LC_CTYPE`, and in the "C" locale CJK and emoji come out
/// as escaped garbage.
public enum LocaleSetup {
    /// Adopts the user's character set (`LC_CTYPE` alone: the other categories cost a file
    /// each to load and nothing here reads them); when it is not UTF-8 (unset `LANG`,
    /// `LANG=C`, a Latin-1 locale, a locale that is not installed), switches `LC_CTYPE` to
    /// C.UTF-8 — in the environment too, for the editor Ctrl-X Ctrl-E starts (the draft it
    /// edits is UTF-8): `LC_CTYPE`, or `LC_ALL` when that is set, since it overrides.
    public static func ensureUTF8() {
        _ = setlocale(LC_CTYPE, "")
        if !isUTF8(codeset: currentCodeset()) {
            let all = getenv("LC_ALL").map { String(cString: $0) } ?? ""
            setenv(all.isEmpty ? "LC_CTYPE" : "LC_ALL", "C.UTF-8", 1)
            if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
        }
    }

    static func currentCodeset() -> String {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return "" }
        return String(cString: codeset)
    }

    /// "UTF-8", "utf8", "UTF8" all count.
    static func isUTF8(codeset: String) -> Bool {
        codeset.lowercased().filter { $0 != "-" } == "utf8"
    }
}

enum Platform {
    static let standardInput = STDIN_FILENO
    static let standardOutput = STDOUT_FILENO
    static let standardError = STDERR_FILENO

    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    static var lastError: Int32 { errno }

    /// SIGTSTP to ourselves with its default action (stop), whatever handler curses put
    /// in; the previous handler is back once a SIGCONT has continued us.
    static func stopUntilContinued() {
        var original = sigaction()
        var stopping = sigaction()
        stopping.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&stopping.sa_mask)
        sigaction(SIGTSTP, &stopping, &original)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGTSTP)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &unblock, &previousMask)
        kill(getpid(), SIGTSTP)  // stops here until continued
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        sigaction(SIGTSTP, &original, nil)
    }

    /// Everything `descriptor` holds now, without blocking, up to `limit` bytes; `closed`
    /// when it reached end of file or failed (the terminal went away).
    static func readAvailable(_ descriptor: Int32, limit: Int) -> (bytes: [UInt8], closed: Bool) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 0) > 0 else { break }
            if poller.revents & Int16(POLLIN | POLLHUP | POLLERR) == 0 { break }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if count <= 0 { return (bytes, true) }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return (bytes, false)
    }

    /// Everything a non-blocking pipe holds now.
    static func drain(_ descriptor: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// Writes all of `bytes`, retrying short writes and EINTR.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            rest = rest.dropFirst(written)
        }
    }

    /// The process environment as a dictionary.
    static func environment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let pair = String(cString: entry)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    static func exit(_ status: Int32) -> Never { Glibc.exit(status) }
}
