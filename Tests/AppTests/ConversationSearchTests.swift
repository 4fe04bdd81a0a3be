import App
import ChatCore
import ChatWire
import Foundation
import GRDB
@testable import History
import TerminalUI
import TestSupport
import Testing

/// Ctrl-O's list searches the titles and the messages of every conversation as you type.
@Suite("Searching conversations from the list")
struct ConversationSearchTests {
    static func list(_ harness: AppHarness) -> ListPanel? {
        if case .list(let list) = harness.state.overlay { return list }
        return nil
    }

    /// Where `text` is on screen: (row, column of its first cell).
    static func position(of text: String, in terminal: VirtualTerminal) -> (Int, Int)? {
        for (row, cells) in terminal.grid.enumerated() {
            var line: [(String, Int)] = []
            for (column, cell) in cells.enumerated() where !cell.isContinuation { line.append((cell.text, column)) }
            let characters = line.map(\.0)
            let wanted = text.map(String.init)
            guard characters.count >= wanted.count else { continue }
            for start in 0...(characters.count - wanted.count) where Array(characters[start..<(start + wanted.count)]) == wanted {
                return (row, line[start].1)
            }
        }
        return nil
    }

    @Test func typingFindsWordsInMessagesAndEnterOpensThatConversation() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("Tell me about prefix caching")
        harness.send("What do okapis eat?")
        let okapis = try #require(harness.state.conversation.id)
        harness.press(.ctrlN)
        harness.send("Something unrelated")
        let other = try #require(harness.state.conversation.id)

        harness.press(.ctrlO)
        #expect(Self.list(harness)?.items.map(\.id) == [other, okapis].map { String($0.rawValue) })
        harness.type("OKAPI")
        let found = try #require(Self.list(harness))
        #expect(found.filter == "OKAPI")
        #expect(found.items.map(\.id) == [String(okapis.rawValue)], "no title says okapi: found in a message")
        let item = try #require(found.items.first)
        #expect(item.title == "Tell me about prefix caching" && item.titleMarks.isEmpty)
        #expect(item.context.hasPrefix("#3 user: What do okapis eat?"), "\(item.context)")
        #expect(item.contextMarks.first.map { Array(item.context)[$0].map(String.init).joined() } == "okapi")

        // On screen: the title, and under it the message with the word highlighted.
        let screen = harness.device.screen
        let title = try #require(Self.position(of: "Tell me about prefix caching", in: screen))
        let word = try #require(Self.position(of: "okapis eat", in: screen))
        #expect(word.0 == title.0 + 1)
        let marked = screen.grid[word.0][word.1].style
        #expect(marked.foreground == .helpKey && marked.attributes.contains(.underline))
        #expect(screen.grid[word.0][word.1 + 5].style.foreground != .helpKey, "the “s” after the word typed is not marked")

        harness.press(.enter)
        #expect(Self.list(harness) == nil)
        #expect(harness.state.conversation.id == okapis)
        #expect(harness.messages.count == 4 && harness.messages[2].content == "What do okapis eat?")
    }

    @Test func titlesAreMarkedEmptyingTheFilterListsAllAndNothingFoundSaysSo() throws {
        let harness = try AppHarness()
        harness.start()
        harness.send("Prefix caching basics")
        harness.press(.ctrlN)
        harness.send("Okapis and zebras")
        harness.press(.ctrlO)

        harness.type("caching")
        let titled = try #require(Self.list(harness)?.items.first)
        #expect(titled.title == "Prefix caching basics")
        #expect(titled.titleMarks == [7..<14])
        #expect(Self.list(harness)?.items.count == 1)

        harness.type("zzz")
        #expect(Self.list(harness)?.items.isEmpty == true)
        #expect(harness.text.contains("no matches"))

        harness.press(.ctrlU)
        #expect(Self.list(harness)?.filter == "")
        #expect(Self.list(harness)?.items.count == 2, "an empty filter lists every conversation again")
        #expect(Self.list(harness)?.items.allSatisfy { $0.context.isEmpty && $0.titleMarks.isEmpty } == true)
        harness.press(.escape)
        #expect(Self.list(harness) == nil)
    }

    /// The cost of a key typed into the list (a search and a frame) against opening the
    /// list (listing and a frame), on 2,000 conversations of 10 messages, in memory and in
    /// SQLite. Printed for the record; measured in the same run, never against a time.
    @Test func aKeyInTheListOnTwoThousandConversations() throws {
        let folder = try TemporaryFolder()
        let store = try ChatStore(path: folder.databasePath)
        let memory = InMemoryHistory()
        let words = ["prefix", "cache", "token", "reply", "model", "question", "answer", "context", "the", "of", "and", "缓存"]
        var random = SplitMix64(seed: 7)
        try store.write { db in
            for c in 0..<2_000 {
                let conversation = try memory.createConversation(ConversationSettings(title: "Chat \(c)", model: "m", endpointName: "e"))
                try db.execute(sql: """
                    INSERT INTO conversation (title, created_at, updated_at, model, endpoint_name)
                    VALUES (?, '2026-11-01 10:00:00.000', '2026-11-01 10:00:00.000', 'm', 'e')
                    """, arguments: ["Chat \(c)"])
                for m in 0..<10 {
                    let text = (0..<50).map { _ in random.pick(words) }.joined(separator: " ") + (c == 1_234 && m == 5 ? " okapi" : "")
                    try memory.appendMessage(to: conversation.id, role: m % 2 == 0 ? .user : .assistant, content: text)
                    try db.execute(sql: """
                        INSERT INTO message (conversation_id, ordinal, role, content, created_at, state)
                        VALUES (?, ?, ?, ?, '2026-11-01 10:00:00.000', 'complete')
                        """, arguments: [c + 1, m + 1, m % 2 == 0 ? "user" : "assistant", text])
                }
            }
        }
        var report: [String] = []
        for (name, history) in [("in memory", memory as ChatHistory), ("SQLite", store as ChatHistory)] {
            let clock = ManualClock(date: AppHarness.start, uptime: 1_000)
            let session = HeadlessSession(clock: clock, transport: InMemoryTransport(clock: clock) { _ in [] }, history: history,
                                          environment: AppEnvironment(endpointName: "e", endpointIdentity: "t", cacheModel: .v4,
                                                                      defaultModel: "deepseek-chat"),
                                          endpoint: Endpoint(baseURL: "http://127.0.0.1:1", apiKey: "sk-test", keySource: nil,
                                                             displayName: "e"))
            session.runtime.start()
            session.settle()
            func key(_ bytes: [UInt8]) -> Double {
                Timing.seconds {
                    session.press(bytes)
                    session.step()
                }
            }
            var open = Double.infinity, rare = Double.infinity, common = Double.infinity
            for _ in 0..<3 {
                open = min(open, key([15]))  // Ctrl-O: list 500 and draw
                session.type("okap")
                session.settle()
                rare = min(rare, key(Array("i".utf8)))  // "okapi": one conversation
                _ = key([21])  // Ctrl-U: the whole list again
                session.type("th")
                session.settle()
                common = min(common, key(Array("e".utf8)))  // "the": every conversation, 200 shown
                if case .list(let list) = session.state.overlay { #expect(list.items.count == AppLogic.conversationSearchLimit) }
                session.press([27])
                session.settle()
            }
            session.press([15])
            session.type("okapi")
            session.settle()
            if case .list(let list) = session.state.overlay {
                #expect(list.items.map(\.id) == ["1235"], "\(name)")
            } else {
                Issue.record("no list (\(name))")
            }
            report.append(String(format: "%@: opening the list %.1f ms; a key finding one conversation %.2fx that, one finding all %.2fx",
                                 name, open * 1000, rare / open, common / open))
        }
        print("list search perf (2,000 conversations, 20,000 messages, debug build): " + report.joined(separator: "; "))
    }
}
