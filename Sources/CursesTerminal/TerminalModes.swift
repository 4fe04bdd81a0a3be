/// The escape sequences that switch terminal input modes on and off around a session,
/// and the reset written by the signal handlers. Pure, so it is unit-tested.
struct TerminalModes: Hashable, Sendable {
    /// xterm's modifyOtherKeys level 1 (`CSI > 4 ; 1 m`): Shift-Enter and friends arrive
    /// as `CSI 27 ; mod ; code ~`. Off for consoles that might misparse it.
    var modifyOtherKeys: Bool

    init(modifyOtherKeys: Bool) { self.modifyOtherKeys = modifyOtherKeys }

    /// Modes for the terminal named by `TERM`. The Linux console and dumb or ancient
    /// terminals do not know the private `CSI >` form and get no modifyOtherKeys.
    init(term: String?) {
        let name = term ?? ""
        let unsafe = name.isEmpty || name == "dumb" || name.hasPrefix("linux") || name.hasPrefix("vt")
            || name.hasPrefix("cons") || name.hasPrefix("sun")
        self.init(modifyOtherKeys: !unsafe)
    }

    /// Bracketed paste, button + wheel mouse reports in SGR form, modifyOtherKeys.
    var enable: String {
        "\u{1B}[?2004h\u{1B}[?1000h\u{1B}[?1006h" + (modifyOtherKeys ? "\u{1B}[>4;1m" : "")
    }

    /// The reverse of ``enable``, in reverse order.
    var disable: String {
        (modifyOtherKeys ? "\u{1B}[>4;0m" : "") + "\u{1B}[?1006l\u{1B}[?1000l\u{1B}[?2004l"
    }

    /// What a signal handler writes when it cannot run curses' own cleanup: modes off,
    /// attributes reset, cursor visible, back to the normal screen.
    var emergencyReset: String {
        "\u{1B}[0m" + disable + "\u{1B}[?25h\u{1B}[?1049l"
    }
}
