import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The only place the CLI writes to the standard streams or asks about the terminal.
enum Terminal {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func errorLine(_ text: String) { error(text + "\n") }

    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    static func readStandardInput() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
}

extension Locale {
    /// Wide characters break without a UTF-8 locale; fall back to C.UTF-8 when none is set.
    static func ensureUTF8() {
        let current = ProcessInfo.processInfo.environment
        let value = current["LC_ALL"] ?? current["LC_CTYPE"] ?? current["LANG"] ?? ""
        if !value.uppercased().contains("UTF-8") && !value.uppercased().contains("UTF8") {
            setenv("LC_CTYPE", "C.UTF-8", 1)
        }
        setlocale(LC_ALL, "")
    }
}

/// `print` buffers when stdout is a pipe; tests read the banner line right away.
func fflushStandardOutput() {
    fflush(nil)
}
