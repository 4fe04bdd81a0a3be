import ArgumentParser
import ChatCore
import Foundation
import Config
import History

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List, search, show and export stored conversations.",
        subcommands: [List.self, Search.self, Show.self, Export.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List conversations, most recent first.")

        @Option(help: "Only conversations whose title or messages contain these words (as `history search`).")
        var search: String?

        static let defaultLimit = 50

        @Option(parsing: .unconditional,
                help: ArgumentHelp("At most this many (\(NumberRanges.limit)). (default: \(List.defaultLimit))", valueName: "N"),
                transform: NumberRanges.limit.transform)
        var limit = List.defaultLimit

        func run() throws {
            let store = try HistoryStore.openForReading()
            let query = search.map(SearchQuery.init) ?? SearchQuery("")
            let rows = query.isEmpty ? try store.listConversations(limit: limit)
                                     : try store.searchConversations(query, limit: limit).map(\.summary)
            guard !rows.isEmpty else {
                Terminal.write(query.isEmpty ? "No conversations yet. Start one with `cachechat ask` or `cachechat`.\n"
                                             : "No conversation contains \(Search.quoted(query)).\n")
                return
            }
            var lines = ["   ID  LAST ACTIVITY     MSGS  MODEL                TITLE"]
            for row in rows.prefix(limit) {
                let conversation = row.conversation
                lines.append(String(format: "%5lld  %@  %4d  %@  %@", conversation.id.rawValue,
                                    Dates.short(conversation.updated), row.messageCount,
                                    Dates.pad(conversation.model, 19), TerminalSanitizer.clean(conversation.title)))
            }
            Terminal.write(lines.joined(separator: "\n") + "\n")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a conversation with its cache use per request.")

        @Argument(help: "The conversation id.", transform: NumberRanges.conversationID.transform)
        var id: Int64

        func run() throws {
            let store = try HistoryStore.openForReading()
            guard (try store.conversation(ConversationID(id))) != nil else {
                throw CLIError.usage("There is no conversation \(id). `cachechat history list` shows them.")
            }
            // The Markdown export is the readable form; sanitised because it goes to a terminal.
            let text = try store.export(ConversationID(id), format: .markdown)
            Terminal.write(Terminal.stdoutIsTerminal ? TerminalSanitizer.clean(text) : text)
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Export a conversation as Markdown or JSON.")

        @Argument(help: "The conversation id.", transform: NumberRanges.conversationID.transform)
        var id: Int64

        @Option(help: "md or json.")
        var format: ExportFormat = .md

        @Flag(help: "Include the attached documents' whole text (by default only their names and content hashes).")
        var documents = false

        func run() throws {
            let store = try HistoryStore.openForReading()
            guard (try store.conversation(ConversationID(id))) != nil else {
                throw CLIError.usage("There is no conversation \(id). `cachechat history list` shows them.")
            }
            Terminal.write(try store.export(ConversationID(id), format: format == .md ? .markdown : .json, documents: documents))
        }
    }

    enum ExportFormat: String, ExpressibleByArgument { case md, json }
}

enum Dates {
    /// "2026-11-26 23:07", UTC-free local time, fixed width.
    static func short(_ date: Date) -> String { LocalZone.system.parts(of: date).dateAndTime }

    /// "2026-11-26T23:07:00Z".
    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func pad(_ text: String, _ width: Int) -> String {
        let clean = TerminalSanitizer.clean(text)
        return clean.count >= width ? String(clean.prefix(width)) : clean + String(repeating: " ", count: width - clean.count)
    }

    /// "2026-11-01" or "2026-11-01T12:00:00Z" → a date (local midnight for a bare day, in
    /// the zone `history list` and the TUI show times in).
    static func parse(_ text: String) -> Date? {
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: text) { return date }
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 4, (1...2).contains(fields[1].count), (1...2).contains(fields[2].count),
              fields.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(fields[0]), let month = Int(fields[1]), let day = Int(fields[2]),
              (1...12).contains(month), (1...31).contains(day),
              UTCDay.civil(days: UTCDay.days(year: year, month: month, day: day)) == (year, month, day) else { return nil }
        return LocalZone.system.date(of: LocalZone.Parts(year: year, month: month, day: day))
    }
}
