import TerminalUI

extension AppLogic {
    /// F1: the keys of the editor and the screen, then every command of the table with the
    /// keys bound to it.
    func helpOverlay() -> HelpOverlay {
        let visible = Self.commands.filter { !$0.hidden }
        let keyed = visible.filter { !$0.keys.isEmpty }.map { command in
            ((command.keys.map(\.label) + ["/" + command.name]).joined(separator: ", "), command.summary)
        }
        let commands = visible.map { command in
            ("/" + command.name + (command.arguments.isEmpty ? "" : " " + command.arguments), command.summary)
        }
        return HelpOverlay(title: "cachechat keys and commands", sections: [
            .init("Writing", [("Enter", "send"), ("Alt-Enter, Shift-Enter, Ctrl-J", "new line"),
                              ("Ctrl-A / Ctrl-E", "start / end of line"), ("Ctrl-K / Ctrl-U", "kill to end / start"),
                              ("Ctrl-W, Alt-Backspace", "delete word back"), ("Alt-B / Alt-F", "word back / forward"),
                              ("Ctrl-Y", "yank"), ("Ctrl-X Ctrl-E", "write the draft in $VISUAL / $EDITOR"), ("Up / Down", "history (at first / last line)"),
                              ("/", "command line (on an empty draft; Tab completes)"), ("//text", "send text starting with /")]),
            .init("Replies and view", [("Esc, Ctrl-C", "stop the reply (the part received is kept)"),
                                       ("PgUp / PgDn, wheel", "scroll"), ("Shift-Up / Shift-Down", "scroll a line"),
                                       ("Ctrl-Home / Ctrl-End", "top / bottom")] + keyed),
            .init("Message focus", [("Alt-Up, Esc then Up", "focus the last message (headers show #N)"),
                                    ("Up / Down, k / j, g / G", "previous / next, first / last"),
                                    ("c / b", "copy the message / its last code block"),
                                    ("e", "edit your message as a fork"), ("r", "write the reply again (earlier: in a fork)"),
                                    ("Esc, q, Enter", "back to the editor"),
                                    ("on a document card", "Enter opens / folds it, c copies its text, d detaches it")]),
            .init("Lists and editors", [("type, Enter", "filter, open (conversations)"), ("Ctrl-D, Delete", "delete (asks first)"),
                                        ("Ctrl-R", "rename"), ("few-shot list", "Enter edit, ^U use pinned, ^E one question each"),
                                        ("few-shot editor", "↑↓ select, Enter edit, a/i add, d delete, J/K move, u undo, ^S save")]),
            .init("Commands", commands),
            .init("Other", [("F1, /help", "this help (↑↓ PgUp PgDn scroll, Esc closes)"), ("Ctrl-D (empty draft)", "quit"), ("Ctrl-Z", "suspend, as other full-screen programs do (fg resumes)")]),
        ])
    }
}
