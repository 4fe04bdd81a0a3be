import App
import ChatCore
import Emulator
import Foundation
import TerminalUI
import TestSupport
import Testing

/// The cache numbers are on screen at every terminal size, and F3 does what it says.
@Suite("Cache numbers at every width")
struct EveryWidthTests {
    @Test func at80x24TheStripShowsTheLastRequestAndTheDraft() throws {
        let harness = try AppHarness(width: 80, height: 24)
        harness.start()
        #expect(harness.text.contains("cache: no request yet"))
        harness.send(AppHarness.context + " What is a cache hit?")
        harness.type("And a miss?")
        let strip = try #require(harness.text.split(separator: "\n").first { $0.hasPrefix("next ") })
        let prediction = try #require(harness.state.draft?.plan.prediction)
        #expect(strip.contains("next \(Formatting.grouped(prediction.hitTokens)) hit"), "\(strip)")
        let last = try #require(harness.ledger.last)
        #expect(strip.contains("last \(Formatting.grouped(last.hitTokens ?? -1)) hit · \(Formatting.grouped(last.missTokens ?? -1)) miss"), "\(strip)")
    }

    @Test func f3ShowsThePanelOnANarrowTerminalAndHidesItOnAWideOne() throws {
        let narrow = try AppHarness(width: 80, height: 24)
        narrow.start()
        narrow.send("Hello")
        #expect(!narrow.text.contains("Last request"))
        narrow.press(.f3)
        #expect(narrow.text.contains("Last request"), "F3 said the panel is shown: it must be")
        #expect(narrow.state.notice?.text.contains("shown") == true)
        narrow.press(.f3)
        #expect(!narrow.text.contains("Last request"))
        #expect(narrow.text.contains("last "))

        let wide = try AppHarness(width: 160, height: 48)
        wide.start()
        wide.send("Hello")
        #expect(wide.text.contains("Last request"))
        wide.press(.f3)
        #expect(!wide.text.contains("Last request"))
        #expect(wide.text.split(separator: "\n").contains { $0.hasPrefix("last ") }, "hidden panel: the strip keeps the numbers")
        #expect(wide.state.notice?.text.contains("strip") == true)
    }

    @Test func theScreenFollowsAResize() throws {
        let harness = try AppHarness(width: 160, height: 48)
        harness.start()
        harness.send("Hello")
        #expect(harness.text.contains("Last request"))
        harness.device.screen.resize(to: Size(width: 80, height: 24))
        harness.device.events.append(.resized)
        harness.session.settle()
        #expect(!harness.text.contains("Last request"))
        #expect(harness.state.view.screenSize == Size(width: 80, height: 24))
    }
}

/// F1 at the most common size: every key and command readable, and where you are in it.
@Suite("Help at 80x24")
struct HelpAt80x24Tests {
    @Test func everyRowIsReadableAndTheFooterSaysWhereYouAre() throws {
        let harness = try AppHarness(width: 80, height: 24)
        harness.start()
        harness.press(.f1)
        guard case .help(let help) = harness.state.overlay else { Issue.record("no help"); return }
        // Scroll through the whole table and collect what was shown.
        var seen = harness.text
        #expect(seen.contains("1–"), "the footer shows the position")
        for _ in 0..<40 {
            harness.press(Array("\u{1B}[6~".utf8))
            seen += harness.text
        }
        #expect(harness.text.contains(" of "))
        let flat = seen.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "│", with: " ")
            .split(separator: " ").joined(separator: " ")
        for section in help.sections {
            for row in section.rows {
                // Every word of every action appears (wrapped, never cut).
                for word in row.action.split(separator: " ") where word.count > 3 {
                    #expect(flat.contains(word), "“\(word)” of “\(row.action)” is not on screen")
                }
            }
        }
        for command in ["/model", "/thinking", "/system", "/theme", "/export", "/stats", "/truncate", "/copy", "/edit"] {
            #expect(flat.contains(command), "\(command) missing from help")
        }
        harness.press(.escape)
        #expect(harness.state.overlay == nil)
    }
}

/// Tab completes what a command takes: model ids, themes, few-shot sets, paths.
@Suite("Tab completion of arguments")
struct ArgumentCompletionTests {
    static func line(_ harness: AppHarness) -> String? {
        guard case .command(let bar) = harness.state.overlay else { return nil }
        return bar.text
    }

    @Test func modelsThemesAndFewShotSets() throws {
        let harness = try AppHarness()
        _ = try harness.fewShots.save(FewShotSet(name: "sentiment", system: "Classify.", shots: [.init(user: "Great!", assistant: "positive")]))
        harness.start()
        harness.type("/model deepseek-v4-p")
        harness.press(.tab)
        #expect(Self.line(harness) == "/model deepseek-v4-pro")
        harness.press(.escape)
        harness.type("/theme hi")
        harness.press(.tab)
        #expect(Self.line(harness) == "/theme high-contrast")
        harness.press(.escape)
        harness.type("/fewshot use se")
        harness.press(.tab)
        #expect(Self.line(harness)?.hasPrefix("/fewshot use sentiment") == true)
    }

    @Test func modelIdsComeFromTheEndpointToo() throws {
        let harness = try AppHarness(fetchModels: true)
        harness.start()
        harness.session.settle()
        #expect(!harness.state.endpointModels.isEmpty, "the emulator lists its models")
        let request = try #require(harness.transport.requests.first { $0.url.hasSuffix("/models") })
        #expect(request.method == "GET")
        harness.type("/model ")
        guard case .command(let bar) = harness.state.overlay else { Issue.record("no command line"); return }
        #expect(bar.candidates.map(\.name).prefix(harness.state.endpointModels.count) == ArraySlice(harness.state.endpointModels))
    }

    @Test func exportCompletesPaths() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("notes-2026"), withIntermediateDirectories: true)
        try "x".write(to: folder.url.appendingPathComponent("notes-2026/old.md"), atomically: true, encoding: .utf8)
        let harness = try AppHarness()
        harness.start()
        harness.type("/export md \(folder.url.path)/not")
        harness.press(.tab)
        #expect(Self.line(harness) == "/export md \(folder.url.path)/notes-2026/")
        harness.press(.tab)
        #expect(Self.line(harness) == "/export md \(folder.url.path)/notes-2026/old.md")
    }
}

@Suite("Message log")
struct MessageLogTests {
    @Test func everyStatusMessageCanBeReadAgainWholeWithItsTime() throws {
        let harness = try AppHarness(width: 80, height: 24)
        harness.start()
        let long = String(repeating: "x", count: 120)
        harness.send("/nosuchcommand" + long)
        #expect(!harness.text.contains(long), "the status bar cuts it")
        harness.send("/thinking maybe")
        harness.send("/log")
        guard case .help(let help) = harness.state.overlay else { Issue.record("no log"); return }
        let rows = help.sections.flatMap(\.rows)
        #expect(rows.contains { $0.action.contains("Unknown command /nosuchcommand" + long) && $0.keys.hasPrefix("09:00:00 ✗") })
        #expect(rows.last?.action.hasPrefix("Thinking is") == true)
        #expect(harness.text.contains("Messages (newest last)"))
    }
}

@Suite("Edges")
struct EdgeTests {
    @Test func ctrlNFromAFewShotChatStartsWithTheWholeSet() throws {
        let harness = try AppHarness(configuration: EmulatorConfiguration(cacheModel: .v3, tokensPerSecond: 0, replyTokens: 20))
        try harness.fewShots.save(FewShotSet(name: "sentiment", system: "Classify the sentiment.",
                                             shots: [.init(user: "Great!", assistant: "positive"), .init(user: "Awful.", assistant: "negative")]))
        harness.start()
        harness.send("/fewshot use sentiment")
        harness.send("Review: fine.")
        harness.press(.ctrlN)
        harness.send("Review: broken.")
        let request = try #require(harness.transport.chatRequests.last)
        // System, both shots (four messages), the new question: never the system prompt alone.
        #expect(request.messages.map(\.role) == [.system, .user, .assistant, .user, .assistant, .user])
        #expect(request.messages.last?.content == "Review: broken.")
        #expect(harness.state.conversation.fewShot?.name == "sentiment")
    }
}
