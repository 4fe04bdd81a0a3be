import ChatCore
import Config

/// The argument vectors most launches use (`cachechat`, `cachechat --model M`,
/// `cachechat ask --no-save "…"`, `… | cachechat ask`), read without argument-parser: its
/// parse costs 2 to 4 ms of a start-up (reflection, generic metadata, a scan of every
/// protocol conformance in the binary). The reader takes only the vectors it decides
/// exactly as argument-parser would and returns nil for everything else, which
/// argument-parser then parses as before: its declarations in ChatCommand and AskCommand
/// stay the definition (help, errors, conversions). CLITests' FastArgumentsTests hold the
/// two to the same answers.
enum FastArguments {
    enum Decision: Equatable {
        case chat(ChatLaunch)
        case ask(AskOptions)
    }

    /// The long options the reader knows for each command, and whether each takes a value
    /// (all with argument-parser's default `.next` parsing, no short names).
    /// `ConnectionOptions`, the group both commands include.
    static let connectionOptions: [String: Bool] = ["base-url": true, "api-key": true, "model": true, "profile": true]
    static let chatOptions = connectionOptions.merging([
        "theme": true, "fewshot": true, "each": false, "cache-model": true,
    ]) { $1 }
    static let askOptions = connectionOptions.merging([
        "system": true, "fewshot": true, "pinned": false, "thinking": true, "effort": true,
        "json-object": false, "no-stream": false, "json": false, "show-reasoning": false,
        "cache-model": true, "no-save": false, "continue": false,
    ]) { $1 }

    /// Sets a `ConnectionOptions` value; false when `name` is not one of them.
    static func setConnection(_ name: String, _ value: String?, in flags: inout ConnectionSettings.Flags) -> Bool {
        switch name {
        case "base-url": flags.baseURL = value
        case "api-key": flags.apiKey = value
        case "model": flags.model = value
        case "profile": flags.profile = value
        default: return false
        }
        return true
    }

    /// `arguments` without the program's name. Nil: let argument-parser decide.
    static func read(_ arguments: ArraySlice<String>) -> Decision? {
        if arguments.first == AskOptions.commandName {
            return readAsk(arguments.dropFirst()).map(Decision.ask)
        }
        // `chat` is the default subcommand: named, or not (then the first word is an option).
        let words = arguments.first == ChatLaunch.commandName ? arguments.dropFirst() : arguments
        return readChat(words).map(Decision.chat)
    }

    static func readChat(_ words: ArraySlice<String>) -> ChatLaunch? {
        guard let scan = Scan(words, known: chatOptions, terminator: false), scan.positionals.isEmpty else { return nil }
        var launch = ChatLaunch()
        for (name, value) in scan.options {
            if setConnection(name, value, in: &launch.connection) { continue }
            switch name {
            case "theme": launch.theme = value
            case "fewshot": launch.fewShot = value
            case "each": launch.each = true
            case "cache-model":
                guard let kind = value.flatMap(CacheModelKindArgument.init(argument:)) else { return nil }
                launch.cacheModel = kind
            default: return nil
            }
        }
        return launch
    }

    static func readAsk(_ words: ArraySlice<String>) -> AskOptions? {
        // One prompt, or none (`ask` then reads standard input); two are argument-parser's error.
        guard let scan = Scan(words, known: askOptions, terminator: true), scan.positionals.count <= 1 else { return nil }
        var options = AskOptions()
        options.prompt = scan.positionals.first
        for (name, value) in scan.options {
            if setConnection(name, value, in: &options.connection) { continue }
            switch name {
            case "system": options.system = value
            case "fewshot": options.fewShot = value
            case "pinned": options.pinned = true
            case "thinking":
                guard let thinking = value.flatMap(ThinkingSwitch.init(argument:)) else { return nil }
                options.thinking = thinking
            case "effort":
                guard let effort = value.flatMap(ReasoningEffort.init(argument:)) else { return nil }
                options.effort = effort
            case "json-object": options.jsonObject = true
            case "no-stream": options.noStream = true
            case "json": options.json = true
            case "show-reasoning": options.showReasoning = true
            case "cache-model":
                guard let kind = value.flatMap(CacheModelKindArgument.init(argument:)) else { return nil }
                options.cacheModel = kind
            case "no-save": options.noSave = true
            case "continue": options.continueLast = true
            default: return nil
            }
        }
        // A combination `AskCommand.validate()` refuses is argument-parser's to report.
        do { try options.validate() } catch { return nil }
        return options
    }

    /// The words as argument-parser splits them, for the simple forms only: `--name`,
    /// `--name value`, `--name=value`, plain words, and (when `terminator`) `--` followed by
    /// plain-or-not words. Nil for anything else: a short option, an unknown or repeated
    /// option, a flag given a value, a value that is empty or starts with `-`, an empty word.
    struct Scan {
        var options: [(name: String, value: String?)] = []
        var positionals: [String] = []

        init?(_ words: ArraySlice<String>, known: [String: Bool], terminator: Bool) {
            var seen: Set<String> = []
            var index = words.startIndex
            while index < words.endIndex {
                let word = words[index]
                index += 1
                let bytes = Array(word.utf8)
                if bytes == [0x2D, 0x2D] {
                    // After `--` every word is a positional one, dashes or not.
                    guard terminator else { return nil }
                    for rest in words[index...] {
                        guard !rest.isEmpty else { return nil }
                        positionals.append(rest)
                    }
                    return
                }
                guard let first = bytes.first else { return nil }
                guard first == 0x2D else {
                    positionals.append(word)
                    continue
                }
                // `--` then an ASCII letter: the two dashes are whole characters, as
                // argument-parser counts them; the name (to any `=`) must be plain ASCII.
                guard bytes.count > 2, bytes[1] == 0x2D, Self.isLetter(bytes[2]) else { return nil }
                let body = bytes[2...]
                let nameBytes = body.prefix { $0 != 0x3D }
                guard nameBytes.allSatisfy({ Self.isLetter($0) || $0 == 0x2D }) else { return nil }
                let name = String(decoding: nameBytes, as: UTF8.self)
                guard let takesValue = known[name], seen.insert(name).inserted else { return nil }
                var value: String?
                let inline = nameBytes.count < body.count
                if nameBytes.count < body.count {
                    // `=` is ASCII, so splitting the bytes at it splits the characters there too.
                    value = String(decoding: body[(body.startIndex + nameBytes.count + 1)...], as: UTF8.self)
                    guard takesValue else { return nil }
                } else if takesValue {
                    guard index < words.endIndex else { return nil }
                    value = words[index]
                    index += 1
                }
                // Not empty, not `-…`; after `=`, an ASCII character, which no combining
                // mark can join to the `=` (argument-parser splits at the character `=`).
                if let value {
                    guard let head = value.utf8.first, head != 0x2D, head < 0x80 || !inline else { return nil }
                }
                options.append((name, value))
            }
        }

        static func isLetter(_ byte: UInt8) -> Bool {
            (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte)
        }
    }
}
