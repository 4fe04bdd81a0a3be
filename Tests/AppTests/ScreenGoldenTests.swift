import App
import ChatCore
import ChatWire
import Emulator
import Foundation
import TerminalUI
import TestSupport
import Testing

/// The whole composed screen — transcript, panel, editor, status bar — as a person sees it
/// at each step that matters, against golden files (re-record with RECORD_SNAPSHOTS=1).
/// Everything is deterministic: the emulator in process, a manual clock at a fixed date,
/// UTC times, no socket, no sleep.
@Suite("Whole screens, golden")
struct ScreenGoldenTests {
    static let system = "You are a concise assistant. " + String(repeating: "Answer questions about prompt caching precisely. ", count: 6)

    @Test(arguments: [(80, 24), (120, 40)])
    func firstRun(width: Int, height: Int) throws {
        let harness = try AppHarness(width: width, height: height)
        harness.start()
        Snapshot.assertMatches(harness.frame, named: "\(width)x\(height)")
    }

    @Test(arguments: [(80, 24), (160, 48)])
    func threeTurns(width: Int, height: Int) throws {
        let harness = try AppHarness(width: width, height: height,
                                     configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0, replyTokens: 40))
        harness.start()
        harness.send("/system " + Self.system)
        harness.send(AppHarness.context + " What is a cache hit?")
        harness.send("And a miss?")
        harness.send("Which one is cheaper?")
        harness.type("One more draft question")
        Snapshot.assertMatches(harness.frame, named: "\(width)x\(height)")
    }

    @Test(arguments: [(80, 24), (160, 48)])
    func verbatimMessagesAndEmojiClusters(width: Int, height: Int) throws {
        // Your messages and the system prompt are shown as typed (line breaks and
        // indentation kept, `*` and `#` literal); clusters are drawn whole.
        let harness = try AppHarness(width: width, height: height,
                                     configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0, replyTokens: 30))
        harness.start()
        harness.send("/system Rules: *keep it short*  # not a heading, `not code`")
        let text = "roses are red\nviolets are blue\n    indented code line\n👍🏽 👨‍👩‍👧 🇺🇸 1️⃣ *not italic*"
        harness.session.press(Array("\u{1B}[200~\(text)\u{1B}[201~".utf8))
        harness.press(.enter)
        harness.session.settle()
        let screen = harness.text
        #expect(screen.contains("  violets are blue"))
        #expect(screen.contains("      indented code line"))
        #expect(screen.contains("👍🏽 👨‍👩‍👧 🇺🇸 1️⃣ *not italic*"))
        #expect(screen.contains("Rules: *keep it short*  # not a heading, `not code`"))
        harness.type("draft 👨‍👩‍👧 too")
        Snapshot.assertMatches(harness.frame, named: "\(width)x\(height)")
    }

    @Test(arguments: [(80, 24), (160, 48)])
    func documentsAndEach(width: Int, height: Int) throws {
        // A document card (folded), the panel's Documents section, and /each answers
        // with their own cache numbers.
        let harness = try AppHarness(width: width, height: height,
                                     configuration: EmulatorConfiguration(cacheModel: .v3, constructDelay: 1, tokensPerSecond: 0,
                                                                          replyTokens: 12))
        harness.start()
        harness.send("/thinking off")
        let path = harness.folder.url.appendingPathComponent("handbook.md").path
        try Data(AttachmentTUITests.document.utf8).write(to: URL(fileURLWithPath: path))
        harness.send("/attach \(path)")
        harness.send("/each")
        harness.type("What is a unit?\nWho pays for a miss?\nWhy does order matter?")
        harness.press(.enter)
        harness.session.settle()
        harness.type("And the price?")
        Snapshot.assertMatches(harness.frame, named: "\(width)x\(height)")
    }

    @Test func documentCardOpen() throws {
        let harness = try AppHarness(width: 80, height: 24,
                                     configuration: EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0, replyTokens: 12))
        harness.start()
        harness.send("/thinking off")
        let path = harness.folder.url.appendingPathComponent("notes.md").path
        try Data("# Notes\n\nCache units are 64 tokens.\n  Indented, *as typed*.\n".utf8).write(to: URL(fileURLWithPath: path))
        harness.send("/attach \(path)")
        harness.send("Summarise the notes")
        AttachmentTUITests.focus(.attachment(0), in: harness)
        harness.press(.enter)
        Snapshot.assertMatches(harness.frame, named: "80x24")
    }

    @Test func afterATruncation() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0, replyTokens: 60))
        harness.start()
        harness.send("/system " + Self.system)
        for turn in 1...4 { harness.send("Question \(turn): tell me about prefixes.") }
        harness.send("/truncate now")
        Snapshot.assertMatches(harness.frame, named: "dialog")
        harness.press(.enter)
        harness.send("After the cut")
        Snapshot.assertMatches(harness.frame, named: "after")
    }

    @Test func oneQuestionEach() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0, replyTokens: 12))
        try harness.fewShots.save(FewShotSet(name: "sentiment", system: String(repeating: "Classify the sentiment of the review. ", count: 6),
                                             shots: [.init(user: "Review: great value.", assistant: "positive"),
                                                     .init(user: "Review: stopped working.", assistant: "negative")]))
        harness.start()
        harness.send("/fewshot use sentiment each")
        for question in ["Review: fine.", "Review: broken on arrival.", "Review: superb."] { harness.send(question) }
        harness.type("Review: next one")
        Snapshot.assertMatches(harness.frame, named: "120x40")
    }

    @Test func aFork() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 0, replyTokens: 30))
        harness.start()
        harness.send("/system " + Self.system)
        harness.send(AppHarness.context + " First question?")
        harness.send("Second question?")
        harness.send("/edit 1")
        Snapshot.assertMatches(harness.frame, named: "dialog")
        harness.press(.enter)
        Snapshot.assertMatches(harness.frame, named: "forked")
    }

    @Test func aFailure() throws {
        let harness = try AppHarness { request in
            request.url.hasSuffix("/chat/completions")
                ? InMemoryTransport.errorReply(status: 400, message: "Model Not Exist") : InMemoryTransport.notFound
        }
        harness.start()
        harness.send("Hello?")
        harness.type("my draft survives")
        Snapshot.assertMatches(harness.frame, named: "120x40")
    }

    @Test func aStop() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v4, tokensPerSecond: 40, replyTokens: 300))
        harness.start()
        harness.session.type("Write a long answer please")
        harness.session.press([13])
        #expect(harness.run { (harness.state.turn?.deltas ?? 0) >= 30 })
        Snapshot.assertMatches(harness.frame, named: "streaming")
        harness.press(.escape)
        Snapshot.assertMatches(harness.frame, named: "stopped")
    }
}
