/// Why the terminal could not be taken over, with what the user can do about it.
public enum CursesTerminalError: Error, Equatable, CustomStringConvertible {
    /// stdin or stdout is not a terminal (piped or redirected).
    case notATerminal
    /// curses does not know `TERM` (or it is unset).
    case unknownTerminalType(String?)
    /// The terminal cannot move the cursor (TERM=dumb, a printing terminal).
    case noCursorAddressing(String?)
    /// The signal self-pipe could not be created.
    case signalSetupFailed(errno: Int32)

    public var description: String {
        switch self {
        case .notATerminal:
            "the chat screen needs a terminal on stdin and stdout; use `cachechat ask` when piping"
        case .unknownTerminalType(let term?):
            "the terminal type \"\(term)\" is unknown to ncurses; set TERM to a known one (e.g. xterm-256color)"
        case .unknownTerminalType(nil):
            "TERM is not set; set it to your terminal's type (e.g. xterm-256color)"
        case .noCursorAddressing(let term):
            "the terminal type \"\(term ?? "")\" cannot move the cursor, so the chat screen cannot be drawn; "
                + "use `cachechat ask \"…\"` here, or set TERM to a full-screen terminal (e.g. xterm-256color)"
        case .signalSetupFailed(let code):
            "could not set up signal handling (errno \(code))"
        }
    }
}
