import ChatCore
import Foundation
import TerminalUI

/// One command of the chat client: its name, arguments, help, argument completion, the
/// keys bound to it, and what it does. The one table serves the keys, the command line,
/// Tab completion and the help overlay, so they cannot disagree.
struct AppCommand: Sendable {
    var name: String
    var aliases: [String] = []
    /// "[N] [code]", "on|off": shown in help and the command line.
    var arguments: String = ""
    var summary: String
    /// Keys that run it, as help shows them ("F5").
    var keys: [KeyBinding] = []
    /// Values Tab offers for the argument.
    var completions: @Sendable (AppState, AppEnvironment) -> [String] = { _, _ in [] }
    /// Left out of help and completion (`/crash-test`).
    var hidden = false
    /// Runs while a reply streams. Only commands that change nothing the reply will be
    /// saved into (the view, the clipboard, quitting) do; the rest say to wait or press Esc.
    var whileReplying = false
    /// Runs with the text after the name (trimmed).
    var run: @Sendable (AppLogic, inout AppState, String) -> [Effect]
}

/// A key bound to a command.
struct KeyBinding: Sendable {
    var label: String
    var matches: @Sendable (KeyEvent) -> Bool
    /// The argument the command gets.
    var argument = ""

    static func function(_ number: Int) -> KeyBinding {
        KeyBinding(label: "F\(number)") { if case .key(.function(number), _) = $0 { true } else { false } }
    }

    static func ctrl(_ letter: Character) -> KeyBinding {
        KeyBinding(label: "Ctrl-" + letter.uppercased()) { if case .char(letter, [.ctrl]) = $0 { true } else { false } }
    }

    static func alt(_ letter: Character) -> KeyBinding {
        KeyBinding(label: "Alt-" + letter.uppercased()) { if case .char(letter, [.alt]) = $0 { true } else { false } }
    }
}

extension AppLogic {
    /// Every command, in the order help lists them.
    static let commands: [AppCommand] = [
        AppCommand(name: "model", arguments: "ID", summary: "switch the model (each model has its own cache)",
                   completions: { state, environment in
                       state.endpointModels + environment.knownModels.filter { !state.endpointModels.contains($0) }
                   }) { logic, state, argument in
            logic.setModel(&state, argument)
        },
        AppCommand(name: "thinking", arguments: "on|off", summary: "thinking mode of this conversation",
                   completions: { _, _ in ["on", "off"] }) { logic, state, argument in
            logic.setThinking(&state, argument)
        },
        AppCommand(name: "effort", arguments: "low|high|max", summary: "reasoning effort of thinking requests (max misses the cache once)",
                   completions: { _, _ in ["low", "high", "max"] }) { logic, state, argument in
            logic.setEffort(&state, argument)
        },
        AppCommand(name: "json", arguments: "on|off", summary: "ask for JSON objects (response_format json_object)",
                   completions: { _, _ in ["on", "off"] }) { logic, state, argument in
            logic.setJSONMode(&state, argument)
        },
        AppCommand(name: "system", arguments: "TEXT", summary: "set the system prompt (empty clears it)") { logic, state, argument in
            logic.setSystemPrompt(&state, argument)
        },
        AppCommand(name: "fewshot", arguments: "[list|edit|new|dup|rename|delete|use NAME [each]|off]",
                   summary: "few-shot sets: Enter edits, ^U uses pinned, ^E one question each",
                   completions: { state, _ in
                       ["list", "new", "off"] + state.fewShotNames.flatMap { name in
                           ["use \(name)", "use \(name) each", "edit \(name)", "dup \(name)", "rename \(name)", "delete \(name)"]
                       }
                   }) { logic, state, argument in
            logic.fewShotCommand(&state, argument)
        },
        AppCommand(name: "attach", arguments: "[PATH...]",
                   summary: "attach files or folders as documents before the history (alone: list them); @path in a message too") { logic, state, argument in
            logic.attachCommand(&state, argument)
        },
        AppCommand(name: "detach", arguments: "[N|NAME]", summary: "remove an attached document (its cache cost is shown first)",
                   completions: { state, _ in state.conversation.attachments.map(\.name) }) { logic, state, argument in
            logic.detachCommand(&state, argument)
        },
        AppCommand(name: "each", arguments: "QUESTIONS", summary: "one question per line, each its own request over this conversation, cache warmed first") { logic, state, argument in
            logic.eachCommand(&state, argument)
        },
        AppCommand(name: "truncate", arguments: "[now]", summary: "cut old history once, cache-friendly (now: even below the limit)",
                   completions: { _, _ in ["now"] }) { logic, state, argument in
            logic.showTruncationPlan(&state, force: argument == "now")
        },
        AppCommand(name: "continue", summary: "continue the last reply where it was cut or stopped (DeepSeek beta prefix completion)") { logic, state, _ in
            logic.continueReply(&state)
        },
        AppCommand(name: "regen", aliases: ["regenerate"], summary: "regenerate the last reply (after a failure: retry)",
                   keys: [.function(5)]) { logic, state, _ in
            logic.regenerate(&state)
        },
        AppCommand(name: "edit", arguments: "[N]", summary: "edit your message #N (default: your last) as a fork") { logic, state, argument in
            logic.askToEdit(&state, argument)
        },
        AppCommand(name: "copy", arguments: "[N] [code]", summary: "copy the last reply or message #N, or its last code block",
                   completions: { _, _ in ["code"] }, whileReplying: true) { logic, state, argument in
            logic.copy(&state, argument)
        },
        AppCommand(name: "new", summary: "start a new conversation", keys: [.ctrl("n")]) { logic, state, _ in
            logic.newConversation(&state)
        },
        AppCommand(name: "open", summary: "list conversations: type to search titles and messages, Enter opens, ^D deletes, ^R renames",
                   keys: [.ctrl("o")]) { logic, state, _ in
            logic.openConversationList(&state)
        },
        AppCommand(name: "rename", arguments: "TITLE", summary: "rename this conversation") { logic, state, argument in
            logic.renameCurrent(&state, argument)
        },
        AppCommand(name: "delete", summary: "delete this conversation (its requests stay in the ledger)") { logic, state, _ in
            logic.askToDeleteCurrent(&state)
        },
        AppCommand(name: "export", arguments: "md|json [PATH] [--documents]",
                   summary: "export this conversation (--documents: with the attached documents' text)",
                   completions: { _, _ in ["md", "json", "md --documents", "json --documents"] }) { logic, state, argument in
            logic.export(&state, argument)
        },
        AppCommand(name: "save", summary: "store again replies the history refused (a full disk); tried every 10 s too") { logic, state, _ in
            logic.retrySaves(&state)
        },
        AppCommand(name: "stats", summary: "totals of the request ledger") { _, _, _ in
            [.stats]
        },
        AppCommand(name: "theme", arguments: "NAME", summary: "switch the colour theme",
                   completions: { _, environment in environment.themeNames }, whileReplying: true) { logic, state, argument in
            logic.setTheme(&state, argument)
        },
        AppCommand(name: "reasoning", summary: "show or fold reasoning", keys: [.function(2), .alt("r")], whileReplying: true) { _, state, _ in
            state.view.reasoningExpanded.toggle()
            return []
        },
        AppCommand(name: "panel", summary: "show or hide the cache panel", keys: [.function(3)], whileReplying: true) { logic, state, _ in
            var effects: [Effect] = []
            if state.view.bare {
                state.view.bare = false
                state.view.panel = .shown
                effects.append(.mouseReporting(true))  // bare mode had turned it off
            } else {
                state.view.panel = state.view.panelVisible ? .hidden : .shown
            }
            logic.info(&state, state.view.panelVisible
                ? "Cache panel shown. F3 hides it."
                : state.view.panel == .shown
                    ? "The terminal is too small for the cache panel; the strip above the editor has the numbers."
                    : "Cache panel hidden: the strip above the editor keeps the numbers. F3 shows it again.")
            return effects
        },
        AppCommand(name: "bare", summary: "no panel or marks, for selecting text with the mouse", keys: [.function(4)], whileReplying: true) { logic, state, _ in
            state.view.bare.toggle()
            logic.info(&state, state.view.bare
                ? "Bare mode: no panel, marks or mouse reporting; drag to select text (the wheel scrolls the terminal, PgUp/PgDn the transcript). F4 to leave."
                : "Bare mode off: the mouse wheel scrolls the transcript again.")
            return [.mouseReporting(!state.view.bare)]
        },
        AppCommand(name: "find", arguments: "TEXT", summary: "find text in this conversation (n older, N newer, Esc ends)",
                   keys: [.ctrl("f")], whileReplying: true) { logic, state, argument in
            logic.find(&state, argument)
        },
        AppCommand(name: "log", summary: "the status-bar messages of this session, whole, with their times",
                   whileReplying: true) { logic, state, _ in
            logic.showLog(&state)
        },
        AppCommand(name: "repaint", summary: "repaint the screen", keys: [.ctrl("l")], whileReplying: true) { _, _, _ in [.repaint] },
        AppCommand(name: "help", summary: "keys and commands", keys: [.function(1)], whileReplying: true) { logic, state, _ in
            state.overlay = .help(logic.helpOverlay())
            return []
        },
        AppCommand(name: "quit", aliases: ["q", "exit"], summary: "leave cachechat (a reply in flight is stopped and kept)",
                   keys: [.ctrl("q")], whileReplying: true) { logic, state, _ in
            logic.requestQuit(&state)
        },
        AppCommand(name: "crash-test", summary: "a deliberate crash (tests only)", hidden: true, whileReplying: true) { logic, state, _ in
            guard logic.environment.crashTestEnabled else {
                logic.fail(&state, "Unknown command /crash-test. Type / and Tab to see the commands.")
                return []
            }
            return [.crash]
        },
    ]

    /// The command named `name` (or one of its aliases).
    static func command(named name: String) -> AppCommand? {
        commands.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// The command line's view of the table.
    func commandLine(text: String = "/", state: AppState) -> CommandLineBar {
        let visible = Self.commands.filter { !$0.hidden }
        var completions: [String: [String]] = [:]
        for command in visible { completions[command.name] = command.completions(state, environment) }
        var bar = CommandLineBar(commands: visible.map { CommandLineBar.Command($0.name, $0.arguments.isEmpty ? $0.summary : "\($0.arguments) — \($0.summary)") },
                                 text: text, argumentCompletions: completions)
        bar.pathCompletions = Self.pathCompleter
        bar.pathArguments = ["export", "attach"]
        return bar
    }

    /// Runs a `/command` typed in the editor or the command line. The draft is cleared
    /// only when the command was understood.
    func runCommandLine(_ state: inout AppState, _ line: String) -> [Effect] {
        let body = line.drop { $0 == "/" }
        let name = String(body.prefix { $0 != " " && $0 != "\n" })
        // `/each` takes the lines after it; what ends a line is trimmed for the rest.
        let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let command = Self.command(named: name), !command.hidden || environment.crashTestEnabled else {
            fail(&state, "Unknown command /\(name). Type / and Tab to see the commands.")
            return []
        }
        if state.editor.text.hasPrefix("/") && !state.editor.text.hasPrefix("//") {
            state.editor.setText("")
            state.draft = nil
        }
        return run(command, &state, argument)
    }

    /// Paths that start with what is typed (`~` expanded; folders end with `/`), hidden
    /// files only when a dot was typed.
    static let pathCompleter: @Sendable (String) -> [String] = { escaped in
        // Spaces come and go escaped (`my\ file.txt`), so a completed path stays one word.
        let typed = escaped.replacingOccurrences(of: "\\ ", with: " ")
        let expanded = Paths.expandingTilde(typed)
        let directory = typed.hasSuffix("/") ? expanded : (expanded as NSString).deletingLastPathComponent
        let stem = typed.hasSuffix("/") ? "" : (expanded as NSString).lastPathComponent
        let base = typed.hasSuffix("/") || !typed.contains("/") ? typed.hasSuffix("/") ? typed : "" : String(typed[..<(typed.lastIndex(of: "/").map { typed.index(after: $0) } ?? typed.startIndex)])
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return [] }
        return names.filter { $0.hasPrefix(stem) && (stem.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().prefix(200).map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (directory.isEmpty ? "." : directory) + "/" + name, isDirectory: &isDirectory)
            return (base + name + (isDirectory.boolValue ? "/" : "")).replacingOccurrences(of: " ", with: "\\ ")
        }
    }

    /// Runs `command` from a key or the command line, unless a reply streams and the
    /// command would change what the reply is saved into.
    func run(_ command: AppCommand, _ state: inout AppState, _ argument: String) -> [Effect] {
        guard command.whileReplying || isIdle(&state) else { return [] }
        return command.run(self, &state, argument)
    }

    /// Runs the command named `name` (as typed after `/`).
    func run(named name: String, _ state: inout AppState, _ argument: String) -> [Effect] {
        guard let command = Self.commands.first(where: { $0.name == name }) else { return [] }
        return run(command, &state, argument)
    }

    /// Runs `body` unless a reply is streaming.
    func requireIdle(_ state: inout AppState, _ body: () -> [Effect]) -> [Effect] {
        guard isIdle(&state) else { return [] }
        return body()
    }

    /// False (with a word to the user) while a reply is streaming.
    func isIdle(_ state: inout AppState) -> Bool {
        guard !state.isBusy else {
            info(&state, "Wait for the reply (or press Esc to stop it) first.")
            return false
        }
        return true
    }
}
