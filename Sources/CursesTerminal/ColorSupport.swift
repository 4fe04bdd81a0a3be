import TerminalUI

/// Decides the colour depth a curses screen can show. Pure, so it is tested with
/// environment dictionaries instead of real terminals.
///
/// curses can only emit what the terminfo entry describes (`COLORS`): a 256-colour entry
/// cannot show 24-bit colour even when `COLORTERM=truecolor` says the emulator could.
/// True colour therefore needs a direct-colour entry (`TERM=xterm-direct`, `COLORS` of
/// 2^24); `COLORTERM` alone only documents that the user could pick one.
public enum ColorSupport {
    /// The depth for a terminal whose terminfo reports `hasColors` and `colors`.
    ///
    /// `NO_COLOR` set to anything non-empty (https://no-color.org) forces monochrome, as
    /// does a terminal without colours or with fewer than eight.
    public static func depth(environment: [String: String], hasColors: Bool, colors: Int) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        guard hasColors else { return .monochrome }
        switch colors {
        case (1 << 24)...: return .trueColor
        case 256...: return .indexed256
        case 16...: return .ansi16
        case 8...: return .ansi8
        default: return .monochrome
        }
    }

    /// Whether the environment says the emulator itself does 24-bit colour
    /// (`COLORTERM=truecolor` or `24bit`), whatever terminfo says.
    public static func emulatorClaimsTrueColor(environment: [String: String]) -> Bool {
        let value = environment["COLORTERM"]?.lowercased() ?? ""
        return value == "truecolor" || value == "24bit"
    }
}
