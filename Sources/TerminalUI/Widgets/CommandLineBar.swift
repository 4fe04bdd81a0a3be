/// The "/command" line (`/model deepseek-chat`, `/theme light`, …) with completion of
/// command names. Named `CommandLineBar` so it does not shadow Swift's `CommandLine`
/// in modules that import TerminalUI.
///
/// Tab completes the command name, and after it the argument from the command's list
/// (the longest common prefix; pressing Tab again cycles through the candidates); Enter
/// submits (read ``text``); Esc cancels; Backspace on an empty line cancels too. Editing
/// keys are the ``InputEditor``'s.
public struct CommandLineBar: Sendable {
    public struct Command: Hashable, Sendable {
        /// Without the slash: "model".
        public var name: String
        public var summary: String

        public init(_ name: String, _ summary: String) {
            self.name = name
            self.summary = summary
        }
    }

    public var commands: [Command]
    /// Values each command's argument can take, by command name.
    public var argumentCompletions: [String: [String]]
    /// Commands whose last argument word is a file path (`/export md ~/notes/`, `/attach a.md b/`).
    public var pathArguments: Set<String> = []
    /// Lists the paths that start with a typed path (the App reads the file system).
    public var pathCompletions: (@Sendable (String) -> [String])?
    public private(set) var editor = InputEditor(maxHeight: 1)
    /// Tab pressed again cycles: the candidates, the one shown, and what comes before them.
    private var cycle: (candidates: [String], index: Int, lead: String, trailing: String)?

    public init(commands: [Command], text: String = "/", argumentCompletions: [String: [String]] = [:]) {
        self.commands = commands
        self.argumentCompletions = argumentCompletions
        editor.setText(text)
    }

    /// The line, starting with "/".
    public var text: String { editor.text }

    /// Commands whose name starts with what is typed (all of them for a bare "/"); after
    /// the name, the argument values that start with what is typed.
    public var candidates: [Command] {
        guard let word = commandWord else { return [] }
        if let (_, typed, options) = argumentCompletion {
            return options.filter { $0.hasPrefix(typed) && $0 != typed }.map { Command($0, "") }
        }
        return commands.filter { $0.name.hasPrefix(word) }
    }

    /// For an argument being typed: what stays before the completed part, the part typed,
    /// and its possible values (fixed values, or paths for the last word of a path argument).
    private var argumentCompletion: (lead: String, typed: String, options: [String])? {
        guard let word = commandWord, let argument = argumentPrefix else { return nil }
        let lead = "/" + word + " "
        if pathArguments.contains(word), let lister = pathCompletions {
            // The last space not escaped with a backslash (`my\ file.txt` is one path).
            let lastSpace = argument.indices.last { index in
                argument[index] == " " && (index == argument.startIndex || argument[argument.index(before: index)] != "\\")
            }
            let last = lastSpace.map { String(argument[argument.index(after: $0)...]) } ?? argument
            // A command with no word completions takes paths from its first word on.
            if lastSpace != nil || last.hasPrefix("/") || last.hasPrefix("~") || last.hasPrefix(".")
                || (argumentCompletions[word] ?? []).isEmpty {
                let before = lastSpace.map { String(argument[...$0]) } ?? ""
                return (lead + before, last, lister(last))
            }
        }
        return (lead, argument, argumentCompletions[word] ?? [])
    }

    /// The text after "/name ", when a name and a space were typed.
    private var argumentPrefix: String? {
        guard let word = commandWord, text.hasPrefix("/" + word + " ") else { return nil }
        return String(text.dropFirst(word.count + 2))
    }

    private var commandWord: String? {
        guard text.hasPrefix("/") else { return nil }
        return String(text.dropFirst().prefix { $0 != " " })
    }

    public mutating func handle(_ event: KeyEvent) -> HandleResult {
        switch event {
        case .key(.tab, []):
            return complete()
        case .key(.escape, _), .char("c", [.ctrl]), .char("g", [.ctrl]):
            return [.handled, .cancel]
        case .key(.backspace, []) where text.isEmpty || text == "/":
            return [.handled, .cancel]
        case .key(.enter, []):
            return [.handled, .submit]
        case .key(.enter, _), .char("j", [.ctrl]), .key(.up, _), .key(.down, _):
            return .handled  // single line: no newlines, no history here
        default:
            cycle = nil
            return editor.handle(event)
        }
    }

    private mutating func complete() -> HandleResult {
        if var cycle {
            cycle.index = (cycle.index + 1) % cycle.candidates.count
            editor.setText(cycle.lead + cycle.candidates[cycle.index] + cycle.trailing)
            self.cycle = cycle
            return .changed
        }
        // What comes before the completed word: "/" for names, "/name " (and any earlier
        // words of a path argument) for arguments.
        let lead = argumentCompletion?.lead ?? "/"
        let trailing = argumentPrefix == nil ? " " : ""
        let names = candidates.map(\.name)
        guard let first = names.first else { return .handled }
        if names.count == 1 {
            editor.setText(lead + first + trailing)
            return .changed.union(.textChanged)
        }
        var prefix = first
        for name in names.dropFirst() {
            while !name.hasPrefix(prefix) { prefix.removeLast() }
        }
        if lead + prefix != text {
            editor.setText(lead + prefix)
        } else {
            cycle = (names, 0, lead, trailing)
            editor.setText(lead + names[0] + trailing)
        }
        return .changed.union(.textChanged)
    }

    /// Draws the line in the painter's first row and, if there is room above it, the
    /// matching commands; returns the cursor position.
    @discardableResult
    public func draw(in painter: Painter) -> Point? {
        guard painter.height > 0 else { return nil }
        let lineRow = painter.height - 1
        let shown = candidates.prefix(max(0, painter.height - 1))
        for (index, command) in shown.enumerated() {
            let y = lineRow - shown.count + index
            painter.fill(Rect(x: 0, y: y, width: painter.width, height: 1), Style(.text, background: .dialogBackground))
            let end = painter.text((argumentPrefix == nil ? " /" : " ") + command.name, at: Point(x: 0, y: y),
                                   Style(.helpKey, background: .dialogBackground))
            painter.truncated("  " + command.summary, at: Point(x: end, y: y), width: painter.width - end,
                              Style(.helpText, background: .dialogBackground))
        }
        var single = editor
        single.placeholder = ""
        return single.draw(painter.sub(Rect(x: 0, y: lineRow, width: painter.width, height: 1)))
    }
}
