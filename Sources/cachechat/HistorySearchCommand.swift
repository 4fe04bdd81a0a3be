import ArgumentParser
import ChatCore
import Foundation
import History

extension HistoryCommand {
    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Find conversations by the words in their titles and messages.",
            discussion: """
                Every word must occur in the title or in one message (its text or reasoning), \
                as a case-insensitive substring in any script; nothing typed is syntax. Title \
                matches come first, then the most recently active. Exits 0 also when nothing \
                matches (like `history list`); --json then prints [].
                """)

        @Argument(help: "The words to find.")
        var words: [String] = []

        @Flag(help: "Print a JSON array: conversation, where the words were found, snippet and match offsets (in Unicode scalars).")
        var json = false

        @Option(help: "At most this many conversations.")
        var limit = 50

        func validate() throws {
            if SearchQuery(words.joined(separator: " ")).isEmpty {
                throw ValidationError("Give a word to search for: cachechat history search WORD...")
            }
            if limit < 1 { throw ValidationError("--limit must be at least 1.") }
        }

        func run() throws {
            let query = SearchQuery(words.joined(separator: " "))
            let store = try HistoryStore.openForReading()
            let matches = try store.searchConversations(query, limit: limit)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                let data = try encoder.encode(matches.map(SearchResultJSON.init))
                Terminal.write(matches.isEmpty ? "[]\n" : String(decoding: data, as: UTF8.self) + "\n")
                return
            }
            guard !matches.isEmpty else {
                Terminal.write("No conversation contains \(Self.quoted(query)).\n")
                return
            }
            let onTerminal = Terminal.stdoutIsTerminal
            Terminal.write(matches.map { Self.text($0, onTerminal: onTerminal) }.joined())
        }

        /// Two lines per match: id, last activity and title; then where the words were
        /// found, in context. On a terminal the text is sanitised and the words are bold;
        /// elsewhere both are written as stored (docs/DECISIONS.md 16).
        static func text(_ match: ConversationMatch, onTerminal: Bool) -> String {
            let conversation = match.conversation
            var out = String(format: "%5lld  %@  ", conversation.id.rawValue, Dates.short(conversation.updated))
                + marked(match.title, onTerminal: onTerminal) + "\n"
            if let message = match.message {
                out += "       #\(message.ordinal) \(message.role.rawValue)\(message.inReasoning ? " (reasoning)" : ""): "
                    + marked(message.snippet, onTerminal: onTerminal)
                if match.matchingMessages > 1 { out += "  (\(match.matchingMessages) messages match)" }
                out += "\n"
            }
            return out
        }

        static func marked(_ snippet: SearchSnippet, onTerminal: Bool) -> String {
            guard onTerminal else { return snippet.text }
            return snippet.sanitized().pieces.map { $0.isMatch ? "\u{1B}[1m\($0.text)\u{1B}[22m" : $0.text }.joined()
        }

        static func quoted(_ query: SearchQuery) -> String {
            "“" + (Terminal.stdoutIsTerminal ? TerminalSanitizer.clean(query.description) : query.description) + "”"
        }
    }
}

/// One result of `history search --json`. Snake-case keys, like the JSON export.
struct SearchResultJSON: Encodable {
    struct Mark: Encodable { var offset: Int; var length: Int }
    struct Message: Encodable {
        var id: Int64, ordinal: Int, role: String, field: String, snippet: String, matches: [Mark]
    }

    var id: Int64, title: String, updated: Date, model: String, messages: Int
    var inTitle: Bool, titleMatches: [Mark], matchingMessages: Int, message: Message?

    enum CodingKeys: String, CodingKey {
        case id, title, updated, model, messages, message
        case inTitle = "in_title", titleMatches = "title_matches", matchingMessages = "matching_messages"
    }

    init(_ match: ConversationMatch) {
        let conversation = match.conversation
        id = conversation.id.rawValue
        title = conversation.title
        updated = conversation.updated
        model = conversation.model
        messages = match.summary.messageCount
        inTitle = match.inTitle
        titleMatches = match.title.scalarMatches.map { Mark(offset: $0.offset, length: $0.length) }
        matchingMessages = match.matchingMessages
        message = match.message.map { message in
            Message(id: message.id.rawValue, ordinal: message.ordinal, role: message.role.rawValue,
                    field: message.inReasoning ? "reasoning" : "content", snippet: message.snippet.text,
                    matches: message.snippet.scalarMatches.map { Mark(offset: $0.offset, length: $0.length) })
        }
    }
}
